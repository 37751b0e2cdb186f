//! Resolving a session cookie: the session's current token, or one it
//! replaced that still counts; expiry, activity and, on a page load, a new
//! token.

use api::Timestamp;

use super::ended::{Taken, refusal};
use crate::AuthError;
use crate::live::LiveChange;
use crate::secret::{SessionToken, TokenHash};
use crate::service::{Auth, Caller, ClientMeta, Credential};
use crate::session::TokenStanding;
use crate::settings::millis;
use crate::store::sessions::{self, StoredSession};
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
    /// Resolves a session token, or says why it cannot be used
    /// (`Unavailable` at once while the database is out of reach).
    pub async fn authenticate(
        &self,
        token: &SessionToken,
        access: Access,
        meta: &ClientMeta,
    ) -> Result<Resolved, AuthError> {
        let resolving = self.resolve_cookie(token, access, meta);
        self.0.db.guarded(resolving).await
    }

    async fn resolve_cookie(
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
        if row.binding.is_some() {
            // A replaced cookie never outlives what a bound cookie lives.
            let grace = grace.min(millis(self.0.settings.bound_cookie_lifetime));
            return self
                .resolve_bound_previous(row, &hash, access, now, grace)
                .await;
        }
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
                self.end_taken_session(&row, meta, now, Taken::by_token_reuse())
                    .await?;
                Err(AuthError::SessionTaken)
            }
        }
    }

    /// A token of a session bound to its device that is not its current
    /// one: the cookie its device replaced works for the rotation grace
    /// after the refresh (requests under way), then it is refused like any
    /// cookie past its lifetime. The session goes on: only a proof from
    /// another device says it was taken.
    async fn resolve_bound_previous(
        &self,
        row: StoredSession,
        hash: &TokenHash,
        access: Access,
        now: Timestamp,
        grace: i64,
    ) -> Result<Resolved, AuthError> {
        let replaced_lately = now < row.tokens.rotated_at.plus_millis(grace);
        if row.tokens.previous.as_ref() == Some(hash) && replaced_lately {
            // Refuses it too when the session was revoked.
            return self.resolve_current(row, hash, demoted(access), now).await;
        }
        Err(row.revoked.map_or(AuthError::Unauthenticated, refusal))
    }

    /// The session whose current token has this hash: kept from an earlier
    /// request when nothing was written since and kept reads may be used,
    /// else read.
    async fn current_session(&self, hash: &TokenHash) -> Result<Option<StoredSession>, AuthError> {
        let stamp = self.0.db.kept_read_stamp();
        if let Some(writes) = stamp
            && let Some(row) = self.0.session_cache.get(hash, writes)
        {
            crate::metrics::session_read(true);
            return Ok(Some(row));
        }
        crate::metrics::session_read(false);
        let row = sessions::find_by_token_hash(self.0.db.reader(), hash).await?;
        if let (Some(writes), Some(row)) = (stamp, &row) {
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
        // A bound session's cookie past its lifetime is refused; the
        // session goes on, for its device to renew the cookie.
        if let Some(binding) = &row.binding
            && row.tokens.current == *hash
            && !binding.cookie_works(now)
        {
            return Err(AuthError::Unauthenticated);
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
            self.0
                .live
                .apply(LiveChange::deadlines_of(session_id.clone(), deadlines, now));
        }
        // A bound session's token is renewed by its device's proofs, never
        // by time alone.
        let rotated = if access == Access::Interactive
            && row.binding.is_none()
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
                    device_bound: row.binding.is_some(),
                },
            },
            rotated,
            touched,
        })
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
