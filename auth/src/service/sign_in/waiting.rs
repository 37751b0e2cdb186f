//! A sign-in waiting for its next step: kept after the password, found
//! again by its challenge token, and taken up by the one request that
//! answers it.

use api::{Me, SignInMethod, Timestamp, UserId};
use sqlx::AnyConnection;

use crate::second_factor::challenge::{self, Needs, Waiting};
use crate::secret::{ChallengeToken, TokenHash};
use crate::service::session_start::Opened;
use crate::service::{Auth, ClientMeta, NewSession};
use crate::store::users::{self, StoredUser};
use crate::{AuthError, WriteTx};

/// How long a sign-in waits for its next step.
const CHALLENGE_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// A sign-in waiting for its next step: not a session, it opens nothing
/// but the form for that step.
#[derive(Debug)]
pub struct Challenge {
    pub token: ChallengeToken,
    pub expires_at: Timestamp,
}

/// A waiting sign-in taken up by one request, inside its transaction.
pub(in crate::service) struct Claim {
    pub(in crate::service) tx: WriteTx,
    hash: TokenHash,
    user: StoredUser,
    pub(in crate::service) me: Me,
    checked_hash: String,
}

/// The user of the live sign-in with this token that waits for `needs`.
pub(in crate::service) async fn waiting_user(
    auth: &Auth,
    token: &ChallengeToken,
    needs: Needs,
) -> Result<UserId, AuthError> {
    challenge::find_live(auth.0.db.reader(), &token.hash(), needs, auth.now())
        .await?
        .map(|waiting| waiting.user_id)
        .ok_or(AuthError::SignInExpired)
}

impl Auth {
    /// Keeps a sign-in of `me` waiting, for five minutes, for what it
    /// `needs` next, with the password hash it was checked against.
    pub(super) async fn wait_for(
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

    /// The live sign-in whose token hashes to `hash` and that waits for
    /// `needs`, and its user, once the sign-in limits allow another try
    /// (a try for no address when there is no such sign-in). An expired,
    /// used or unknown challenge is `SignInExpired`.
    pub(in crate::service) async fn waiting_sign_in(
        &self,
        hash: &TokenHash,
        needs: Needs,
        meta: &ClientMeta,
    ) -> Result<(Waiting, StoredUser), AuthError> {
        let reader = self.0.db.reader();
        let found = challenge::find_live(reader, hash, needs, self.now()).await?;
        let Some(waiting) = found else {
            self.0.sign_in_limits.check_attempt(meta, None)?;
            return Err(AuthError::SignInExpired);
        };
        let user = users::find_by_id(reader, &waiting.user_id)
            .await?
            .ok_or(AuthError::SignInExpired)?;
        self.0
            .sign_in_limits
            .check_attempt(meta, Some(user.me.email.as_str()))?;
        Ok((waiting, user))
    }

    /// Takes up the live sign-in with this token that waits for `needs`,
    /// once the sign-in limits allow another try: inside the claim's
    /// transaction nobody else can finish it. An expired, used or unknown
    /// challenge is `SignInExpired`.
    pub(in crate::service) async fn claim(
        &self,
        token: &ChallengeToken,
        needs: Needs,
        meta: &ClientMeta,
    ) -> Result<Claim, AuthError> {
        let hash = token.hash();
        let (waiting, user) = self.waiting_sign_in(&hash, needs, meta).await?;
        let me = user.me.clone();
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
    pub(in crate::service) async fn wrong_second_factor(
        &self,
        claim: Claim,
        meta: &ClientMeta,
        what: &'static str,
    ) -> Result<(), AuthError> {
        let Claim { tx, hash, me, .. } = claim;
        drop(tx);
        challenge::count_failure(&self.0.db, &hash).await?;
        self.failed_sign_in(None, Some(&me), meta, Some(what)).await;
        Ok(())
    }

    /// Opens the session of a claimed sign-in; when the password changed
    /// since it was checked, nothing opens and the sign-in has ended.
    pub(in crate::service) async fn open_claimed(
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
}
