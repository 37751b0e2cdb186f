//! The account's session policy: its override, the system default, and the
//! effective values, computed in one place.

use std::time::Duration;

use api::{AccountId, LiveEvent, Preset, Role, SessionPolicy};
use serde_json::json;

use super::{Auth, Caller, ClientMeta, Timeouts};
use crate::audit::{AuditEvent, AuditKind};
use crate::{AuthError, sessions, users};

/// An account's policy as the security page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountPolicy {
    /// The owner's choice; `None` means the system default applies.
    pub policy_override: Option<SessionPolicy>,
    pub default_idle: Duration,
    pub default_absolute: Duration,
    /// What new sign-ins get.
    pub effective_idle: Duration,
    pub effective_absolute: Duration,
}

/// What the owner asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyChange {
    Preset(Preset),
    Custom(SessionPolicy),
    /// Back to the system default.
    Clear,
}

/// The result of a policy change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyUpdate {
    pub policy: AccountPolicy,
    /// Live sessions that were shortened to the new policy.
    pub sessions_shortened: u64,
}

impl Auth {
    pub async fn account_policy(&self, account_id: &AccountId) -> Result<AccountPolicy, AuthError> {
        let mut conn = self.0.db.reader().acquire().await?;
        let (idle, absolute) = users::policy_override(&mut conn, account_id).await?;
        Ok(self.describe_policy(idle, absolute))
    }

    /// Sets or clears the account's policy (owner only). It applies to
    /// sign-ins from now on; with `apply_to_live_sessions`, sessions signed
    /// in now are shortened to it too, never lengthened.
    #[tracing::instrument(skip_all, fields(account_id = %caller.me.account_id))]
    pub async fn set_policy(
        &self,
        caller: &Caller,
        change: PolicyChange,
        apply_to_live_sessions: bool,
        meta: &ClientMeta,
    ) -> Result<PolicyUpdate, AuthError> {
        if caller.me.role != Role::Owner {
            return Err(AuthError::Forbidden);
        }
        self.require_recent_password(caller).await?;
        let policy_override = match change {
            PolicyChange::Preset(preset) => Some(preset.policy()),
            PolicyChange::Custom(policy) => Some(policy),
            PolicyChange::Clear => None,
        };
        let account_id = &caller.me.account_id;
        let mut tx = self.0.db.begin_write().await?;
        users::set_policy_override(&mut tx, account_id, policy_override).await?;
        let timeouts = self.timeouts_for(
            policy_override.map(|p| i64::from(p.idle_minutes())),
            policy_override.map(|p| i64::from(p.absolute_minutes())),
        );
        let sessions_shortened = if apply_to_live_sessions {
            sessions::shorten_for_account(
                &mut tx,
                account_id,
                timeouts.idle_ms,
                timeouts.absolute_ms,
            )
            .await?
        } else {
            0
        };
        tx.commit().await?;
        let policy = self.describe_policy(
            policy_override.map(|p| i64::from(p.idle_minutes())),
            policy_override.map(|p| i64::from(p.absolute_minutes())),
        );
        let event = AuditEvent::new(AuditKind::PolicyChanged, self.now(), meta)
            .by(account_id, &caller.me.user_id)
            .target(account_id.as_str())
            .detail(json!({
                "idle_minutes": policy_override.map(SessionPolicy::idle_minutes),
                "absolute_minutes": policy_override.map(SessionPolicy::absolute_minutes),
                "sessions_shortened": sessions_shortened,
            }));
        self.0.audit.record(event).await;
        self.0
            .closer
            .notify_account(account_id, &LiveEvent::PolicyUpdated);
        Ok(PolicyUpdate {
            policy,
            sessions_shortened,
        })
    }

    fn describe_policy(&self, idle: Option<i64>, absolute: Option<i64>) -> AccountPolicy {
        let policy_override = match (idle, absolute) {
            (Some(idle), Some(absolute)) => SessionPolicy::new(idle, absolute).ok(),
            _ => None,
        };
        let default = self.timeouts_for(None, None);
        let effective: Timeouts = self.timeouts_for(idle, absolute);
        AccountPolicy {
            policy_override,
            default_idle: default.idle(),
            default_absolute: default.absolute(),
            effective_idle: effective.idle(),
            effective_absolute: effective.absolute(),
        }
    }
}
