//! Periodic clean-up of ended sessions and retired token hashes.

use super::Auth;
use crate::AuthError;
use crate::sessions::{self, Cleanup};
use crate::settings::millis;

impl Auth {
    /// Deletes retired token hashes past their session's absolute end, and
    /// sessions that ended longer ago than the retention setting.
    pub async fn clean_up(&self) -> Result<Cleanup, AuthError> {
        let removed = sessions::delete_ended(
            &mut *self.0.db.acquire_write().await?,
            self.now(),
            millis(self.0.settings.ended_session_retention),
        )
        .await?;
        self.0.hashing_limits.forget_idle_keys();
        self.0.sign_in_limits.forget_idle_keys();
        if removed != Cleanup::default() {
            tracing::info!(
                sessions = removed.sessions,
                retired_tokens = removed.retired_tokens,
                "cleaned up"
            );
        }
        Ok(removed)
    }
}
