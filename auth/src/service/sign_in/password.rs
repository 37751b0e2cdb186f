//! The password step of signing in: the email and password checked, then
//! what a right password leads to (a session, or the step that waits).

use api::{EmailAddress, LoginRequest, SignInMethod, TotpSetup};

use super::waiting::Challenge;
use crate::second_factor::challenge::Needs;
use crate::second_factor::{self, TotpSecret};
use crate::service::session_start::Opened;
use crate::service::{Auth, ClientMeta, NewSession};
use crate::store::accounts;
use crate::store::users::{self, StoredUser};
use crate::{AuthError, WriteTx};

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

impl Auth {
    /// Signs in with email and password. A wrong password and an unknown
    /// email fail the same way, in the same time.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        request: LoginRequest,
        meta: ClientMeta,
    ) -> Result<SignInStep, AuthError> {
        let signing_in = async {
            let checked = self.check_password(request, &meta).await?;
            self.after_password(checked, meta).await
        };
        self.0.db.guarded(signing_in).await
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
    pub(in crate::service) async fn next_step(
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
}
