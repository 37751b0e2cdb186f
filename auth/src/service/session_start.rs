//! Starting a session: its lengths from the account's policy, its row and
//! token, and the cap on sessions per user.

use std::time::Duration;

use api::{Me, SessionId, SessionPolicy, SignInMethod, SignedIn, Timestamp};

use super::{Auth, ClientMeta};
use crate::AuthError;
use crate::secret::{ChallengeToken, SessionToken, random_bytes};
use crate::settings::millis;
use crate::store::sessions::{self, NewSessionRow};

/// A session just created: the secret for the cookie and what to tell the client.
#[derive(Debug)]
pub struct NewSession {
    pub token: SessionToken,
    pub signed_in: SignedIn,
    /// The challenge a browser that keeps keys on its device signs to bind
    /// the session to it (DBSC), offered with the cookie.
    pub device_challenge: ChallengeToken,
}

/// How and when a session is being opened, and from where.
#[derive(Clone, Copy)]
pub(crate) struct Opened<'a> {
    pub meta: &'a ClientMeta,
    pub method: SignInMethod,
    pub now: Timestamp,
}

/// Session lengths snapshotted at sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timeouts {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Timeouts {
    /// Each timeout the shorter of the two.
    fn shortest(self, other: Timeouts) -> Timeouts {
        Timeouts {
            idle: self.idle.min(other.idle),
            absolute: self.absolute.min(other.absolute),
        }
    }
}

impl Auth {
    /// Session lengths for an account's policy override, or the system
    /// default.
    pub(super) fn timeouts_for(&self, policy: Option<SessionPolicy>) -> Timeouts {
        match policy {
            Some(policy) => Timeouts {
                idle: policy.idle(),
                absolute: policy.absolute(),
            },
            None => Timeouts {
                idle: self.0.settings.default_idle_timeout,
                absolute: self.0.settings.default_absolute_timeout,
            },
        }
    }

    /// Session lengths for a session not bound to its device (every
    /// session as it opens): the account's, shortened to its limits for
    /// such sessions when the owner set them.
    pub(super) fn unbound_timeouts_for(
        &self,
        policy: Option<SessionPolicy>,
        unbound: Option<SessionPolicy>,
    ) -> Timeouts {
        let all = self.timeouts_for(policy);
        unbound.map_or(all, |unbound| {
            all.shortest(self.timeouts_for(Some(unbound)))
        })
    }

    /// Inserts a session for `me` and enforces the per-user cap, inside the
    /// caller's transaction. Returns the session and the ids the cap ended.
    pub(super) async fn start_session(
        &self,
        conn: &mut sqlx::AnyConnection,
        me: Me,
        timeouts: Timeouts,
        opened: Opened<'_>,
    ) -> Result<(NewSession, Vec<SessionId>), AuthError> {
        let Opened { meta, method, now } = opened;
        let token = SessionToken::generate()?;
        let session_id = SessionId::from_random_bytes(random_bytes()?);
        let row = NewSessionRow {
            id: &session_id,
            user_id: &me.user_id,
            token_hash: &token.hash(),
            idle_timeout_ms: millis(timeouts.idle),
            absolute_timeout_ms: millis(timeouts.absolute),
            user_agent: meta.user_agent.as_deref(),
            ip: meta.ip.as_deref(),
            method,
        };
        sessions::insert(&mut *conn, &row, now).await?;
        crate::metrics::session_started();
        let evicted = sessions::enforce_cap(
            &mut *conn,
            &me.user_id,
            self.0.settings.max_sessions_per_user,
            now,
        )
        .await?;
        let device_challenge = super::device::offer_binding(&mut *conn, &session_id, now).await?;
        let signed_in = SignedIn {
            me,
            session_id,
            idle_ends_at: now.plus(timeouts.idle),
            absolute_ends_at: now.plus(timeouts.absolute),
        };
        let session = NewSession {
            token,
            signed_in,
            device_challenge,
        };
        Ok((session, evicted))
    }
}

#[cfg(feature = "testing")]
impl Auth {
    /// A new session for `me`, opened as a password sign-in would open it
    /// but without the password's hashing: for tests that need hundreds.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn open_session_for_test(&self, me: Me) -> Result<NewSession, AuthError> {
        let mut tx = self.0.db.begin_write().await?;
        let opened = Opened {
            meta: &ClientMeta::new(None, None),
            method: SignInMethod::Password,
            now: self.now(),
        };
        let (session, _) = self
            .start_session(&mut tx, me, self.timeouts_for(None), opened)
            .await?;
        tx.commit().await?;
        Ok(session)
    }
}
