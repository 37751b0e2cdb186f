//! A live connection's caller checked again: whether its session token or
//! API token still counts, until when, and as whom; its activity recorded.

use api::{RevokeReason, SessionId, Timestamp, TokenId};

use super::ended::refusal;
use crate::AuthError;
use crate::secret::TokenHash;
use crate::service::{Auth, Caller, Credential};
use crate::session::{Deadlines, TokenStanding};
use crate::settings::millis;
use crate::store::sessions::{self, StoredSession};
use crate::store::tokens;
use crate::touch::Used;

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

impl Auth {
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
                        device_bound: row.binding.is_some(),
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
}
