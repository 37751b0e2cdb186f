//! A forgotten password: a link by mail (`request_password_reset`), then a
//! new password with it (`reset_password`). Asking writes the ask as it
//! came, the same statement whatever the address, so it answers the same
//! in the same time; the courier then turns the ask into a link and its
//! mail, or into nothing (`answer_reset_asks`), never while the request
//! waits. The link works once, for 30 minutes, and a newer link, a password
//! change and a sign-in end it. With a second factor (an authenticator app,
//! recovery codes or a passkey), the new password also needs a code or the
//! passkey, so an inbox alone does not open the account.

use std::time::Duration;

use api::paths::page;
use api::{
    ApiError, EmailAddress, Me, NoticeKind, PasskeyAssertion, PasskeyCeremony, Password,
    PasswordResetDone, ResetLinkShown, RevokeReason, SecondFactorCode, UserId,
};
use serde_json::json;

use super::{Auth, ClientMeta};
use crate::audit::{AuditEvent, AuditKind};
use crate::mail;
use crate::notices::NewNotice;
use crate::passkey::ceremony::Purpose;
use crate::passkey::stored;
use crate::secret::ResetToken;
use crate::store::{Whose, outbox, password_resets, sessions, tokens, users};
use crate::{AuthError, WriteTx, describe_device, second_factor};

/// How long a link to choose a new password works.
pub const RESET_LINK_LIFETIME: Duration = Duration::from_mins(30);

/// A new password chosen through a link from the mail.
pub struct NewPasswordByLink {
    pub new_password: Password,
    /// A code from the authenticator app, or a recovery code: one of the
    /// two ways for a user with either.
    pub code: Option<String>,
    /// A passkey's answer to [`Auth::start_reset_passkey`]'s ceremony: the
    /// other way, for a user with a passkey.
    pub passkey: Option<PasskeyAssertion>,
    pub revoke_api_tokens: bool,
}

/// What confirms a new password by link for a user with a second factor.
enum Proof {
    Code(SecondFactorCode),
    /// The answer, and the ceremony's state it must match (taken already).
    Passkey(PasskeyAssertion, String),
}

impl Proof {
    /// What the security log calls it.
    fn name(&self) -> &'static str {
        match self {
            Proof::Code(SecondFactorCode::App(_)) => "app",
            Proof::Code(SecondFactorCode::Recovery(_)) => "recovery_code",
            Proof::Passkey(..) => "passkey",
        }
    }
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

    /// Whether the link's token `raw` works now and, if so, what its user
    /// gives besides the new password (for the page to ask for it). Reads
    /// only: the link is used by [`Auth::reset_password`].
    pub async fn password_reset_link(&self, raw: &str) -> Result<ResetLinkShown, AuthError> {
        let user_id = self.reset_link_holder(raw).await?;
        let mut conn = self.0.db.reader().acquire().await?;
        link_asks(&mut conn, &user_id).await
    }

    /// The options for confirming a new password by link with one of the
    /// link's user's passkeys; the answer goes with the new password to
    /// [`Auth::reset_password`]. Counts toward the reset limits, as each
    /// start stores a ceremony.
    #[tracing::instrument(skip_all)]
    pub async fn start_reset_passkey(
        &self,
        raw_token: &str,
        meta: &ClientMeta,
    ) -> Result<PasskeyCeremony, AuthError> {
        self.0.reset_limits.check_attempt(meta, None)?;
        let user_id = self.reset_link_holder(raw_token).await?;
        self.start_passkey_ceremony(&user_id, Purpose::PasswordReset)
            .await
    }

    /// Sets the new password of the link's user: ends the link and every
    /// other, every session of theirs (and, when asked, every API token),
    /// in one transaction, and records it in the security log. A user with
    /// a second factor gives a code or a passkey's answer too; a wrong one
    /// changes nothing and keeps the link. A link that ended (used, replaced, expired, or the
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
        let me = &user.me;
        // Codes are limited per user as sign-in's are.
        self.0
            .reset_limits
            .check(None, Some(&me.email))
            .map_err(|wait| AuthError::Rejected(ApiError::too_many_attempts(wait)))?;
        let proof = self
            .reset_proof(&user_id, choice.code, choice.passkey)
            .await?;
        let new_hash = self.0.passwords.hash(choice.new_password).await?;
        let now = self.now();
        let token_hash = ResetToken::parse(raw_token).ok_or_else(link_ended)?.hash();
        let mut tx = self.0.db.begin_write().await?;
        if let Some(proof) = &proof
            && let Some(refused) = self.reset_proof_refused(&mut tx, &user_id, proof).await?
        {
            drop(tx);
            return Err(self.reset_refused(me, proof, refused, meta).await?);
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
                "second_factor": proof.as_ref().map(Proof::name),
                "sessions_ended": done.sessions_ended,
                "api_tokens_revoked": done.api_tokens_revoked,
            }));
        self.after_revoke(&ended, RevokeReason::PasswordChanged, event)
            .await;
        Ok(done)
    }

    /// What confirms the new password of `user_id`: nothing when they have
    /// no second factor; otherwise a passkey's answer (its ceremony taken
    /// now, whatever the answer) or a code, whichever they have and sent.
    async fn reset_proof(
        &self,
        user_id: &UserId,
        code: Option<String>,
        passkey: Option<PasskeyAssertion>,
    ) -> Result<Option<Proof>, AuthError> {
        let asks = {
            let mut conn = self.0.db.reader().acquire().await?;
            link_asks(&mut conn, user_id).await?
        };
        let code = code.filter(|code| !code.trim().is_empty());
        match (passkey, code) {
            _ if !asks.asks_second_factor() => Ok(None),
            (Some(answer), _) if asks.asks_passkey => {
                let state = self
                    .take_ceremony(&answer, Purpose::PasswordReset, Some(user_id))
                    .await?;
                Ok(Some(Proof::Passkey(answer, state)))
            }
            (_, Some(code)) if asks.asks_code => {
                Ok(Some(Proof::Code(SecondFactorCode::parse(code.trim())?)))
            }
            _ => Err(second_factor_needed(asks)),
        }
    }

    /// Checks `proof` inside `tx`, using the code up or recording the
    /// passkey's use: the refusal when it does not hold.
    async fn reset_proof_refused(
        &self,
        tx: &mut WriteTx,
        user_id: &UserId,
        proof: &Proof,
    ) -> Result<Option<AuthError>, AuthError> {
        match proof {
            Proof::Code(code) => {
                let accepted = second_factor::accept(&mut *tx, user_id, code, self.now()).await?;
                Ok((!accepted).then_some(AuthError::WrongCode))
            }
            Proof::Passkey(answer, state) => {
                match self.check_passkey(&mut *tx, user_id, answer, state).await {
                    Ok(()) => Ok(None),
                    Err(AuthError::PasskeyRefused(why)) => Ok(Some(AuthError::PasskeyRefused(why))),
                    Err(err) => Err(err),
                }
            }
        }
    }

    /// Records a refused `proof` in the user's security log, and tells
    /// them when it was a code used before. The error to answer.
    async fn reset_refused(
        &self,
        me: &Me,
        proof: &Proof,
        refused: AuthError,
        meta: &ClientMeta,
    ) -> Result<AuthError, AuthError> {
        let event = AuditEvent::new(AuditKind::PasswordConfirmFailed, self.now(), meta)
            .by(&me.account_id, &me.user_id)
            .target(me.user_id.as_str())
            .detail(json!({"by": "link from the mail", "second_factor": proof.name()}));
        self.0.audit.record(event).await;
        if let Proof::Code(code) = proof {
            self.tell_if_code_reused(&me.user_id, code).await?;
        }
        Ok(refused)
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

/// What choosing a new password by link asks of the user besides it: a
/// code when they have an authenticator app or recovery codes, a passkey
/// when they have one.
async fn link_asks(
    conn: &mut sqlx::AnyConnection,
    user_id: &UserId,
) -> Result<ResetLinkShown, AuthError> {
    let asks_code = second_factor::app_since(&mut *conn, user_id)
        .await?
        .is_some()
        || second_factor::recovery_codes_left(&mut *conn, user_id).await? > 0;
    let asks_passkey = !stored::of_user(conn, user_id).await?.is_empty();
    Ok(ResetLinkShown {
        asks_code,
        asks_passkey,
    })
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

/// The refusal of a new password sent without the second factor the user
/// has: it names the field to fill (`code`, or `passkey` for a user with
/// only a passkey).
fn second_factor_needed(asks: ResetLinkShown) -> AuthError {
    let (message, field) = match (asks.asks_passkey, asks.asks_code) {
        (true, true) => (
            "Confirm with your passkey, or enter a code from your authenticator app or one of \
             your recovery codes.",
            "code",
        ),
        (true, false) => ("Confirm with your passkey.", "passkey"),
        _ => (
            "Enter a code from your authenticator app, or one of your recovery codes.",
            "code",
        ),
    };
    AuthError::Rejected(ApiError::invalid_params(message).with_field(field))
}
