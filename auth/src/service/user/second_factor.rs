//! The caller's second factor: set up an authenticator app, confirm it with
//! a code (which hands out the recovery codes), turn it off, see it.

use api::{
    ApiError, ErrorCode, NoticeKind, OneTimeCode, RecoveryCodes, SecondFactorCode,
    SecondFactorStatus, TotpConfirmParams, TotpSetup, TotpTurnOffParams, messages,
};

use super::UserActions;
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::NewNotice;
use crate::second_factor::{self, RecoveryCodeSet, TotpSecret};
use crate::service::{BrowserSession, ClientMeta, Fresh};
use crate::store::{accounts, users};
use crate::{AuthError, passkey};

impl UserActions<'_> {
    /// Starts setting up an authenticator app: a new secret, which signs
    /// nobody in until a code from it is confirmed. Starting again replaces
    /// a secret never confirmed. Needs a browser session confirmed
    /// recently, and no app set up already.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn start_totp_setup(&self, _fresh: &Fresh<'_>) -> Result<TotpSetup, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let secret = TotpSecret::generate()?;
        let mut tx = auth.0.db.begin_write().await?;
        if !second_factor::begin_setup(&mut tx, &caller.me.user_id, &secret, auth.now()).await? {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::Conflict,
                "Your authenticator app is set up already. Turn it off first to set up another.",
            )));
        }
        tx.commit().await?;
        Ok(TotpSetup {
            uri: secret.uri(&caller.me.email)?,
            secret: secret.base32().to_owned(),
        })
    }

    /// Confirms the app being set up with a code from it; from then on it
    /// is the caller's second factor. Returns the ten recovery codes, shown
    /// this once. Wrong codes count toward the sign-in limits.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn confirm_totp_setup(
        &self,
        fresh: &Fresh<'_>,
        params: TotpConfirmParams,
        meta: &ClientMeta,
    ) -> Result<RecoveryCodes, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        auth.0
            .sign_in_limits
            .check_attempt(meta, Some(caller.me.email.as_str()))?;
        let code = OneTimeCode::parse(&params.code)?;
        let user_id = &caller.me.user_id;
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        let pending = second_factor::find_totp(&mut tx, user_id)
            .await?
            .filter(|stored| stored.confirmed_at.is_none())
            .ok_or_else(|| {
                AuthError::Rejected(ApiError::invalid_params(
                    "There is no authenticator app being set up. Start again.",
                ))
            })?;
        let step = pending
            .secret
            .matching_step(&code, now)?
            .ok_or(AuthError::WrongCode)?;
        if !second_factor::confirm(&mut tx, user_id, step, now).await? {
            return Err(AuthError::WrongCode);
        }
        let codes = RecoveryCodeSet::generate()?;
        codes.store(&mut tx, user_id).await?;
        self.tell_other_sessions(&mut tx, fresh.session(), "turned on", now)
            .await?;
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::TotpAdded, now, meta)
            .by(&caller.me.account_id, user_id)
            .target(user_id.as_str());
        auth.0.audit.record(event).await;
        Ok(RecoveryCodes {
            codes: codes.shown(),
        })
    }

    /// Turns the caller's authenticator app off, and with it their recovery
    /// codes: it needs their password and a code from the app or a recovery
    /// code. Both count toward the sign-in limits. Answers what is left set
    /// up: nothing.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn turn_off_totp(
        &self,
        session: &BrowserSession<'_>,
        params: TotpTurnOffParams,
        meta: &ClientMeta,
    ) -> Result<SecondFactorStatus, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        auth.0
            .sign_in_limits
            .check_attempt(meta, Some(caller.me.email.as_str()))?;
        let code = SecondFactorCode::parse(&params.code)?;
        if !self.is_own_password(params.password).await? {
            return Err(AuthError::Rejected(ApiError {
                field: Some("password".into()),
                ..ApiError::invalid_params("That password is not correct.")
            }));
        }
        let user_id = &caller.me.user_id;
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        // Whether the app is the last factor, asked under the lock that a
        // passkey's removal takes too, so the two racing cannot leave a
        // user the account requires a factor of with none.
        users::lock(&mut tx, user_id).await?;
        let last_one = accounts::second_factor_required_since(&mut tx, &caller.me.account_id)
            .await?
            .is_some()
            && passkey::stored::count(&mut tx, user_id).await? == 0;
        if last_one {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::Conflict,
                messages::SECOND_FACTOR_REQUIRED,
            )));
        }
        if !second_factor::accept(&mut tx, user_id, &code, now).await? {
            drop(tx);
            auth.tell_if_code_reused(user_id, &code).await?;
            return Err(AuthError::WrongCode);
        }
        second_factor::remove(&mut tx, user_id).await?;
        self.tell_other_sessions(&mut tx, session, "turned off", now)
            .await?;
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::TotpRemoved, now, meta)
            .by(&caller.me.account_id, user_id)
            .target(user_id.as_str());
        auth.0.audit.record(event).await;
        self.second_factor().await
    }

    /// Makes ten new recovery codes, shown this once; the old ones stop
    /// working. Needs an authenticator app, and a browser session confirmed
    /// recently (signing in counts).
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn renew_recovery_codes(
        &self,
        _fresh: &Fresh<'_>,
        meta: &ClientMeta,
    ) -> Result<RecoveryCodes, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let user_id = &caller.me.user_id;
        let mut tx = auth.0.db.begin_write().await?;
        if second_factor::app_since(&mut tx, user_id).await?.is_none() {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::Conflict,
                "Recovery codes stand in for an authenticator app: set one up first.",
            )));
        }
        let codes = RecoveryCodeSet::generate()?;
        codes.store(&mut tx, user_id).await?;
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::RecoveryCodesRenewed, auth.now(), meta)
            .by(&caller.me.account_id, user_id)
            .target(user_id.as_str());
        auth.0.audit.record(event).await;
        Ok(RecoveryCodes {
            codes: codes.shown(),
        })
    }

    /// Tells the caller's other sessions that two-step sign-in was `what`.
    async fn tell_other_sessions(
        &self,
        conn: &mut sqlx::AnyConnection,
        session: &BrowserSession<'_>,
        what: &str,
        now: api::Timestamp,
    ) -> Result<(), AuthError> {
        let notice = NewNotice {
            kind: NoticeKind::SecondFactorChanged,
            origin: Some(session.id()),
            detail: Some(what.to_owned()),
        };
        self.auth
            .tell(conn, &self.caller.me.user_id, notice, now)
            .await
    }

    /// Whether the caller has an authenticator app, and how many recovery
    /// codes they have left. Reads only.
    pub async fn second_factor(&self) -> Result<SecondFactorStatus, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let mut conn = auth.0.db.reader().acquire().await?;
        let user_id = &caller.me.user_id;
        let totp_since = second_factor::app_since(&mut conn, user_id).await?;
        let recovery_codes_left = match totp_since {
            Some(_) => second_factor::recovery_codes_left(&mut conn, user_id).await?,
            None => 0,
        };
        Ok(SecondFactorStatus {
            totp_since,
            recovery_codes_left,
            passkeys: passkey::stored::count(&mut conn, user_id).await?,
        })
    }
}
