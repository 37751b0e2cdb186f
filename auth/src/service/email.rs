//! Verified addresses. Signing up mails a link to the address
//! (`Auth::mail_verification_link`, in the sign-up's transaction); until it
//! is used no other mail goes there (see `notices::tell` and the answers
//! to asks for a new password). The person may have the link sent again
//! (`UserActions::send_verification_again`, once a minute), and may change
//! their address (`UserActions::change_email`, with their password): the
//! link then goes to the new address, the old one is told at once, and
//! the change takes effect only when the link is used
//! (`Auth::verify_email`, a POST from the link's page, never its GET).
//!
//! A link works once, for 24 hours; a newer link of the user ends it. A
//! used, replaced, expired or unknown link answers the same.

use std::time::Duration;

use api::paths::page;
use api::{
    ApiError, EmailAddress, EmailChangeParams, EmailStatus, EmailVerificationShown, EmailVerified,
    ErrorCode, NoticeKind, PendingVerification, Timestamp, UserId,
};
use serde_json::json;
use sqlx::AnyConnection;

use super::{Auth, BrowserSession, ClientMeta, UserActions};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::mail::{self, VerificationMail};
use crate::notices::NewNotice;
use crate::secret::VerifyToken;
use crate::store::{email_verifications, outbox, password_resets, users};

/// How long a link that verifies an address works.
pub const VERIFY_LINK_LIFETIME: Duration = Duration::from_hours(24);
/// How often a person may have a link sent again.
pub const VERIFY_RESEND_EVERY: Duration = Duration::from_mins(1);

/// To whom a link that verifies an address goes.
pub(crate) struct LinkFor<'a> {
    pub user_id: &'a UserId,
    pub name: &'a str,
    /// The address it verifies, and goes to.
    pub email: &'a EmailAddress,
    /// The address it replaces, for a change.
    pub replacing: Option<&'a str>,
}

impl Auth {
    /// Writes a link that verifies `to.email` and its mail, inside the
    /// caller's transaction, ending the user's earlier links; what the
    /// page shows of it.
    pub(crate) async fn mail_verification_link(
        &self,
        conn: &mut AnyConnection,
        to: &LinkFor<'_>,
        now: Timestamp,
    ) -> Result<PendingVerification, AuthError> {
        let token = VerifyToken::generate()?;
        let expires_at = now.plus(VERIFY_LINK_LIFETIME);
        email_verifications::replace(
            &mut *conn,
            to.user_id,
            to.email,
            &token.hash(),
            now,
            expires_at,
        )
        .await?;
        let link = format!("{}?token={}", page::LOGIN_VERIFY_EMAIL, token.expose());
        let hours = i64::try_from(VERIFY_LINK_LIFETIME.as_secs() / 3600).unwrap_or(24);
        let message = mail::email_verification(
            &self.0.settings.public_url,
            &VerificationMail {
                to: to.email.as_str(),
                name: to.name,
                link_path: &link,
                hours,
                replacing: to.replacing,
            },
        );
        outbox::enqueue(conn, &message, now).await?;
        Ok(PendingVerification {
            email: to.email.as_str().to_owned(),
            sent_at: now,
            expires_at,
        })
    }

    /// The address the link's token `raw` verifies, while it works; for
    /// its page. Reads only.
    pub async fn email_verification(&self, raw: &str) -> Result<EmailVerificationShown, AuthError> {
        let token = VerifyToken::parse(raw).ok_or_else(link_ended)?;
        let mut conn = self.0.db.reader().acquire().await?;
        let found = email_verifications::find_live(&mut conn, &token.hash(), self.now())
            .await?
            .ok_or_else(link_ended)?;
        Ok(EmailVerificationShown { email: found.email })
    }

    /// Uses the link: the address it was mailed to is verified, and, where
    /// it was the one the user is changing to, it becomes theirs (unless
    /// another account took it meanwhile: `email_taken`, and the link is
    /// used up). Limited per client address like the other links.
    #[tracing::instrument(skip_all)]
    pub async fn verify_email(
        &self,
        raw_token: &str,
        meta: &ClientMeta,
    ) -> Result<EmailVerified, AuthError> {
        self.0.reset_limits.check_attempt(meta, None)?;
        let token = VerifyToken::parse(raw_token).ok_or_else(link_ended)?;
        let now = self.now();
        let mut tx = self.0.db.begin_write().await?;
        let found = email_verifications::take(&mut tx, &token.hash(), now)
            .await?
            .ok_or_else(link_ended)?;
        let user_id = &found.user_id;
        let (current, _) = users::email_state(&mut tx, user_id)
            .await?
            .ok_or_else(link_ended)?;
        let email = EmailAddress::parse(&found.email)?;
        let changed = current != email.as_str();
        if changed {
            if users::email_taken(&mut tx, &email).await? {
                // The link is used up all the same.
                tx.commit().await?;
                return Err(email_taken());
            }
            users::set_verified_email(&mut tx, user_id, &email, now)
                .await
                .map_err(|err| match err {
                    AuthError::EmailTaken => email_taken(),
                    other => other,
                })?;
            // Links to choose a new password went to the old address.
            password_resets::end_all(&mut tx, user_id).await?;
        } else {
            users::mark_email_verified(&mut tx, user_id, &email, now).await?;
        }
        tx.commit().await?;
        let user = users::find_by_id(self.0.db.reader(), user_id).await?;
        let (kind, detail) = if changed {
            (
                AuditKind::EmailChanged,
                json!({"from": current, "to": email.as_str()}),
            )
        } else {
            (AuditKind::EmailVerified, json!({"email": email.as_str()}))
        };
        let mut event = AuditEvent::new(kind, now, meta)
            .target(user_id.as_str())
            .detail(detail);
        if let Some(user) = &user {
            event = event.by(&user.me.account_id, &user.me.user_id);
        }
        self.0.audit.record(event).await;
        Ok(EmailVerified {
            email: email.as_str().to_owned(),
            changed,
        })
    }
}

impl UserActions<'_> {
    /// `account_email_get`: the caller's address, whether it is verified,
    /// and the link waiting to be used. Reads only.
    pub async fn email_status(&self) -> Result<EmailStatus, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let user_id = &caller.me.user_id;
        let mut conn = auth.0.db.reader().acquire().await?;
        let (email, verified_at) = users::email_state(&mut conn, user_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        let pending = email_verifications::pending(&mut conn, user_id, auth.now())
            .await?
            .map(|(email, sent_at, expires_at)| PendingVerification {
                email,
                sent_at,
                expires_at,
            });
        Ok(EmailStatus {
            email,
            verified_at,
            sends_mail: auth.0.settings.sends_mail,
            pending,
        })
    }

    /// `account_email_verification_send`: mails the link again, to the
    /// address being changed to when a change waits, else to the caller's
    /// own while it is not verified. Once a minute.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn send_verification_again(
        &self,
        _session: &BrowserSession<'_>,
    ) -> Result<PendingVerification, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        if !auth.0.settings.sends_mail {
            return Err(mail_off());
        }
        let user_id = &caller.me.user_id;
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        users::lock(&mut tx, user_id).await?;
        let (current, verified_at) = users::email_state(&mut tx, user_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        let waiting = email_verifications::pending(&mut tx, user_id, now).await?;
        let changing = waiting
            .map(|(email, _, _)| email)
            .filter(|email| *email != current);
        let (to, replacing) = match (changing, verified_at) {
            (Some(new), _) => (new, Some(current.as_str())),
            (None, None) => (current.clone(), None),
            (None, Some(_)) => return Err(already_verified()),
        };
        if let Some(last) = email_verifications::last_sent(&mut tx, user_id).await? {
            let next = last.plus(VERIFY_RESEND_EVERY);
            if next > now {
                return Err(too_soon(now.until(next)));
            }
        }
        let email = EmailAddress::parse(&to)?;
        let link = LinkFor {
            user_id,
            name: &caller.me.name,
            email: &email,
            replacing,
        };
        let pending = auth.mail_verification_link(&mut tx, &link, now).await?;
        tx.commit().await?;
        Ok(pending)
    }

    /// `account_email_change`: with the caller's current password, mails a
    /// link to `new_email` and tells the old address at once; the address
    /// changes only when the link is used. A taken address is refused
    /// (`email_taken`), as is every change when the server sends no mail.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn change_email(
        &self,
        session: &BrowserSession<'_>,
        params: EmailChangeParams,
        meta: &ClientMeta,
    ) -> Result<PendingVerification, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        auth.0
            .sign_in_limits
            .check_attempt(meta, Some(caller.me.email.as_str()))?;
        if !auth.0.settings.sends_mail {
            return Err(mail_off());
        }
        let email = EmailAddress::parse(&params.new_email).map_err(|err| {
            AuthError::Rejected(ApiError::from(AuthError::from(err)).with_field("new_email"))
        })?;
        if !self.is_own_password(params.current_password).await? {
            return Err(AuthError::WrongPassword);
        }
        let user_id = &caller.me.user_id;
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        users::lock(&mut tx, user_id).await?;
        let (current, _) = users::email_state(&mut tx, user_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        if current == email.as_str() {
            return Err(AuthError::Rejected(
                ApiError::invalid_params("That is your address already.").with_field("new_email"),
            ));
        }
        if users::email_taken(&mut tx, &email).await? {
            return Err(email_taken());
        }
        let link = LinkFor {
            user_id,
            name: &caller.me.name,
            email: &email,
            replacing: Some(&current),
        };
        let pending = auth.mail_verification_link(&mut tx, &link, now).await?;
        let notice = NewNotice {
            kind: NoticeKind::EmailChanging,
            origin: Some(session.id()),
            detail: Some(email.as_str().to_owned()),
        };
        auth.tell(&mut tx, user_id, notice, now).await?;
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::EmailChangeRequested, now, meta)
            .by(&caller.me.account_id, user_id)
            .target(user_id.as_str())
            .detail(json!({"from": current, "to": email.as_str()}));
        auth.0.audit.record(event).await;
        Ok(pending)
    }
}

/// Every link that does not work, whatever the reason: the same answer.
fn link_ended() -> AuthError {
    AuthError::Rejected(
        ApiError::invalid_params(
            "This link has ended: it was used already, a newer one was sent, or 24 hours went \
             by. Sign in and have a new one sent from your security page.",
        )
        .with_field("token"),
    )
}

fn email_taken() -> AuthError {
    AuthError::Rejected(
        ApiError::new(
            ErrorCode::EmailTaken,
            "Another account has this address already, so yours cannot change to it.",
        )
        .with_field("new_email"),
    )
}

fn already_verified() -> AuthError {
    AuthError::Rejected(ApiError::invalid_params(
        "Your address is verified already, and no change of it waits.",
    ))
}

fn too_soon(wait: Duration) -> AuthError {
    let seconds = wait.as_secs().max(1);
    AuthError::Rejected(ApiError {
        retry_after_seconds: Some(seconds),
        ..ApiError::new(
            ErrorCode::RateLimited,
            format!(
                "A link was sent less than a minute ago. Try again in {seconds} seconds, and \
                 look in your mail meanwhile."
            ),
        )
    })
}

fn mail_off() -> AuthError {
    AuthError::Rejected(ApiError::new(
        ErrorCode::MailOff,
        "This server sends no mail, so an address cannot be verified.",
    ))
}
