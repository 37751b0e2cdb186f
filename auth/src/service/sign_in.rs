//! Signing in: the password, then, for a user with a second factor, a code
//! that turns the waiting sign-in into a session (after the server's
//! operator reset the password, a new one of the user's own comes first:
//! `new_password`). The sign-in rate limits are inside, so no transport can
//! forget them.

use api::{
    EmailAddress, LoginRequest, Me, NoticeKind, OneTimeCode, RevokeReason, SecondFactorCode,
    SignInMethod, Timestamp, TotpSetup,
};
use serde_json::json;
use sqlx::AnyConnection;

use super::session_start::Opened;
use super::{Auth, ClientMeta, NewSession};
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::{self, NewNotice};
use crate::second_factor::challenge::{self, Needs};
use crate::second_factor::{self, TotpSecret};
use crate::secret::{ChallengeToken, TokenHash};
use crate::store::users::{self, StoredUser};
use crate::store::{accounts, sessions};
use crate::{AuthError, WriteTx, describe_device};

/// How long a sign-in waits for its next step.
const CHALLENGE_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// A user whose email and password were just verified, not signed in yet;
/// it holds the password hash they were verified against.
pub struct CheckedPassword(StoredUser);

/// Where a sign-in stands once the password was right.
#[derive(Debug)]
pub enum SignInStep {
    /// Signed in: the password is all this user needs.
    Session(NewSession),
    /// The user has a second factor: its code comes next, with this.
    SecondFactor(Challenge),
    /// The user's account requires a second factor and they have none:
    /// setting up this authenticator app comes next, with the challenge.
    SetupRequired(Challenge, TotpSetup),
    /// The server's operator reset the user's password: a new one of their
    /// own comes next, with the challenge ([`Auth::sign_in_with_new_password`]).
    NewPasswordRequired(Challenge),
}

impl SignInStep {
    /// The session, when the password was all it took.
    pub fn session(self) -> Option<NewSession> {
        match self {
            SignInStep::Session(session) => Some(session),
            SignInStep::SecondFactor(_)
            | SignInStep::SetupRequired(..)
            | SignInStep::NewPasswordRequired(_) => None,
        }
    }
}

/// A waiting sign-in taken up by one request, inside its transaction.
pub(super) struct Claim {
    pub(super) tx: WriteTx,
    hash: TokenHash,
    user: StoredUser,
    pub(super) me: Me,
    checked_hash: String,
}

/// How the audit log names a code.
fn code_kind(code: &SecondFactorCode) -> &'static str {
    match code {
        SecondFactorCode::App(_) => "totp",
        SecondFactorCode::Recovery(_) => "recovery_code",
    }
}

/// The user of the live sign-in with this token that waits for `needs`.
pub(super) async fn waiting_user(
    auth: &Auth,
    token: &ChallengeToken,
    needs: Needs,
) -> Result<api::UserId, AuthError> {
    challenge::find_live(auth.0.db.reader(), &token.hash(), needs, auth.now())
        .await?
        .map(|waiting| waiting.user_id)
        .ok_or(AuthError::SignInExpired)
}

/// A sign-in waiting for its next step: not a session, it opens nothing
/// but the form for that step.
#[derive(Debug)]
pub struct Challenge {
    pub token: ChallengeToken,
    pub expires_at: Timestamp,
}

impl Auth {
    /// Signs in with email and password. A wrong password and an unknown
    /// email fail the same way, in the same time.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        request: LoginRequest,
        meta: ClientMeta,
    ) -> Result<SignInStep, AuthError> {
        let checked = self.check_password(request, &meta).await?;
        self.after_password(checked, meta).await
    }

    /// The first half of signing in: the email and password are right.
    /// Opens nothing; [`Auth::after_password`] goes on.
    #[tracing::instrument(skip_all)]
    pub async fn check_password(
        &self,
        request: LoginRequest,
        meta: &ClientMeta,
    ) -> Result<CheckedPassword, AuthError> {
        if let Err(limited) = self
            .0
            .sign_in_limits
            .check_attempt(meta, Some(request.email.as_str()))
        {
            crate::metrics::sign_in("rate_limited");
            return Err(limited);
        }
        let email = EmailAddress::parse(&request.email).ok();
        let user = match &email {
            Some(email) => users::find_by_email(self.0.db.reader(), email).await?,
            None => None,
        };
        let stored = user.as_ref().map(|u| u.password_hash.as_str());
        let verified = match self.0.passwords.verify(request.password, stored).await {
            Ok(verified) => verified,
            Err(err) => {
                if matches!(err, AuthError::Busy) {
                    crate::metrics::sign_in("busy");
                }
                return Err(err);
            }
        };
        match user {
            Some(user) if verified => {
                crate::metrics::sign_in("ok");
                Ok(CheckedPassword(user))
            }
            user => {
                crate::metrics::sign_in("wrong_password");
                let known = user.map(|user| user.me);
                Err(self
                    .failed_sign_in(email.as_ref(), known.as_ref(), meta, None)
                    .await)
            }
        }
    }

    /// The second half of signing in with a password: a session, or, for a
    /// user with a second factor, the sign-in that waits for its code; for a
    /// user whose password the server's operator reset, the sign-in that
    /// waits for a new one of their own. It fails like a wrong password
    /// when the password changed after it was checked, so a sign-in racing
    /// a password change never outlives it.
    #[tracing::instrument(skip_all)]
    pub async fn after_password(
        &self,
        checked: CheckedPassword,
        meta: ClientMeta,
    ) -> Result<SignInStep, AuthError> {
        let CheckedPassword(user) = checked;
        let me = user.me.clone();
        let mut tx = self.0.db.begin_write().await?;
        if user.password_must_change() {
            let challenge = self
                .wait_for(&mut tx, &me, Needs::NewPassword, &user.password_hash)
                .await?;
            tx.commit().await?;
            return Ok(SignInStep::NewPasswordRequired(challenge));
        }
        // The account's rule as it is now, not as it was when the password
        // check began: the lock makes an owner turning it on wait for this
        // sign-in, or this sign-in for the owner, so a password-only
        // session never opens after the rule was turned on.
        accounts::lock(&mut tx, &me.account_id).await?;
        self.next_step(tx, &user, &user.password_hash, &meta).await
    }

    /// What a sign-in whose password (`checked_hash`) is right does next,
    /// inside `tx`, which holds the lock on the user's account: the code of
    /// the user's second factor, an app set up where the account requires
    /// one and the user has none, or else a session. Commits.
    pub(super) async fn next_step(
        &self,
        mut tx: WriteTx,
        user: &StoredUser,
        checked_hash: &str,
        meta: &ClientMeta,
    ) -> Result<SignInStep, AuthError> {
        let now = self.now();
        let me = user.me.clone();
        let required = accounts::second_factor_required_since(&mut tx, &me.account_id)
            .await?
            .is_some();
        if second_factor::has_any(&mut tx, &me.user_id).await? {
            let challenge = self
                .wait_for(&mut tx, &me, Needs::Code, checked_hash)
                .await?;
            tx.commit().await?;
            return Ok(SignInStep::SecondFactor(challenge));
        }
        if required {
            let challenge = self
                .wait_for(&mut tx, &me, Needs::Setup, checked_hash)
                .await?;
            let secret = TotpSecret::generate()?;
            second_factor::begin_setup(&mut tx, &me.user_id, &secret, now).await?;
            tx.commit().await?;
            let setup = TotpSetup {
                uri: secret.uri(&me.email)?,
                secret: secret.base32().to_owned(),
            };
            return Ok(SignInStep::SetupRequired(challenge, setup));
        }
        let opened = Opened {
            meta,
            method: SignInMethod::Password,
            now,
        };
        let session = self.open_session(tx, user, checked_hash, opened).await?;
        Ok(SignInStep::Session(session))
    }

    /// Keeps a sign-in of `me` waiting, for five minutes, for what it
    /// `needs` next, with the password hash it was checked against.
    async fn wait_for(
        &self,
        conn: &mut AnyConnection,
        me: &Me,
        needs: Needs,
        checked_hash: &str,
    ) -> Result<Challenge, AuthError> {
        let now = self.now();
        let token = ChallengeToken::generate()?;
        let expires_at = now.plus_millis(CHALLENGE_LIFETIME_MS);
        let waiting = challenge::NewChallenge {
            token: &token.hash(),
            user_id: &me.user_id,
            checked_hash,
            needs,
        };
        challenge::insert(conn, &waiting, now, expires_at).await?;
        Ok(Challenge { token, expires_at })
    }

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

    /// Takes up the live sign-in with this token that waits for `needs`,
    /// once the sign-in limits allow another try: inside the claim's
    /// transaction nobody else can finish it. An expired, used or unknown
    /// challenge is `SignInExpired`.
    pub(super) async fn claim(
        &self,
        token: &ChallengeToken,
        needs: Needs,
        meta: &ClientMeta,
    ) -> Result<Claim, AuthError> {
        let hash = token.hash();
        let reader = self.0.db.reader();
        let found = challenge::find_live(reader, &hash, needs, self.now()).await?;
        let Some(waiting) = found else {
            self.0.sign_in_limits.check_attempt(meta, None)?;
            return Err(AuthError::SignInExpired);
        };
        let user = users::find_by_id(reader, &waiting.user_id)
            .await?
            .ok_or(AuthError::SignInExpired)?;
        let me = user.me.clone();
        self.0
            .sign_in_limits
            .check_attempt(meta, Some(me.email.as_str()))?;
        let mut tx = self.0.db.begin_write().await?;
        if !challenge::take(&mut tx, &hash).await? {
            return Err(AuthError::SignInExpired);
        }
        Ok(Claim {
            tx,
            hash,
            user,
            me,
            checked_hash: waiting.checked_hash,
        })
    }

    /// A wrong second factor (`what`: `totp`, `recovery_code`, `passkey`)
    /// for a claimed sign-in: the claim is let go, and the failure counts
    /// against it and in the user's log.
    pub(super) async fn wrong_second_factor(
        &self,
        claim: Claim,
        meta: &ClientMeta,
        what: &'static str,
    ) -> Result<(), AuthError> {
        let Claim { tx, hash, me, .. } = claim;
        drop(tx);
        challenge::count_failure(&mut *self.0.db.acquire_write().await?, &hash).await?;
        self.failed_sign_in(None, Some(&me), meta, Some(what)).await;
        Ok(())
    }

    /// Opens the session of a claimed sign-in; when the password changed
    /// since it was checked, nothing opens and the sign-in has ended.
    pub(super) async fn open_claimed(
        &self,
        claim: Claim,
        method: SignInMethod,
        meta: &ClientMeta,
    ) -> Result<NewSession, AuthError> {
        let opened = Opened {
            meta,
            method,
            now: self.now(),
        };
        self.open_session(claim.tx, &claim.user, &claim.checked_hash, opened)
            .await
            .map_err(|err| match err {
                AuthError::InvalidCredentials => AuthError::SignInExpired,
                err => err,
            })
    }

    /// Records a failed sign-in; the error to answer with. A wrong password
    /// or code for a known user goes into their account's log, done to them
    /// (the account's owner and the user see it); an unknown email into no
    /// account's.
    pub(super) async fn failed_sign_in(
        &self,
        email: Option<&EmailAddress>,
        known: Option<&Me>,
        meta: &ClientMeta,
        second_factor: Option<&'static str>,
    ) -> AuthError {
        let mut event = AuditEvent::new(AuditKind::SignInFailed, self.now(), meta);
        match (known, email) {
            (Some(user), _) => {
                let mut detail = json!({ "email": user.email });
                if let Some(what) = second_factor {
                    detail["second_factor"] = json!(what);
                }
                event = event
                    .in_account(&user.account_id)
                    .target(user.user_id.as_str())
                    .detail(detail);
            }
            (None, Some(email)) => event = event.target(email.as_str()),
            (None, None) => {}
        }
        self.0.audit.record(event).await;
        AuthError::InvalidCredentials
    }

    /// Opens the session of a sign-in inside `tx`, which may hold what the
    /// sign-in used up (a code), and commits. Fails like a wrong password
    /// when the user's password is no longer `checked_hash`.
    pub(super) async fn open_session(
        &self,
        mut tx: WriteTx,
        user: &StoredUser,
        checked_hash: &str,
        opened: Opened<'_>,
    ) -> Result<NewSession, AuthError> {
        let Opened { meta, method, now } = opened;
        let timeouts = self.timeouts_for(user.policy_override);
        let me = user.me.clone();
        if !users::record_login(&mut tx, &me.user_id, checked_hash, now).await? {
            drop(tx);
            let email = EmailAddress::parse(&me.email).ok();
            return Err(self
                .failed_sign_in(email.as_ref(), Some(&me), meta, None)
                .await);
        }
        let user_id = me.user_id.clone();
        let known_devices = sessions::devices_of(&mut tx, &user_id).await?;
        let (session, evicted) = self.start_session(&mut tx, me, timeouts, opened).await?;
        let device = describe_device(meta.user_agent.as_deref());
        if !known_devices.is_empty() && !known_devices.contains(&device) {
            let from = meta
                .ip
                .as_deref()
                .map_or_else(String::new, |ip| format!(", {ip}"));
            let notice = NewNotice {
                kind: NoticeKind::NewDevice,
                origin: Some(&session.signed_in.session_id),
                detail: Some(format!("{device}{from}")),
            };
            notices::insert(&mut tx, &user_id, notice, now).await?;
        }
        tx.commit().await?;

        let me = &session.signed_in.me;
        if !evicted.is_empty() {
            let event = AuditEvent::new(AuditKind::SessionsRevoked, now, meta)
                .by(&me.account_id, &me.user_id)
                .target(me.user_id.as_str())
                .detail(json!({"reason": RevokeReason::SessionCap, "count": evicted.len()}));
            self.after_revoke(&evicted, RevokeReason::SessionCap, event)
                .await;
        }
        self.0
            .audit
            .record(
                AuditEvent::new(AuditKind::SignedIn, now, meta)
                    .by(&me.account_id, &me.user_id)
                    .target(session.signed_in.session_id.as_str())
                    .detail(json!({ "method": method })),
            )
            .await;
        Ok(session)
    }
}
