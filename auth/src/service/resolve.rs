//! Resolving a session cookie to its caller: expiry, activity, rotation and
//! the detection of reused tokens.

use api::{LiveEvent, NoticeKind, RevokeReason, SessionId, Timestamp, TokenId};
use serde_json::json;

use super::{Auth, Caller, ClientMeta, Credential};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::live::LiveChange;
use crate::notices::{self, NewNotice};
use crate::secret::{ApiTokenSecret, SessionToken, TokenHash};
use crate::session::{Deadlines, TokenStanding};
use crate::settings::millis;
use crate::store::sessions::{self, StoredSession};
use crate::store::tokens;
use crate::touch::Used;

/// What kind of request presents the credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A page load or a server function: activity, and the token may rotate.
    Interactive,
    /// An API call: activity, but the token never rotates.
    Api,
    /// A status read or a live stream: neither activity nor rotation.
    Passive,
}

/// Whether a live connection's session token still works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionStanding {
    /// It does; `token_until` is when it stops (rotation retired it and its
    /// grace is running), `None` while it has no end of its own.
    Holds {
        deadlines: Deadlines,
        token_until: Option<Timestamp>,
    },
    /// Rotation retired it: the connection must reconnect with the
    /// browser's current cookie.
    TokenRetired,
}

/// A live connection's caller, checked again before it answers a request.
#[derive(Debug)]
pub enum Rechecked {
    /// It goes on, as this caller: the same credential, with the user's
    /// role and account as they are stored now.
    Holds(Caller),
    /// Rotation retired the session token it was opened with: the client
    /// reconnects with the cookie it holds now.
    TokenRetired,
}

/// A resolved caller, and what resolving it changed.
#[derive(Debug)]
pub struct Resolved {
    pub caller: Caller,
    /// The new token, when this request rotated it.
    pub rotated: Option<SessionToken>,
    /// Whether this request moved the session's idle end.
    pub touched: bool,
}

impl Auth {
    /// Resolves a session token, or says why it cannot be used.
    pub async fn authenticate(
        &self,
        token: &SessionToken,
        access: Access,
        meta: &ClientMeta,
    ) -> Result<Resolved, AuthError> {
        let hash = token.hash();
        let now = self.now();
        if let Some(row) = self.current_session(&hash).await? {
            return self.resolve_current(row, &hash, access, now).await;
        }
        let Some(row) = sessions::find_by_retired_hash(self.0.db.reader(), &hash).await? else {
            return Err(AuthError::Unauthenticated);
        };
        let grace = millis(self.0.settings.rotation_grace);
        match row.tokens.standing_of(&hash, now, grace) {
            // The browser never came back with the token this session was
            // given last (its response was lost): this one still counts.
            // After a while a page load gives it a new one in place of the
            // lost one.
            TokenStanding::PreviousAwaitingNew => {
                let lost_for = now.millis_since(row.tokens.rotated_at);
                if access == Access::Interactive && lost_for >= 2 * grace {
                    let mut resolved = self
                        .resolve_current(row.clone(), &hash, Access::Api, now)
                        .await?;
                    resolved.rotated = self.replace_unseen(&row, &hash, now).await?;
                    return Ok(resolved);
                }
                self.resolve_current(row, &hash, demoted(access), now).await
            }
            // A parallel request or another tab still holding the token this
            // session just replaced: fine, but it does not rotate again.
            TokenStanding::PreviousInGrace { .. } => {
                self.resolve_current(row, &hash, demoted(access), now).await
            }
            TokenStanding::Current | TokenStanding::Retired => {
                if let Some(reason) = row.revoked {
                    return Err(refusal(reason));
                }
                self.end_taken_session(&row, meta, now).await?;
                Err(AuthError::SessionTaken)
            }
        }
    }

    /// Resolves an API token (`Authorization: Bearer`), recording its use.
    pub async fn authenticate_api_token(
        &self,
        secret: &ApiTokenSecret,
    ) -> Result<Caller, AuthError> {
        let row = tokens::find_by_hash(self.0.db.reader(), &secret.hash()).await?;
        self.token_caller(row)
    }

    /// The caller of a usable API token's row, recording its use.
    fn token_caller(&self, row: Option<tokens::StoredToken>) -> Result<Caller, AuthError> {
        let row = row.ok_or(AuthError::Unauthenticated)?;
        let now = self.now();
        if !row.usable_at(now) {
            return Err(AuthError::Unauthenticated);
        }
        self.0.toucher.touch(Used::Token(row.id.clone()), now);
        Ok(Caller {
            me: row.me,
            credential: Credential::ApiToken {
                token_id: row.id,
                scope: row.scope,
            },
        })
    }

    /// The caller of a live connection (an RPC WebSocket) as things stand
    /// now, asked before each request it answers: the same session token or
    /// API token, and the user's role and account read again, so that a
    /// role taken away counts at once; or why it no longer counts. Reads
    /// only (but for recording a token's use).
    pub async fn recheck_connection(&self, caller: &Caller) -> Result<Rechecked, AuthError> {
        match &caller.credential {
            Credential::Session {
                session_id,
                token,
                method,
                ..
            } => {
                let row = self.live_session(session_id).await?;
                let grace = millis(self.0.settings.rotation_grace);
                if row.tokens.standing_of(token, self.now(), grace) == TokenStanding::Retired {
                    return Ok(Rechecked::TokenRetired);
                }
                Ok(Rechecked::Holds(Caller {
                    me: row.me,
                    credential: Credential::Session {
                        session_id: session_id.clone(),
                        deadlines: row.lifetime.deadlines(),
                        token: token.clone(),
                        method: *method,
                    },
                }))
            }
            Credential::ApiToken { token_id, .. } => {
                let row = tokens::find_by_id(self.0.db.reader(), token_id).await?;
                self.token_caller(row).map(Rechecked::Holds)
            }
        }
    }

    /// Records activity on a long-lived connection (an RPC WebSocket), which
    /// has no requests of its own to carry it.
    pub fn record_activity(&self, caller: &Caller) {
        let used = match &caller.credential {
            Credential::Session { session_id, .. } => Used::Session(session_id.clone()),
            Credential::ApiToken { token_id, .. } => Used::Token(token_id.clone()),
        };
        self.0.toucher.touch(used, self.now());
    }

    /// Whether an API token still works (not revoked, not expired). Reads
    /// only: this is how live connections re-check their token.
    pub async fn token_usable(&self, token_id: &TokenId) -> Result<bool, AuthError> {
        tokens::usable(self.0.db.reader(), token_id, self.now()).await
    }

    /// A session's deadlines as stored now, or why it no longer counts.
    /// Reads only.
    pub async fn session_deadlines(&self, session_id: &SessionId) -> Result<Deadlines, AuthError> {
        Ok(self.live_session(session_id).await?.lifetime.deadlines())
    }

    /// Whether a live connection opened with the session token `token` may
    /// go on, and until when. Reads only: this is how live connections
    /// re-check their credential.
    pub async fn connection_standing(
        &self,
        session_id: &SessionId,
        token: &TokenHash,
    ) -> Result<ConnectionStanding, AuthError> {
        let row = self.live_session(session_id).await?;
        let grace = millis(self.0.settings.rotation_grace);
        let deadlines = row.lifetime.deadlines();
        Ok(match row.tokens.standing_of(token, self.now(), grace) {
            TokenStanding::Current | TokenStanding::PreviousAwaitingNew => {
                ConnectionStanding::Holds {
                    deadlines,
                    token_until: None,
                }
            }
            TokenStanding::PreviousInGrace { until } => ConnectionStanding::Holds {
                deadlines,
                token_until: Some(until),
            },
            TokenStanding::Retired => ConnectionStanding::TokenRetired,
        })
    }

    async fn live_session(&self, session_id: &SessionId) -> Result<StoredSession, AuthError> {
        let row = sessions::find_by_id(self.0.db.reader(), session_id)
            .await?
            .ok_or(AuthError::SessionRevoked(RevokeReason::SignedOut))?;
        if let Some(reason) = row.revoked {
            return Err(refusal(reason));
        }
        if row.lifetime.deadlines().has_ended(self.now()) {
            return Err(AuthError::SessionExpired);
        }
        Ok(row)
    }

    /// The session whose current token has this hash: kept from an earlier
    /// request when nothing was written since, else read.
    async fn current_session(&self, hash: &TokenHash) -> Result<Option<StoredSession>, AuthError> {
        let writes = self.0.db.writes().current();
        if let Some(row) = self.0.session_cache.get(hash, writes) {
            return Ok(Some(row));
        }
        let row = sessions::find_by_token_hash(self.0.db.reader(), hash).await?;
        if let Some(row) = &row {
            self.0.session_cache.put(hash, writes, row);
        }
        Ok(row)
    }

    async fn resolve_current(
        &self,
        row: StoredSession,
        hash: &TokenHash,
        access: Access,
        now: Timestamp,
    ) -> Result<Resolved, AuthError> {
        if let Some(reason) = row.revoked {
            return Err(refusal(reason));
        }
        if row.lifetime.deadlines().has_ended(now) {
            return Err(AuthError::SessionExpired);
        }
        let session_id = row.id.clone();
        let mut row = row;
        if row.tokens.current == *hash && row.tokens.seen_at.is_none() {
            self.note_token_seen(&session_id, hash, now).await?;
            row.tokens.seen_at = Some(now);
        }
        let touched = access != Access::Passive
            && now.millis_since(row.lifetime.last_seen_at)
                >= millis(self.0.settings.touch_threshold);
        if touched {
            self.0.toucher.touch(Used::Session(session_id.clone()), now);
            row.lifetime.last_seen_at = now;
            self.0.session_cache.touched(hash, now);
            let deadlines = row.lifetime.deadlines();
            self.0.live.apply(LiveChange::ToSession {
                session_id: session_id.clone(),
                event: LiveEvent::SessionUpdated {
                    idle_ends_at: deadlines.idle_ends_at,
                    absolute_ends_at: deadlines.absolute_ends_at,
                    server_time: now,
                },
            });
        }
        let rotated = if access == Access::Interactive
            && row.tokens.current == *hash
            && now.millis_since(row.tokens.rotated_at) >= millis(self.0.settings.rotation_interval)
        {
            self.rotate(&row, hash, now).await?
        } else {
            None
        };
        Ok(Resolved {
            caller: Caller {
                me: row.me,
                credential: Credential::Session {
                    session_id,
                    deadlines: row.lifetime.deadlines(),
                    token: hash.clone(),
                    method: row.method,
                },
            },
            rotated,
            touched,
        })
    }

    /// Gives the session a new token, unless a parallel request just did.
    async fn rotate(
        &self,
        row: &StoredSession,
        old: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<SessionToken>, AuthError> {
        let token = SessionToken::generate()?;
        let mut tx = self.0.db.begin_write().await?;
        let rotated = sessions::rotate(&mut tx, row, old, &token.hash(), now).await?;
        tx.commit().await?;
        if rotated {
            crate::metrics::token_rotated();
        }
        Ok(rotated.then_some(token))
    }

    /// A token this session was given has been presented for the first
    /// time: from now on the one before it has only its grace left, and the
    /// live connections opened with that one must re-check.
    async fn note_token_seen(
        &self,
        session_id: &SessionId,
        hash: &TokenHash,
        now: Timestamp,
    ) -> Result<(), AuthError> {
        let mut tx = self.0.db.begin_write().await?;
        let first = sessions::mark_token_seen(&mut tx, session_id, hash, now).await?;
        tx.commit().await?;
        if first {
            self.0.live.apply(LiveChange::SessionRecheck {
                session_id: session_id.clone(),
            });
        }
        Ok(())
    }

    /// Gives the session a new token in place of one it never presented.
    async fn replace_unseen(
        &self,
        row: &StoredSession,
        previous: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<SessionToken>, AuthError> {
        let token = SessionToken::generate()?;
        let mut tx = self.0.db.begin_write().await?;
        let replaced = sessions::replace_unseen(&mut tx, row, previous, &token.hash(), now).await?;
        tx.commit().await?;
        Ok(replaced.then_some(token))
    }

    /// A rotated-out token came back after its grace: someone else holds a
    /// copy. End the session everywhere and tell its owner at next sign-in.
    async fn end_taken_session(
        &self,
        row: &StoredSession,
        meta: &ClientMeta,
        now: Timestamp,
    ) -> Result<(), AuthError> {
        let session_id = row.id.clone();
        let me = row.me.clone();
        let mut tx = self.0.db.begin_write().await?;
        let reason = RevokeReason::TokenReuse;
        let revoked = sessions::revoke(&mut tx, &session_id, &me.user_id, reason, now)
            .await?
            .is_some();
        if revoked {
            notices::insert(
                &mut tx,
                &me.user_id,
                NewNotice::plain(NoticeKind::SessionTaken),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        if revoked {
            crate::metrics::token_reuse_detected();
            crate::metrics::sessions_ended(RevokeReason::TokenReuse, 1);
            tracing::warn!(session_id = %session_id, user_id = %me.user_id, "a rotated-out session token was reused; session ended");
            let event = AuditEvent::new(AuditKind::TokenReuse, now, meta)
                .by(&me.account_id, &me.user_id)
                .target(session_id.as_str())
                .detail(json!({"reason": RevokeReason::TokenReuse, "count": 1}));
            self.after_revoke(
                std::slice::from_ref(&session_id),
                RevokeReason::TokenReuse,
                event,
            )
            .await;
        }
        Ok(())
    }
}

/// A token that is not the current one never rotates the session.
fn demoted(access: Access) -> Access {
    if access == Access::Interactive {
        Access::Api
    } else {
        access
    }
}

/// The error for a session that was revoked for `reason`.
fn refusal(reason: RevokeReason) -> AuthError {
    if reason == RevokeReason::TokenReuse {
        AuthError::SessionTaken
    } else {
        AuthError::SessionRevoked(reason)
    }
}
