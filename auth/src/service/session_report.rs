//! "This wasn't me": the link in the mail about a sign-in from a new
//! device. Used (by a POST from the page it opens, never by the GET), it
//! ends that session at once, and its live connections; records it in the
//! account's security log; and opens a link to choose a new password,
//! where the person goes next (with a second factor, that asks for a code
//! too). The link works once, for a week.

use api::{ApiError, RevokeReason, SessionId};
use serde_json::json;

use super::{Auth, ClientMeta, RESET_LINK_LIFETIME};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::secret::{ReportToken, ResetToken};
use crate::store::{password_resets, session_reports, sessions, users};

/// What "This wasn't me" did.
#[derive(Debug)]
pub struct SessionReported {
    /// Whether the session was still going, and so ended now.
    pub session_ended: bool,
    /// A link's token to choose a new password (30 minutes, single use).
    pub new_password: ResetToken,
}

impl Auth {
    /// Ends the session the link's mail was about, and opens a link to
    /// choose a new password. A link that ended (used, expired) or never
    /// was changes nothing. Limited per address like asking for a new
    /// password.
    #[tracing::instrument(skip_all)]
    pub async fn report_session(
        &self,
        raw_token: &str,
        meta: &ClientMeta,
    ) -> Result<SessionReported, AuthError> {
        self.0.reset_limits.check_attempt(meta, None)?;
        let token = ReportToken::parse(raw_token).ok_or_else(link_ended)?;
        let now = self.now();
        let new_password = ResetToken::generate()?;
        let mut tx = self.0.db.begin_write().await?;
        let (session_id, user_id) = session_reports::take(&mut tx, &token.hash(), now)
            .await?
            .ok_or_else(link_ended)?;
        let reason = RevokeReason::Revoked;
        let ended = sessions::revoke(&mut tx, &session_id, &user_id, reason, now).await?;
        let expires_at = now.plus(RESET_LINK_LIFETIME);
        password_resets::replace(&mut tx, &user_id, &new_password.hash(), now, expires_at).await?;
        tx.commit().await?;
        let user = users::find_by_id(self.0.db.reader(), &user_id).await?;
        let mut event = AuditEvent::new(AuditKind::SessionsRevoked, now, meta)
            .target(session_id.as_str())
            .detail(json!({
                "reason": reason,
                "count": usize::from(ended.is_some()),
                "by": "\u{201c}This wasn't me\u{201d} in the mail",
            }));
        if let Some(user) = &user {
            event = event.by(&user.me.account_id, &user.me.user_id);
        }
        if let Some(ended) = &ended {
            ended.told_in(&mut event.detail);
        }
        let closed: &[SessionId] = if ended.is_some() {
            std::slice::from_ref(&session_id)
        } else {
            &[]
        };
        self.after_revoke(closed, reason, event).await;
        Ok(SessionReported {
            session_ended: ended.is_some(),
            new_password,
        })
    }
}

fn link_ended() -> AuthError {
    AuthError::Rejected(
        ApiError::invalid_params(
            "This link has ended: it was used already, or a week went by. If someone else \
             signed in, choose a new password.",
        )
        .with_field("token"),
    )
}
