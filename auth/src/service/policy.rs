//! The account's session policy: its override, the system default, and the
//! effective values, computed in one place.

use std::time::Duration;

use api::{
    AccountId, ApiError, ErrorCode, LiveEvent, PolicyFor, PolicySet, PolicySetParams, PolicyView,
    Preset, RevokeReason, SecondFactorPolicySet, SessionPolicy,
};
use serde_json::json;

use super::session_start::Timeouts;
use super::{Auth, ClientMeta, Confirmed, Fresh, OwnerActions};
use crate::audit::{AuditEvent, AuditKind};
use crate::live::LiveChange;
use crate::store::sessions::Bound;
use crate::store::{Whose, accounts, sessions, tokens};
use crate::{AuthError, second_factor};

/// An account's policy as the security page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountPolicy {
    /// The owner's choice; `None` means the system default applies.
    pub policy_override: Option<SessionPolicy>,
    pub default_idle: Duration,
    pub default_absolute: Duration,
    /// What new sign-ins get once bound to their device (all of them,
    /// when there are no limits for the others).
    pub effective_idle: Duration,
    pub effective_absolute: Duration,
    /// The owner's limits for sessions not bound to their device.
    pub unbound: Option<SessionPolicy>,
    /// What new sign-ins get until their browser binds them.
    pub effective_unbound_idle: Duration,
    pub effective_unbound_absolute: Duration,
    /// Whether everyone in the account needs a second factor to sign in.
    pub second_factor_required: bool,
}

/// What the owner asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyChange {
    Preset(Preset),
    Custom(SessionPolicy),
    /// Back to the system default.
    Clear,
}

impl TryFrom<&PolicySetParams> for PolicyChange {
    type Error = AuthError;

    /// Exactly one of: a preset, both custom values, or `clear`.
    fn try_from(params: &PolicySetParams) -> Result<Self, AuthError> {
        let custom = params.idle_minutes.is_some() || params.absolute_minutes.is_some();
        let chosen =
            usize::from(params.preset.is_some()) + usize::from(custom) + usize::from(params.clear);
        if chosen != 1 {
            return Err(api::ApiError::invalid_params(
                "Send exactly one of: `preset`, `idle_minutes` with `absolute_minutes`, or `clear: true`.",
            )
            .into());
        }
        if let Some(preset) = params.preset {
            return Ok(PolicyChange::Preset(preset));
        }
        if params.clear {
            return Ok(PolicyChange::Clear);
        }
        let idle = params.idle_minutes.unwrap_or(-1);
        let absolute = params.absolute_minutes.unwrap_or(-1);
        Ok(PolicyChange::Custom(
            SessionPolicy::new(idle, absolute).map_err(api::ApiError::from)?,
        ))
    }
}

impl From<&AccountPolicy> for PolicyView {
    fn from(policy: &AccountPolicy) -> Self {
        PolicyView {
            policy_override: policy.policy_override,
            preset: policy.policy_override.and_then(SessionPolicy::preset),
            default_idle_seconds: policy.default_idle.as_secs(),
            default_absolute_seconds: policy.default_absolute.as_secs(),
            effective_idle_seconds: policy.effective_idle.as_secs(),
            effective_absolute_seconds: policy.effective_absolute.as_secs(),
            bounds: api::PolicyBounds::current(),
            unbound: policy.unbound,
            unbound_preset: policy.unbound.and_then(SessionPolicy::preset),
            effective_unbound_idle_seconds: policy.effective_unbound_idle.as_secs(),
            effective_unbound_absolute_seconds: policy.effective_unbound_absolute.as_secs(),
            second_factor_required: policy.second_factor_required,
        }
    }
}

impl From<PolicyUpdate> for PolicySet {
    fn from(update: PolicyUpdate) -> Self {
        PolicySet {
            policy: PolicyView::from(&update.policy),
            sessions_shortened: update.sessions_shortened,
        }
    }
}

/// The result of a policy change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyUpdate {
    pub policy: AccountPolicy,
    /// Live sessions that were shortened to the new policy.
    pub sessions_shortened: u64,
}

impl OwnerActions<'_> {
    /// Sets or clears the account's policy, for every session or for those
    /// not bound to their device (which may not last longer than the
    /// others). It applies to sign-ins from now on; with
    /// `apply_to_live_sessions`, the sessions it is for that are signed in
    /// now are shortened to it too, never lengthened.
    #[tracing::instrument(skip_all, fields(account_id = %self.owner.me.account_id))]
    pub async fn set_policy(
        &self,
        _confirmed: &Confirmed,
        change: PolicyChange,
        applies_to: PolicyFor,
        apply_to_live_sessions: bool,
        meta: &ClientMeta,
    ) -> Result<PolicyUpdate, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let chosen = match change {
            PolicyChange::Preset(preset) => Some(preset.policy()),
            PolicyChange::Custom(policy) => Some(policy),
            PolicyChange::Clear => None,
        };
        let account_id = &caller.me.account_id;
        let mut tx = auth.0.db.begin_write().await?;
        let stored = accounts::policy(&mut tx, account_id).await?;
        let (policy_override, unbound) = match applies_to {
            PolicyFor::AllSessions => {
                accounts::set_policy_override(&mut tx, account_id, chosen).await?;
                (chosen, stored.unbound)
            }
            PolicyFor::UnboundSessions => {
                if let Some(unbound) = chosen {
                    let all = auth.timeouts_for(stored.policy_override);
                    unbound
                        .no_longer_than(all.idle.as_secs(), all.absolute.as_secs())
                        .map_err(ApiError::from)?;
                }
                accounts::set_unbound_policy(&mut tx, account_id, chosen).await?;
                (stored.policy_override, chosen)
            }
        };
        let second_factor_required = stored.second_factor_required_since.is_some();
        let policy = auth.describe_policy(policy_override, unbound, second_factor_required);
        let sessions_shortened = if apply_to_live_sessions {
            let (idle, absolute, which) = match applies_to {
                PolicyFor::AllSessions => (
                    policy.effective_idle,
                    policy.effective_absolute,
                    Bound::Either,
                ),
                PolicyFor::UnboundSessions => (
                    policy.effective_unbound_idle,
                    policy.effective_unbound_absolute,
                    Bound::NotBound,
                ),
            };
            sessions::shorten_for_account(&mut tx, account_id, which, idle, absolute).await?
        } else {
            0
        };
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::PolicyChanged, auth.now(), meta)
            .by(account_id, &caller.me.user_id)
            .target(account_id.as_str())
            .detail(json!({
                "applies_to": applies_to,
                "idle_minutes": chosen.map(SessionPolicy::idle_minutes),
                "absolute_minutes": chosen.map(SessionPolicy::absolute_minutes),
                "sessions_shortened": sessions_shortened,
            }));
        auth.0.audit.record(event).await;
        auth.0.live.apply(LiveChange::ToAccount {
            account_id: account_id.clone(),
            event: LiveEvent::PolicyUpdated,
        });
        Ok(PolicyUpdate {
            policy,
            sessions_shortened,
        })
    }
}

impl OwnerActions<'_> {
    /// Requires a second factor of everyone in the account, or no longer.
    /// Turned on, the live sessions of those without one end: they set one
    /// up when they sign in again, and can do nothing else before. The
    /// owner turning it on must have one already, so nobody is ever left
    /// without a way in.
    #[tracing::instrument(skip_all, fields(account_id = %self.owner.me.account_id))]
    pub async fn set_second_factor_required(
        &self,
        _fresh: &Fresh<'_>,
        required: bool,
        meta: &ClientMeta,
    ) -> Result<SecondFactorPolicySet, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let account_id = &caller.me.account_id;
        let now = auth.now();
        let reason = RevokeReason::SecondFactorRequired;
        let mut tx = auth.0.db.begin_write().await?;
        let since = accounts::second_factor_required_since(&mut tx, account_id).await?;
        if since.is_some() == required {
            return Ok(SecondFactorPolicySet {
                required,
                sessions_ended: 0,
                api_tokens_revoked: 0,
            });
        }
        let (ended, revoked_tokens) = if required {
            if !second_factor::has_any(&mut tx, &caller.me.user_id).await? {
                return Err(AuthError::Rejected(ApiError::new(
                    ErrorCode::Conflict,
                    "Set up two-step sign-in (an authenticator app or a passkey) for yourself \
                     first: the account cannot require what its owner does not have.",
                )));
            }
            accounts::set_second_factor_required(&mut tx, account_id, Some(now)).await?;
            let without = Whose::WithoutSecondFactor(account_id);
            // Their API tokens were made by sessions that had no second
            // factor either: they end with them.
            (
                sessions::revoke_live(&mut tx, without, None, reason, now).await?,
                tokens::revoke_usable(&mut tx, without, None, now).await?,
            )
        } else {
            accounts::set_second_factor_required(&mut tx, account_id, None).await?;
            (Vec::new(), Vec::new())
        };
        tx.commit().await?;
        auth.close_tokens(&revoked_tokens);
        let answer = SecondFactorPolicySet {
            required,
            sessions_ended: ended.len() as u64,
            api_tokens_revoked: revoked_tokens.len() as u64,
        };
        let event = AuditEvent::new(AuditKind::PolicyChanged, now, meta)
            .by(account_id, &caller.me.user_id)
            .target(account_id.as_str())
            .detail(json!({
                "second_factor_required": required,
                "sessions_ended": answer.sessions_ended,
                "api_tokens_revoked": answer.api_tokens_revoked,
            }));
        auth.after_revoke(&ended, reason, event).await;
        auth.0.live.apply(LiveChange::ToAccount {
            account_id: account_id.clone(),
            event: LiveEvent::PolicyUpdated,
        });
        Ok(answer)
    }
}

impl Auth {
    pub async fn account_policy(&self, account_id: &AccountId) -> Result<AccountPolicy, AuthError> {
        let mut conn = self.0.db.reader().acquire().await?;
        let stored = accounts::policy(&mut conn, account_id).await?;
        Ok(self.describe_policy(
            stored.policy_override,
            stored.unbound,
            stored.second_factor_required_since.is_some(),
        ))
    }

    fn describe_policy(
        &self,
        policy_override: Option<SessionPolicy>,
        unbound: Option<SessionPolicy>,
        second_factor_required: bool,
    ) -> AccountPolicy {
        let default = self.timeouts_for(None);
        let effective: Timeouts = self.timeouts_for(policy_override);
        let effective_unbound = self.unbound_timeouts_for(policy_override, unbound);
        AccountPolicy {
            policy_override,
            default_idle: default.idle,
            default_absolute: default.absolute,
            effective_idle: effective.idle,
            effective_absolute: effective.absolute,
            unbound,
            effective_unbound_idle: effective_unbound.idle,
            effective_unbound_absolute: effective_unbound.absolute,
            second_factor_required,
        }
    }
}
