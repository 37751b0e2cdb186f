//! The caller's own sessions: list them, end one, end all, sign out.

use api::{
    Count, RevokeReason, Revoked, SessionInfo, SessionRevokeAllParams, SessionRevokeParams,
    Timestamp,
};
use serde_json::json;

use super::UserActions;
use crate::audit::{AuditEvent, AuditKind};
use crate::service::{Auth, Caller, ClientMeta};
use crate::store::Whose;
use crate::store::sessions;
use crate::{AuthError, describe_device};

impl UserActions<'_> {
    /// `account_session_list`: the caller's live sessions, newest first.
    pub async fn list_sessions(&self) -> Result<Vec<SessionInfo>, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let rows = sessions::list_live(auth.0.db.reader(), &caller.me.user_id, auth.now()).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let deadlines = row.lifetime.deadlines();
                SessionInfo {
                    current: caller.session_id() == Some(&row.id),
                    session_id: row.id,
                    device: describe_device(row.user_agent.as_deref()),
                    ip: row.ip,
                    signed_in_at: row.lifetime.created_at,
                    last_active_at: row.lifetime.last_seen_at,
                    idle_ends_at: deadlines.idle_ends_at,
                    absolute_ends_at: deadlines.absolute_ends_at,
                    signed_in_with: row.method,
                    device_bound: row.bound_at.is_some(),
                }
            })
            .collect())
    }

    /// `account_session_revoke`: ends one of the caller's sessions. Another
    /// user's session id answers `false`, exactly like a made-up one.
    pub async fn revoke_session(
        &self,
        params: SessionRevokeParams,
        meta: &ClientMeta,
    ) -> Result<Revoked, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        let ended = sessions::revoke(
            &mut tx,
            &params.session_id,
            &caller.me.user_id,
            RevokeReason::Revoked,
            now,
        )
        .await?;
        tx.commit().await?;
        let revoked = ended.is_some();
        if let Some(ended) = ended {
            // The log names the session by what people recognise: its
            // device and address, not its id.
            let mut event = revoke_event(caller, now, meta, RevokeReason::Revoked, 1)
                .target(params.session_id.as_str());
            ended.told_in(&mut event.detail);
            auth.after_revoke(
                std::slice::from_ref(&params.session_id),
                RevokeReason::Revoked,
                event,
            )
            .await;
        }
        Ok(Revoked { revoked })
    }

    /// `account_session_revoke_all`: ends all the caller's sessions, or all
    /// but the one making the request.
    pub async fn revoke_all_sessions(
        &self,
        params: SessionRevokeAllParams,
        meta: &ClientMeta,
    ) -> Result<Count, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let keep = if params.except_current {
            caller.session_id()
        } else {
            None
        };
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        let ended = sessions::revoke_live(
            &mut tx,
            Whose::User(&caller.me.user_id),
            keep,
            RevokeReason::Revoked,
            now,
        )
        .await?;
        tx.commit().await?;
        let event = revoke_event(caller, now, meta, RevokeReason::Revoked, ended.len())
            .target(caller.me.user_id.as_str());
        auth.after_revoke(&ended, RevokeReason::Revoked, event)
            .await;
        Ok(Count {
            count: ended.len() as u64,
        })
    }
}

impl Auth {
    /// Ends the caller's own session (nothing to do for an API token).
    /// Ending the credential one holds needs nothing more, so signing out
    /// asks no gate.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, caller: &Caller, meta: &ClientMeta) -> Result<(), AuthError> {
        let auth = self;
        let Some(session_id) = caller.session_id() else {
            return Ok(());
        };
        let mut tx = auth.0.db.begin_write().await?;
        sessions::delete(&mut tx, session_id).await?;
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::SignedOut, auth.now(), meta)
            .by(&caller.me.account_id, &caller.me.user_id)
            .target(session_id.as_str());
        auth.after_revoke(
            std::slice::from_ref(session_id),
            RevokeReason::SignedOut,
            event,
        )
        .await;
        Ok(())
    }
}

/// The audit event for sessions a caller ended.
fn revoke_event(
    caller: &Caller,
    now: Timestamp,
    meta: &ClientMeta,
    reason: RevokeReason,
    count: usize,
) -> AuditEvent {
    AuditEvent::new(AuditKind::SessionsRevoked, now, meta)
        .by(&caller.me.account_id, &caller.me.user_id)
        .detail(json!({"reason": reason, "count": count}))
}
