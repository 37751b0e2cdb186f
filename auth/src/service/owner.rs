//! What only an account's owner may do, on their own account: the session
//! policy, the list of members, signing out the account or one member,
//! adding members. The gate ([`super::Admitted::owner`]) checks the role
//! once; an [`OwnerActions`] cannot exist for a member.

use api::{
    AccountSignedOut, ActiveUser, ApiError, ErrorCode, MemberInfo, MemberSignOutParams,
    MemberSignedOut, PolicyView, RevokeReason, RevokeScope, SecurityOverview, SessionsRevokeParams,
};
use serde_json::json;

use super::{Auth, Caller, ClientMeta, Confirmed};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::store::{Whose, members, sessions, tokens, users};

/// The owner's actions, for one signed-in owner.
pub struct OwnerActions<'a> {
    pub(super) auth: &'a Auth,
    pub(super) owner: &'a Caller,
}

impl OwnerActions<'_> {
    /// `account_security_get`: the policy and who is signed in.
    pub async fn security_overview(&self) -> Result<SecurityOverview, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let policy = auth.account_policy(&caller.me.account_id).await?;
        let rows =
            members::active_users(auth.0.db.reader(), &caller.me.account_id, auth.now()).await?;
        let active_users = rows
            .into_iter()
            .map(|row| ActiveUser {
                you: row.user_id == caller.me.user_id,
                user_id: row.user_id,
                name: row.name,
                email: row.email,
                last_active_at: row.last_active_at,
            })
            .collect();
        Ok(SecurityOverview {
            policy: PolicyView::from(&policy),
            active_users,
        })
    }

    /// `account_member_list`: every user of the account, owner first.
    pub async fn list_members(&self) -> Result<Vec<MemberInfo>, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let rows = members::list(auth.0.db.reader(), &caller.me.account_id, auth.now()).await?;
        Ok(rows
            .into_iter()
            .map(|row| MemberInfo {
                you: row.me.user_id == caller.me.user_id,
                user_id: row.me.user_id,
                name: row.me.name,
                email: row.me.email,
                role: row.me.role,
                added_at: row.added_at,
                last_active_at: row.last_active_at,
                live_sessions: row.live_sessions,
                bound_sessions: row.bound_sessions,
                usable_tokens: row.usable_tokens,
                totp_since: row.totp_since,
            })
            .collect())
    }

    /// `account_sessions_revoke`: signs out everyone in the account
    /// but the caller's current session (`others`), or everyone (`all`);
    /// with `revoke_api_tokens`, their API tokens end too (with `others`,
    /// not the caller's).
    pub async fn revoke_account_sessions(
        &self,
        _confirmed: &Confirmed,
        params: SessionsRevokeParams,
        meta: &ClientMeta,
    ) -> Result<AccountSignedOut, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let keep = match params.scope {
            RevokeScope::Others => caller.session_id(),
            RevokeScope::All => None,
        };
        let now = auth.now();
        let reason = RevokeReason::SignedOutByOwner;
        let mut tx = auth.0.db.begin_write().await?;
        let ended = sessions::revoke_live(
            &mut tx,
            Whose::Account(&caller.me.account_id),
            keep,
            reason,
            now,
        )
        .await?;
        let revoked_tokens = if params.revoke_api_tokens {
            let spared = match params.scope {
                RevokeScope::Others => Some(&caller.me.user_id),
                RevokeScope::All => None,
            };
            let whose = Whose::Account(&caller.me.account_id);
            Some(tokens::revoke_usable(&mut tx, whose, spared, now).await?)
        } else {
            None
        };
        tx.commit().await?;
        let signed_out = AccountSignedOut {
            count: ended.len() as u64,
            tokens: revoked_tokens.as_ref().map(|ids| ids.len() as u64),
        };
        auth.close_tokens(revoked_tokens.as_deref().unwrap_or_default());
        let event = AuditEvent::new(AuditKind::SessionsRevoked, now, meta)
            .by(&caller.me.account_id, &caller.me.user_id)
            .target(caller.me.account_id.as_str())
            .detail(json!({
                "reason": reason,
                "count": signed_out.count,
                "api_tokens_revoked": signed_out.tokens.unwrap_or(0),
            }));
        auth.after_revoke(&ended, reason, event).await;
        Ok(signed_out)
    }

    /// `account_member_sign_out`: ends every session of one user of the
    /// account (for the owner themselves, all but this one) and, with
    /// `revoke_api_tokens`, their API tokens; their live connections close
    /// at once. A user of another account answers exactly like an unknown
    /// one.
    pub async fn sign_out_member(
        &self,
        _confirmed: &Confirmed,
        params: MemberSignOutParams,
        meta: &ClientMeta,
    ) -> Result<MemberSignedOut, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let member = users::find_by_id(auth.0.db.reader(), &params.user_id)
            .await?
            .filter(|row| row.me.account_id == caller.me.account_id)
            .ok_or_else(no_such_member)?;
        let member_id = member.me.user_id;
        let keep = if member_id == caller.me.user_id {
            caller.session_id()
        } else {
            None
        };
        let now = auth.now();
        let reason = RevokeReason::SignedOutByOwner;
        let mut tx = auth.0.db.begin_write().await?;
        let ended =
            sessions::revoke_live(&mut tx, Whose::User(&member_id), keep, reason, now).await?;
        let revoked_tokens = if params.revoke_api_tokens {
            tokens::revoke_usable(&mut tx, Whose::User(&member_id), None, now).await?
        } else {
            Vec::new()
        };
        tx.commit().await?;
        let signed_out = MemberSignedOut {
            sessions: ended.len() as u64,
            tokens: revoked_tokens.len() as u64,
        };
        auth.close_tokens(&revoked_tokens);
        let event = AuditEvent::new(AuditKind::SessionsRevoked, now, meta)
            .by(&caller.me.account_id, &caller.me.user_id)
            .target(member_id.as_str())
            .detail(json!({
                "reason": reason,
                "count": signed_out.sessions,
                "api_tokens_revoked": signed_out.tokens,
            }));
        auth.after_revoke(&ended, reason, event).await;
        Ok(signed_out)
    }
}

pub(super) fn no_such_member() -> AuthError {
    AuthError::Rejected(ApiError::new(
        ErrorCode::NotFound,
        "There is no such member in this account.",
    ))
}
