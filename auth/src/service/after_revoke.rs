//! What follows ending sessions or revoking API tokens: their live
//! connections close, then the audit log records it.

use api::{RevokeReason, SessionId, TokenId};

use super::Auth;
use crate::audit::AuditEvent;
use crate::live::LiveChange;

impl Auth {
    /// Closes the connections of API tokens that were just revoked, then audits.
    pub(super) async fn after_token_revoke(&self, revoked: &[TokenId], event: AuditEvent) {
        self.close_tokens(revoked);
        self.0.audit.record(event).await;
    }

    /// Closes the live connections of API tokens that were just revoked.
    pub(super) fn close_tokens(&self, revoked: &[TokenId]) {
        for token_id in revoked {
            self.0.live.apply(LiveChange::TokenEnded {
                token_id: token_id.clone(),
            });
        }
    }

    /// Closes the connections of sessions that were just ended, then audits
    /// the revoke. Closing comes first so a failing audit write never leaves
    /// a connection open.
    pub(super) async fn after_revoke(
        &self,
        ended: &[SessionId],
        reason: RevokeReason,
        event: AuditEvent,
    ) {
        let started = std::time::Instant::now();
        for session_id in ended {
            self.0.live.apply(LiveChange::SessionEnded {
                session_id: session_id.clone(),
                reason,
            });
        }
        crate::metrics::revoke_closed_in(started.elapsed());
        crate::metrics::sessions_ended(reason, ended.len());
        self.0.audit.record(event).await;
    }
}
