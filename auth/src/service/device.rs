//! Sessions bound to their device (Device Bound Session Credentials): a
//! browser that keeps a private key on the device registers its public key
//! for the session; from then on the session's cookie lives minutes and is
//! renewed only against a proof signed by that key. A copied cookie is
//! useless once its lifetime ends; a proof signed by another key, or a
//! challenge used again, is theft and ends the session as taken.

use api::{RevokeReason, SessionId, Timestamp};
use serde_json::json;
use sqlx::AnyConnection;

use super::resolve::{Taken as TakenSession, refusal};
use super::{Auth, Caller, ClientMeta};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::dbsc::{self, ProofError};
use crate::live::LiveChange;
use crate::secret::{ChallengeToken, DeviceSessionId, SessionToken};
use crate::settings::millis;
use crate::store::accounts;
use crate::store::devices::{self, Purpose, Taken};
use crate::store::sessions::{self, StoredSession};

/// How long the challenge offered as a session opens waits to be signed.
const REGISTRATION_CHALLENGE_MS: i64 = 5 * 60 * 1000;
/// How long a refresh challenge waits: the browser signs it at once.
const REFRESH_CHALLENGE_MS: i64 = 60 * 1000;

/// The new cookie of a session bound to its device.
#[derive(Debug)]
pub struct DeviceCookie {
    /// The identifier the device names the session by.
    pub identifier: DeviceSessionId,
    pub token: SessionToken,
    /// How long the cookie lives, in seconds.
    pub max_age_secs: i64,
}

/// What a refresh gets.
#[derive(Debug)]
pub enum Refresh {
    /// A challenge for the device to sign (the browser then asks again).
    Challenge(ChallengeToken),
    /// The device proved itself: its new cookie.
    Renewed(DeviceCookie),
}

/// Offers a new session to a device that can bind it: the challenge it
/// signs to register its key, inside the transaction that opens the
/// session.
pub(super) async fn offer_binding(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    now: Timestamp,
) -> Result<ChallengeToken, AuthError> {
    let challenge = ChallengeToken::generate()?;
    let expires_at = now.plus_millis(REGISTRATION_CHALLENGE_MS);
    devices::insert_challenge(
        conn,
        &challenge.hash(),
        session_id,
        Purpose::Register,
        expires_at,
    )
    .await?;
    Ok(challenge)
}

impl Auth {
    /// `POST /dbsc/register`: the browser of `caller`'s session registers
    /// the key that signed `proof` (over the challenge it was offered as
    /// the session opened). One key a session: a second registration is a
    /// conflict. The session's cookie becomes a short-lived one.
    #[tracing::instrument(skip_all)]
    pub async fn register_device(
        &self,
        caller: &Caller,
        proof: Option<&str>,
        meta: &ClientMeta,
    ) -> Result<DeviceCookie, AuthError> {
        let session_id = caller.session_id().ok_or(AuthError::Unauthenticated)?;
        let session = sessions::find_by_id(self.0.db.reader(), session_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        let now = self.now();
        let checked = proof
            .ok_or(ProofError::Malformed)
            .and_then(dbsc::check_registration);
        let (challenge, key) = match checked {
            Ok(checked) => checked,
            Err(why) => return Err(self.proof_refused(&session, meta, why.into()).await),
        };
        let mut tx = self.0.db.begin_write().await?;
        let taken = match ChallengeToken::parse(&challenge) {
            Some(challenge) => {
                let hash = challenge.hash();
                devices::take_challenge(&mut tx, &hash, session_id, Purpose::Register, now).await?
            }
            None => Taken::Unknown,
        };
        if taken != Taken::Fresh {
            tx.commit().await?;
            return Err(self
                .proof_refused(&session, meta, AuthError::DeviceChallenge)
                .await);
        }
        let identifier = DeviceSessionId::generate()?;
        if !devices::bind(&mut tx, session_id, &key, &identifier.hash(), now).await? {
            return Err(AuthError::Rejected(api::ApiError::new(
                api::ErrorCode::Conflict,
                "This session is bound to a device already.",
            )));
        }
        // Bound now: the account's policy, no longer the shorter limits
        // the owner set for sessions not bound to their device.
        let policy = accounts::policy(&mut tx, &session.me.account_id).await?;
        let lengthened = policy.unbound.is_some();
        if lengthened {
            let all = self.timeouts_for(policy.policy_override);
            sessions::set_timeouts(&mut tx, session_id, all.idle, all.absolute).await?;
        }
        let (cookie_token, max_age_secs) = self.new_bound_cookie(&mut tx, session_id, now).await?;
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::DeviceBound, now, meta)
            .by(&session.me.account_id, &session.me.user_id)
            .target(session_id.as_str());
        self.0.audit.record(event).await;
        if lengthened {
            // Its pages move their expiry warnings to the later ends.
            let deadlines = self.session_deadlines(session_id).await?;
            self.0
                .live
                .apply(LiveChange::deadlines_of(session_id.clone(), deadlines, now));
        }
        Ok(DeviceCookie {
            identifier,
            token: cookie_token,
            max_age_secs,
        })
    }

    /// `POST /dbsc/refresh` of the bound session the device names by
    /// `identifier`: without a proof, a challenge to sign; with one over a
    /// live challenge of the session, signed by its key, the next cookie.
    /// A proof signed by another key, or over a challenge used already,
    /// ends the session as taken.
    #[tracing::instrument(skip_all)]
    pub async fn refresh_device(
        &self,
        identifier: &str,
        proof: Option<&str>,
        meta: &ClientMeta,
    ) -> Result<Refresh, AuthError> {
        let identifier = DeviceSessionId::parse(identifier).ok_or(AuthError::Unauthenticated)?;
        let session = sessions::find_by_device_id(self.0.db.reader(), &identifier.hash())
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        let now = self.now();
        if let Some(reason) = session.revoked {
            return Err(refusal(reason));
        }
        if session.lifetime.deadlines().has_ended(now) {
            return Err(AuthError::SessionExpired);
        }
        let Some(binding) = &session.binding else {
            return Err(AuthError::Unauthenticated);
        };
        let Some(proof) = proof else {
            return self.refresh_challenge(&session.id, now).await;
        };
        let challenge = match dbsc::check_refresh(proof, &binding.key) {
            Ok(challenge) => challenge,
            Err(ProofError::WrongKey) => {
                return Err(self
                    .taken_by_proof(&session, meta, "signed by another device's key")
                    .await);
            }
            Err(why) => return Err(self.proof_refused(&session, meta, why.into()).await),
        };
        let Some(challenge) = ChallengeToken::parse(&challenge) else {
            return self.refresh_challenge(&session.id, now).await;
        };
        let mut tx = self.0.db.begin_write().await?;
        let taken = devices::take_challenge(
            &mut tx,
            &challenge.hash(),
            &session.id,
            Purpose::Refresh,
            now,
        )
        .await?;
        match taken {
            Taken::Fresh => {
                let (cookie_token, max_age_secs) =
                    self.new_bound_cookie(&mut tx, &session.id, now).await?;
                tx.commit().await?;
                Ok(Refresh::Renewed(DeviceCookie {
                    identifier,
                    token: cookie_token,
                    max_age_secs,
                }))
            }
            Taken::Replayed => {
                drop(tx);
                Err(self
                    .taken_by_proof(&session, meta, "a challenge signed again")
                    .await)
            }
            Taken::Unknown => {
                drop(tx);
                self.refresh_challenge(&session.id, now).await
            }
        }
    }

    /// A new refresh challenge for the session.
    async fn refresh_challenge(
        &self,
        session_id: &SessionId,
        now: Timestamp,
    ) -> Result<Refresh, AuthError> {
        let challenge = ChallengeToken::generate()?;
        let expires_at = now.plus_millis(REFRESH_CHALLENGE_MS);
        let mut tx = self.0.db.begin_write().await?;
        devices::insert_challenge(
            &mut tx,
            &challenge.hash(),
            session_id,
            Purpose::Refresh,
            expires_at,
        )
        .await?;
        tx.commit().await?;
        Ok(Refresh::Challenge(challenge))
    }

    /// Gives the bound session a new cookie, inside `tx`, good for the
    /// bound cookie lifetime (never past the session's end). The session
    /// is read again under its row's lock: a refresh or a page's rotation
    /// at the same moment goes before or after, never in between.
    async fn new_bound_cookie(
        &self,
        tx: &mut AnyConnection,
        session_id: &SessionId,
        now: Timestamp,
    ) -> Result<(SessionToken, i64), AuthError> {
        let session = sessions::find_locked(tx, session_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        let token = SessionToken::generate()?;
        let lifetime = millis(self.0.settings.bound_cookie_lifetime);
        let until = now
            .plus_millis(lifetime)
            .min(session.lifetime.deadlines().ends_at());
        if !sessions::renew_bound_cookie(tx, &session, &token.hash(), until, now).await? {
            // The session ended, or its token changed, meanwhile.
            return Err(AuthError::Unauthenticated);
        }
        Ok((token, until.millis_since(now) / 1000))
    }

    /// A proof that did not check out: audited; the error to answer with.
    async fn proof_refused(
        &self,
        session: &StoredSession,
        meta: &ClientMeta,
        why: AuthError,
    ) -> AuthError {
        let mut event = AuditEvent::new(AuditKind::DeviceProofFailed, self.now(), meta)
            .by(&session.me.account_id, &session.me.user_id)
            .target(session.id.as_str())
            .detail(json!({"why": why.to_string(), "session_ended": false}));
        // The log names the session by its device; without it, by nothing.
        if let Ok(Some(place)) = sessions::place_of(self.0.db.reader(), &session.id).await {
            place.told_in(&mut event.detail);
        }
        self.0.audit.record(event).await;
        why
    }

    /// Another device signed for the session: it ends as taken.
    async fn taken_by_proof(
        &self,
        session: &StoredSession,
        meta: &ClientMeta,
        why: &str,
    ) -> AuthError {
        let reason = RevokeReason::DeviceProofFailed;
        let taken = TakenSession {
            reason,
            kind: AuditKind::DeviceProofFailed,
            detail: json!({"why": why, "session_ended": true, "reason": reason}),
        };
        match self
            .end_taken_session(session, meta, self.now(), taken)
            .await
        {
            Ok(()) => AuthError::SessionTaken,
            Err(err) => err,
        }
    }
}
