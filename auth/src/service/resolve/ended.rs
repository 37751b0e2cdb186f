//! Sessions that no longer count: the error a revoked one answers with,
//! and ending one that someone else holds (its rotated-out token came back
//! after its grace, or another device signed a proof for it).

use api::{NoticeKind, RevokeReason, Timestamp};
use serde_json::json;

use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::NewNotice;
use crate::service::{Auth, ClientMeta};
use crate::store::sessions::{self, StoredSession};

impl Auth {
    /// Someone else holds the session: end it everywhere and tell its owner
    /// at their next sign-in.
    pub(in crate::service) async fn end_taken_session(
        &self,
        row: &StoredSession,
        meta: &ClientMeta,
        now: Timestamp,
        taken: Taken,
    ) -> Result<(), AuthError> {
        let session_id = row.id.clone();
        let me = row.me.clone();
        let mut tx = self.0.db.begin_write().await?;
        let reason = taken.reason;
        let ended = sessions::revoke(&mut tx, &session_id, &me.user_id, reason, now).await?;
        if ended.is_some() {
            self.tell(
                &mut tx,
                &me.user_id,
                NewNotice::plain(NoticeKind::SessionTaken),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        if let Some(ended) = ended {
            crate::metrics::token_reuse_detected();
            crate::metrics::sessions_ended(reason, 1);
            tracing::warn!(session_id = %session_id, user_id = %me.user_id, reason = reason.as_str(), "a session was taken; ended");
            let mut event = AuditEvent::new(taken.kind, now, meta)
                .by(&me.account_id, &me.user_id)
                .target(session_id.as_str())
                .detail(taken.detail);
            ended.told_in(&mut event.detail);
            self.after_revoke(std::slice::from_ref(&session_id), reason, event)
                .await;
        }
        Ok(())
    }
}

/// How a session was found taken: the reason it ends with, and the entry
/// the security log keeps of it.
pub(in crate::service) struct Taken {
    pub reason: RevokeReason,
    pub kind: AuditKind,
    pub detail: serde_json::Value,
}

impl Taken {
    /// A rotated-out token came back after its grace: someone else holds a
    /// copy.
    pub(super) fn by_token_reuse() -> Self {
        Taken {
            reason: RevokeReason::TokenReuse,
            kind: AuditKind::TokenReuse,
            detail: json!({"reason": RevokeReason::TokenReuse, "count": 1}),
        }
    }
}

/// The error for a session that was revoked for `reason`.
pub(in crate::service) fn refusal(reason: RevokeReason) -> AuthError {
    if reason.taken() {
        AuthError::SessionTaken
    } else {
        AuthError::SessionRevoked(reason)
    }
}
