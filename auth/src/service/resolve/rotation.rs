//! A session's token moving on: rotated after its interval, first seen by
//! the browser, or replaced when the browser never came back with it.

use api::{SessionId, Timestamp};

use crate::AuthError;
use crate::live::LiveChange;
use crate::secret::{SessionToken, TokenHash};
use crate::service::Auth;
use crate::store::sessions::{self, StoredSession};

impl Auth {
    /// Gives the session a new token, unless a parallel request just did.
    pub(super) async fn rotate(
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
    pub(super) async fn note_token_seen(
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
    pub(super) async fn replace_unseen(
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
}
