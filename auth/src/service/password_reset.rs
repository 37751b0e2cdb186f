//! A forgotten password: a link by mail (`request_password_reset`), then a
//! new password with it (`reset_password`). Asking writes the ask as it
//! came, the same statement whatever the address, so it answers the same
//! in the same time; the courier then turns the ask into a link and its
//! mail, or into nothing (`answer_reset_asks`), never while the request
//! waits. The link works once, for 30 minutes, and a newer link, a password
//! change and a sign-in end it. With a second factor (an authenticator app or recovery codes),
//! the new password also needs a code, so an inbox alone does not open
//! the account.

use std::time::Duration;

use api::paths::page;
use api::{
    ApiError, EmailAddress, NoticeKind, Password, PasswordResetDone, RevokeReason,
    SecondFactorCode, UserId,
};
use serde_json::json;

use super::{Auth, ClientMeta};
use crate::audit::{AuditEvent, AuditKind};
use crate::mail;
use crate::notices::NewNotice;
use crate::secret::ResetToken;
use crate::store::{Whose, outbox, password_resets, sessions, tokens, users};
use crate::{AuthError, describe_device, second_factor};

/// How long a link to choose a new password works.
pub const RESET_LINK_LIFETIME: Duration = Duration::from_mins(30);

/// A new password chosen through a link from the mail.
pub struct NewPasswordByLink {
    pub new_password: Password,
    /// A code from the authenticator app, or a recovery code: needed when
    /// the user has either.
    pub code: Option<String>,
    pub revoke_api_tokens: bool,
}

impl Auth {
    /// Asks for a mail with a link to choose a new password for `email`:
    /// writes the ask as it came, the same statement whether or not it is
    /// a user's address (or an address at all), so the answer is the same
    /// in the same time. Limited per address and per email like signing in.
    #[tracing::instrument(skip_all)]
    pub async fn request_password_reset(
        &self,
        email: &str,
        meta: &ClientMeta,
    ) -> Result<(), AuthError> {
        self.0.reset_limits.check_attempt(meta, Some(email))?;
        if !self.0.settings.sends_mail {
            // No mail leaves this server (`--no-mail`): nothing to ask for.
            return Ok(());
        }
        let mut tx = self.0.db.begin_write().await?;
        password_resets::ask(&mut tx, email, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns up to `limit` asks into links and their mail, in one write:
    /// for an address that is a user's, a link that ends their earlier ones
    /// and its mail in the outbox; for any other, nothing. How many asks
    /// were answered. The courier calls it before sending.
    pub(crate) async fn answer_reset_asks(&self, limit: i64) -> Result<usize, AuthError> {
        let mut tx = self.0.db.begin_write().await?;
        let asked = password_resets::take_asks(&mut tx, limit).await?;
        let now = self.now();
        for email in &asked {
            let address = EmailAddress::parse(email).ok();
            let Some(to) = password_resets::recipient(&mut tx, address.as_ref()).await? else {
                continue;
            };
            let token = ResetToken::generate()?;
            let expires_at = now.plus(RESET_LINK_LIFETIME);
            password_resets::replace(&mut tx, &to.user_id, &token.hash(), now, expires_at).await?;
            let link = format!("{}?token={}", page::LOGIN_RESET, token.expose());
            let minutes = i64::try_from(RESET_LINK_LIFETIME.as_secs() / 60).unwrap_or(30);
            let message = mail::password_reset(
                &self.0.settings.public_url,
                &to.email,
                &to.name,
                &link,
                minutes,
            );
            outbox::enqueue(&mut tx, &message, now).await?;
        }
        tx.commit().await?;
        Ok(asked.len())
    }

    /// Whether the link's token `raw` works now and, if so, whether its
    /// user must also give a code (for the page to ask for one). Reads
    /// only: the link is used by [`Auth::reset_password`].
    pub async fn password_reset_needs_code(&self, raw: &str) -> Result<bool, AuthError> {
        let user_id = self.reset_link_holder(raw).await?;
        let mut conn = self.0.db.reader().acquire().await?;
        needs_code(&mut conn, &user_id).await
    }

    /// Sets the new password of the link's user: ends the link and every
    /// other, every session of theirs (and, when asked, every API token),
    /// in one transaction, and records it in the security log. A user with
    /// a second factor gives a code too; a wrong one changes nothing and
    /// keeps the link. A link that ended (used, replaced, expired, or the
    /// password changed or a sign-in since) changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(
        &self,
        raw_token: &str,
        choice: NewPasswordByLink,
        meta: &ClientMeta,
    ) -> Result<PasswordResetDone, AuthError> {
        self.0.reset_limits.check_attempt(meta, None)?;
        choice.new_password.check_new("new_password")?;
        let user_id = self.reset_link_holder(raw_token).await?;
        let user = users::find_by_id(self.0.db.reader(), &user_id)
            .await?
            .ok_or_else(link_ended)?;
        let me = user.me;
        // Codes are limited per user as sign-in's are.
        self.0
            .reset_limits
            .check(None, Some(&me.email))
            .map_err(|wait| AuthError::Rejected(ApiError::too_many_attempts(wait)))?;
        let code = {
            let mut conn = self.0.db.reader().acquire().await?;
            let typed = choice
                .code
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty());
            match (needs_code(&mut conn, &user_id).await?, typed) {
                (false, _) => None,
                (true, None) => return Err(code_needed()),
                (true, Some(raw)) => Some(SecondFactorCode::parse(raw)?),
            }
        };
        let new_hash = self.0.passwords.hash(choice.new_password).await?;
        let now = self.now();
        let token_hash = ResetToken::parse(raw_token).ok_or_else(link_ended)?.hash();
        let mut tx = self.0.db.begin_write().await?;
        if let Some(code) = &code
            && !second_factor::accept(&mut tx, &user_id, code, now).await?
        {
            drop(tx);
            let event = AuditEvent::new(AuditKind::PasswordConfirmFailed, now, meta)
                .by(&me.account_id, &me.user_id)
                .target(me.user_id.as_str())
                .detail(json!({"by": "link from the mail"}));
            self.0.audit.record(event).await;
            self.tell_if_code_reused(&user_id, code).await?;
            return Err(AuthError::WrongCode);
        }
        if !password_resets::take(&mut tx, &token_hash, &user_id, now).await? {
            return Err(link_ended());
        }
        // Also ends every other link of the user.
        users::set_password_hash(&mut tx, &user_id, &new_hash, None).await?;
        let ended = sessions::revoke_live(
            &mut tx,
            Whose::User(&user_id),
            None,
            RevokeReason::PasswordChanged,
            now,
        )
        .await?;
        let notice = NewNotice {
            kind: NoticeKind::PasswordChanged,
            origin: None,
            detail: Some(describe_device(meta.user_agent.as_deref())),
        };
        self.tell(&mut tx, &user_id, notice, now).await?;
        let revoked_tokens = if choice.revoke_api_tokens {
            tokens::revoke_usable(&mut tx, Whose::User(&user_id), None, now).await?
        } else {
            Vec::new()
        };
        tx.commit().await?;
        let done = PasswordResetDone {
            sessions_ended: ended.len(),
            api_tokens_revoked: revoked_tokens.len(),
        };
        self.close_tokens(&revoked_tokens);
        let event = AuditEvent::new(AuditKind::PasswordChanged, now, meta)
            .by(&me.account_id, &me.user_id)
            .target(me.user_id.as_str())
            .detail(json!({
                "by": "link from the mail",
                "second_factor": code.as_ref().map(|code| match code {
                    SecondFactorCode::App(_) => "app",
                    SecondFactorCode::Recovery(_) => "recovery_code",
                }),
                "sessions_ended": done.sessions_ended,
                "api_tokens_revoked": done.api_tokens_revoked,
            }));
        self.after_revoke(&ended, RevokeReason::PasswordChanged, event)
            .await;
        Ok(done)
    }

    /// Whose link `raw` is, while it works.
    async fn reset_link_holder(&self, raw: &str) -> Result<UserId, AuthError> {
        let token = ResetToken::parse(raw).ok_or_else(link_ended)?;
        let mut conn = self.0.db.reader().acquire().await?;
        password_resets::holder(&mut conn, &token.hash(), self.now())
            .await?
            .ok_or_else(link_ended)
    }
}

/// Whether choosing a new password by link needs a code: the user has an
/// authenticator app or recovery codes. (Passkeys are not asked for yet.)
async fn needs_code(conn: &mut sqlx::AnyConnection, user_id: &UserId) -> Result<bool, AuthError> {
    Ok(second_factor::app_since(&mut *conn, user_id)
        .await?
        .is_some()
        || second_factor::recovery_codes_left(conn, user_id).await? > 0)
}

fn link_ended() -> AuthError {
    AuthError::Rejected(
        ApiError::invalid_params(
            "This link has ended: it was used, a newer one was sent, or 30 minutes went by. \
             Ask for a new one.",
        )
        .with_field("token"),
    )
}

fn code_needed() -> AuthError {
    AuthError::Rejected(
        ApiError::invalid_params(
            "Enter a code from your authenticator app, or one of your recovery codes.",
        )
        .with_field("code"),
    )
}
