//! Passkeys at sign-in: alone (the browser offers the person's passkey for
//! this site, which names its user), or as the second step after the
//! password; and the check both share with confirming it is you.

use api::{ApiError, ErrorCode, PasskeyAssertion, PasskeyCeremony, SignInMethod, UserId};
use serde_json::json;
use sqlx::AnyConnection;

use super::session_start::Opened;
use super::{Auth, ClientMeta, NewSession};
use crate::passkey::ceremony::{self, Purpose};
use crate::passkey::{self, stored};
use crate::second_factor::challenge::Needs;
use crate::secret::ChallengeToken;
use crate::service::user::ceremony_ended;
use crate::store::users;
use crate::{AuditEvent, AuditKind, AuthError};

impl Auth {
    /// The options for a passkey-alone sign-in. Nobody is named yet, so
    /// it reveals nothing; it counts toward the sign-in limits of the
    /// address, as each start stores a ceremony.
    #[tracing::instrument(skip_all)]
    pub async fn start_passkey_sign_in(
        &self,
        meta: &ClientMeta,
    ) -> Result<PasskeyCeremony, AuthError> {
        self.0.sign_in_limits.check_attempt(meta, None)?;
        let started = self.0.settings.relying_party.start_discoverable()?;
        let token = ChallengeToken::generate()?;
        let mut tx = self.0.db.begin_write().await?;
        let named = (&token.hash(), Purpose::SignIn);
        ceremony::insert(&mut tx, named, None, &started.state, self.now()).await?;
        tx.commit().await?;
        Ok(PasskeyCeremony {
            ceremony: token.expose().to_owned(),
            options: started.options,
        })
    }

    /// Signs in with a passkey alone: the browser's answer to
    /// [`Auth::start_passkey_sign_in`]. A passkey that is not one of the
    /// user the answer names, or an answer that does not check out, fails
    /// like a wrong password and counts toward the limits.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in_with_passkey(
        &self,
        answer: PasskeyAssertion,
        meta: ClientMeta,
    ) -> Result<NewSession, AuthError> {
        self.0.sign_in_limits.check_attempt(&meta, None)?;
        let state = self.take_ceremony(&answer, Purpose::SignIn, None).await?;
        let credential = passkey::assertion(&answer.credential)?;
        let rp = &self.0.settings.relying_party;
        let (claimed, credential_id) = rp.identify(&credential)?;
        let now = self.now();
        let mut tx = self.0.db.begin_write().await?;
        let Some(found) = stored::by_credential(&mut tx, &credential_id)
            .await?
            .filter(|stored| stored.user_id == claimed)
        else {
            drop(tx);
            return Err(self.unknown_passkey(&claimed, &meta).await);
        };
        let checked_key = match rp.finish_discoverable(&credential, &state, found.passkey) {
            Ok(used) => used,
            Err(err) => {
                drop(tx);
                return Err(self.refused_passkey(&claimed, &meta, err).await);
            }
        };
        stored::record_use(&mut tx, &found.id, &checked_key, now).await?;
        let user = users::find_by_id(self.0.db.reader(), &claimed)
            .await?
            .ok_or(AuthError::InvalidCredentials)?;
        let opened = Opened {
            meta: &meta,
            method: SignInMethod::Passkey,
            now,
        };
        let current_hash = user.password_hash.clone();
        self.open_session(tx, &user, &current_hash, opened).await
    }

    /// The options for the second step of a sign-in waiting for it, with a
    /// passkey of its user instead of a code.
    #[tracing::instrument(skip_all)]
    pub async fn start_passkey_second_step(
        &self,
        waiting: &ChallengeToken,
        meta: &ClientMeta,
    ) -> Result<PasskeyCeremony, AuthError> {
        self.0.sign_in_limits.check_attempt(meta, None)?;
        let found = super::sign_in::waiting_user(self, waiting, Needs::Code).await?;
        self.start_passkey_ceremony(&found, Purpose::SecondFactor)
            .await
    }

    /// Finishes a sign-in waiting for its second factor with the browser's
    /// answer to [`Auth::start_passkey_second_step`]: signed in with
    /// password and passkey. An answer that does not check out counts like
    /// a wrong code.
    #[tracing::instrument(skip_all)]
    pub async fn complete_sign_in_with_passkey(
        &self,
        waiting: &ChallengeToken,
        answer: PasskeyAssertion,
        meta: ClientMeta,
    ) -> Result<NewSession, AuthError> {
        let user_id = super::sign_in::waiting_user(self, waiting, Needs::Code).await?;
        let state = self
            .take_ceremony(&answer, Purpose::SecondFactor, Some(&user_id))
            .await?;
        let mut claim = self.claim(waiting, Needs::Code, &meta).await?;
        if claim.me.user_id != user_id {
            return Err(AuthError::SignInExpired);
        }
        let checked = self
            .check_passkey(&mut claim.tx, &user_id, &answer, &state)
            .await;
        match checked {
            Ok(()) => {
                self.open_claimed(claim, SignInMethod::PasswordAndPasskey, &meta)
                    .await
            }
            Err(AuthError::PasskeyRefused(why)) => {
                self.wrong_second_factor(claim, &meta, "passkey").await?;
                Err(AuthError::PasskeyRefused(why))
            }
            Err(err) => Err(err),
        }
    }

    /// Starts a ceremony for one of the user's passkeys, for `purpose`.
    pub(crate) async fn start_passkey_ceremony(
        &self,
        user_id: &UserId,
        purpose: Purpose,
    ) -> Result<PasskeyCeremony, AuthError> {
        let mut tx = self.0.db.begin_write().await?;
        let keys: Vec<_> = stored::of_user(&mut tx, user_id)
            .await?
            .into_iter()
            .map(|stored| stored.passkey)
            .collect();
        if keys.is_empty() {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::Conflict,
                "You have no passkey yet. Use your password or a code instead.",
            )));
        }
        let started = self.0.settings.relying_party.start_for(&keys)?;
        let token = ChallengeToken::generate()?;
        let named = (&token.hash(), purpose);
        ceremony::insert(&mut tx, named, Some(user_id), &started.state, self.now()).await?;
        tx.commit().await?;
        Ok(PasskeyCeremony {
            ceremony: token.expose().to_owned(),
            options: started.options,
        })
    }

    /// Takes the ceremony `answer` is for, of `user_id` and for `purpose`,
    /// in a write of its own: gone for good before the answer is checked,
    /// so it is answered once whatever the answer. Its state.
    pub(crate) async fn take_ceremony(
        &self,
        answer: &PasskeyAssertion,
        purpose: Purpose,
        user_id: Option<&UserId>,
    ) -> Result<String, AuthError> {
        let token = ChallengeToken::parse(&answer.ceremony).ok_or_else(ceremony_ended)?;
        let mut tx = self.0.db.begin_write().await?;
        let state = ceremony::take(&mut tx, (&token.hash(), purpose), user_id, self.now()).await?;
        tx.commit().await?;
        state.ok_or_else(ceremony_ended)
    }

    /// Checks a passkey's answer to a ceremony of the user (its `state`),
    /// and records the passkey's use inside `conn`'s transaction.
    pub(crate) async fn check_passkey(
        &self,
        conn: &mut AnyConnection,
        user_id: &UserId,
        answer: &PasskeyAssertion,
        state: &str,
    ) -> Result<(), AuthError> {
        let credential = passkey::assertion(&answer.credential)?;
        let stored = stored::by_credential(&mut *conn, &passkey::answered_by(&credential))
            .await?
            .filter(|stored| &stored.user_id == user_id)
            .ok_or_else(|| AuthError::PasskeyRefused("not one of the user's".into()))?;
        let used = self
            .0
            .settings
            .relying_party
            .finish_for(&credential, state, stored.passkey)?;
        stored::record_use(conn, &stored.id, &used, self.now()).await
    }

    /// A passkey-alone sign-in whose passkey is not one of the user it
    /// names: nobody registered it, or another user did. The user handle is
    /// the client's own word, so the failure goes into no account's log
    /// (else anyone who knew a user id could fill that account's log); the
    /// user it named is kept in the entry's detail. The error to answer.
    async fn unknown_passkey(&self, claimed: &UserId, meta: &ClientMeta) -> AuthError {
        let detail = json!({ "second_factor": "passkey", "claimed_user": claimed.as_str() });
        let event = AuditEvent::new(AuditKind::SignInFailed, self.now(), meta).detail(detail);
        self.0.audit.record(event).await;
        AuthError::PasskeyRefused("not registered".into())
    }

    /// A passkey-alone sign-in with a passkey of the user it names whose
    /// answer did not check out: logged as a failed sign-in of theirs. The
    /// error to answer.
    async fn refused_passkey(
        &self,
        claimed: &UserId,
        meta: &ClientMeta,
        err: AuthError,
    ) -> AuthError {
        if let Ok(Some(user)) = users::find_by_id(self.0.db.reader(), claimed).await {
            self.failed_sign_in(None, Some(&user.me), meta, Some("passkey"))
                .await;
        }
        err
    }
}
