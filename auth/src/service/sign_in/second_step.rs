//! The second step of a sign-in: a code of the user's second factor, or an
//! authenticator app set up where the account requires one and the user
//! has none.

use api::{OneTimeCode, SecondFactorCode, SignInMethod, TotpSetup};
use serde_json::json;

use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::second_factor;
use crate::second_factor::challenge::{self, Needs};
use crate::secret::ChallengeToken;
use crate::service::{Auth, ClientMeta, NewSession};
use crate::store::users;

/// How the audit log names a code.
fn code_kind(code: &SecondFactorCode) -> &'static str {
    match code {
        SecondFactorCode::App(_) => "totp",
        SecondFactorCode::Recovery(_) => "recovery_code",
    }
}

impl Auth {
    /// Finishes a sign-in that waits for its second factor: `code` is a
    /// code from the user's app or one of their recovery codes, and is used
    /// up. A wrong code counts toward the sign-in limits and against the
    /// challenge, which ends after a few; an expired or used challenge is
    /// `SignInExpired`.
    #[tracing::instrument(skip_all)]
    pub async fn complete_sign_in(
        &self,
        token: &ChallengeToken,
        code: &str,
        meta: ClientMeta,
    ) -> Result<NewSession, AuthError> {
        let mut claim = self.claim(token, Needs::Code, &meta).await?;
        let code = SecondFactorCode::parse(code)?;
        let now = self.now();
        if !second_factor::accept(&mut claim.tx, &claim.me.user_id, &code, now).await? {
            let user_id = claim.me.user_id.clone();
            self.wrong_second_factor(claim, &meta, code_kind(&code))
                .await?;
            self.tell_if_code_reused(&user_id, &code).await?;
            return Err(AuthError::WrongCode);
        }
        let method = match code {
            SecondFactorCode::App(_) => SignInMethod::PasswordAndTotp,
            SecondFactorCode::Recovery(_) => SignInMethod::PasswordAndRecoveryCode,
        };
        self.open_claimed(claim, method, &meta).await
    }

    /// The authenticator app a sign-in waits to have set up, for the page
    /// that shows it again (its QR code and secret). Reads only.
    pub async fn setup_waiting(&self, token: &ChallengeToken) -> Result<TotpSetup, AuthError> {
        let now = self.now();
        let reader = self.0.db.reader();
        let waiting = challenge::find_live(reader, &token.hash(), Needs::Setup, now)
            .await?
            .ok_or(AuthError::SignInExpired)?;
        let user = users::find_by_id(reader, &waiting.user_id)
            .await?
            .ok_or(AuthError::SignInExpired)?;
        let mut conn = reader.acquire().await?;
        let pending = second_factor::find_totp(&mut conn, &waiting.user_id)
            .await?
            .filter(|app| app.confirmed_at.is_none())
            .ok_or(AuthError::SignInExpired)?;
        Ok(TotpSetup {
            uri: pending.secret.uri(&user.me.email)?,
            secret: pending.secret.base32().to_owned(),
        })
    }

    /// Finishes a sign-in that waits for an authenticator app to be set up
    /// (the account requires a second factor): a code from the app confirms
    /// it, and the session opens, signed in with password and app. Wrong
    /// codes count as for [`Auth::complete_sign_in`]. The user makes their
    /// recovery codes from the security page afterwards.
    #[tracing::instrument(skip_all)]
    pub async fn complete_setup_sign_in(
        &self,
        token: &ChallengeToken,
        code: &str,
        meta: ClientMeta,
    ) -> Result<NewSession, AuthError> {
        let mut claim = self.claim(token, Needs::Setup, &meta).await?;
        let code = OneTimeCode::parse(code)?;
        let now = self.now();
        let user_id = &claim.me.user_id;
        let pending = second_factor::find_totp(&mut claim.tx, user_id)
            .await?
            .filter(|app| app.confirmed_at.is_none())
            .ok_or(AuthError::SignInExpired)?;
        let confirmed = match pending.secret.matching_step(&code, now)? {
            Some(step) => second_factor::confirm(&mut claim.tx, user_id, step, now).await?,
            None => false,
        };
        if !confirmed {
            self.wrong_second_factor(claim, &meta, "totp").await?;
            return Err(AuthError::WrongCode);
        }
        let me = claim.me.clone();
        let session = self
            .open_claimed(claim, SignInMethod::PasswordAndTotp, &meta)
            .await?;
        let event = AuditEvent::new(AuditKind::TotpAdded, now, &meta)
            .by(&me.account_id, &me.user_id)
            .target(me.user_id.as_str())
            .detail(json!({"required_by_account": true}));
        self.0.audit.record(event).await;
        Ok(session)
    }
}
