//! The sign-in's step after the server's operator reset the user's
//! password: a new password of the user's own, before any session opens.

use api::{ApiError, Password};
use serde_json::json;

use super::{Auth, ClientMeta, SignInStep};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::second_factor::challenge::{self, Needs};
use crate::secret::ChallengeToken;
use crate::store::users;

impl Auth {
    /// Finishes the step of a sign-in that waits for a new password (the
    /// server's operator reset the user's): `new_password`, under the rules
    /// of every new password and not the one the operator gave, becomes
    /// theirs and need not change any more. Then the sign-in goes on as any
    /// would: a session, or, where the account requires a second factor, an
    /// app to set up. Every try counts toward the sign-in limits, and a
    /// refused password against the challenge, which ends after a few; an
    /// expired, used or unknown challenge is `SignInExpired`. Whatever is
    /// refused changes no password.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in_with_new_password(
        &self,
        token: &ChallengeToken,
        new_password: Password,
        meta: ClientMeta,
    ) -> Result<SignInStep, AuthError> {
        let hash = token.hash();
        let (waiting, user) = self
            .waiting_sign_in(&hash, Needs::NewPassword, &meta)
            .await?;
        let me = user.me.clone();
        match self
            .own_password(&new_password, &waiting.checked_hash)
            .await
        {
            Ok(()) => {}
            Err(refused @ (AuthError::Input(_) | AuthError::Rejected(_))) => {
                challenge::count_failure(&self.0.db, &hash).await?;
                return Err(refused);
            }
            Err(err) => return Err(err),
        }
        let own_hash = self.0.passwords.hash(new_password).await?;
        let now = self.now();
        let mut tx = self.0.db.begin_write().await?;
        // The account first, as every sign-in takes it (see `after_password`).
        crate::store::accounts::lock(&mut tx, &me.account_id).await?;
        let replaced = challenge::take(&mut tx, &hash).await?
            && users::replace_given_password(
                &mut tx,
                &me.user_id,
                &waiting.checked_hash,
                &own_hash,
            )
            .await?;
        if !replaced {
            return Err(AuthError::SignInExpired);
        }
        let step = self.next_step(tx, &user, &own_hash, &meta).await?;
        let event = AuditEvent::new(AuditKind::PasswordChanged, now, &meta)
            .by(&me.account_id, &me.user_id)
            .target(me.user_id.as_str())
            .detail(json!({"at_sign_in": true, "replaced": "the operator's"}));
        self.0.audit.record(event).await;
        Ok(step)
    }

    /// Whether `new_password` may replace the password the operator gave
    /// (`given_hash`): the rules of every new password, and not that one
    /// again, which someone else has seen.
    async fn own_password(
        &self,
        new_password: &Password,
        given_hash: &str,
    ) -> Result<(), AuthError> {
        new_password.check_new("new_password")?;
        if self
            .0
            .passwords
            .verify(new_password.clone(), Some(given_hash))
            .await?
        {
            return Err(AuthError::Rejected(
                ApiError::invalid_params(
                    "Choose a password of your own, not the one the server's operator gave you.",
                )
                .with_field("new_password"),
            ));
        }
        Ok(())
    }
}
