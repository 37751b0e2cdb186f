//! Sessions that no longer count: the error a revoked one answers with,
//! and ending one whose rotated-out token came back after its grace.

use api::{NoticeKind, RevokeReason, Timestamp};
use serde_json::json;

use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::{self, NewNotice};
use crate::service::{Auth, ClientMeta};
use crate::store::sessions::{self, StoredSession};

impl Auth {
    /// A rotated-out token came back after its grace: someone else holds a
    /// copy. End the session everywhere and tell its owner at next sign-in.
    pub(super) async fn end_taken_session(
        &self,
        row: &StoredSession,
        meta: &ClientMeta,
        now: Timestamp,
    ) -> Result<(), AuthError> {
        let session_id = row.id.clone();
        let me = row.me.clone();
        let mut tx = self.0.db.begin_write().await?;
        let reason = RevokeReason::TokenReuse;
        let revoked = sessions::revoke(&mut tx, &session_id, &me.user_id, reason, now)
            .await?
            .is_some();
        if revoked {
            notices::insert(
                &mut tx,
                &me.user_id,
                NewNotice::plain(NoticeKind::SessionTaken),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        if revoked {
            crate::metrics::token_reuse_detected();
            crate::metrics::sessions_ended(RevokeReason::TokenReuse, 1);
            tracing::warn!(session_id = %session_id, user_id = %me.user_id, "a rotated-out session token was reused; session ended");
            let event = AuditEvent::new(AuditKind::TokenReuse, now, meta)
                .by(&me.account_id, &me.user_id)
                .target(session_id.as_str())
                .detail(json!({"reason": RevokeReason::TokenReuse, "count": 1}));
            self.after_revoke(
                std::slice::from_ref(&session_id),
                RevokeReason::TokenReuse,
                event,
            )
            .await;
        }
        Ok(())
    }
}

/// The error for a session that was revoked for `reason`.
pub(super) fn refusal(reason: RevokeReason) -> AuthError {
    if reason == RevokeReason::TokenReuse {
        AuthError::SessionTaken
    } else {
        AuthError::SessionRevoked(reason)
    }
}
