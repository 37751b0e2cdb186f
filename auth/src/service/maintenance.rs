//! Periodic clean-up of ended sessions, retired token hashes and expired
//! sign-in challenges.

use super::Auth;
use crate::AuthError;
use crate::settings::millis;
use crate::store::expired::{self, Expiring};
use crate::store::sessions::{self, Cleanup};

impl Auth {
    /// Deletes retired token hashes past their session's absolute end,
    /// sessions that ended longer ago than the retention setting, and
    /// sign-in challenges that expired.
    pub async fn clean_up(&self) -> Result<Cleanup, AuthError> {
        let now = self.now();
        let mut tx = self.0.db.begin_write().await?;
        let mut removed = sessions::delete_ended(
            &mut tx,
            now,
            millis(self.0.settings.ended_session_retention),
        )
        .await?;
        // Challenges and ceremonies never answered, and ended links from
        // the mail (to choose a new password, "This wasn't me", to join a
        // team, to verify an address), counted together.
        removed.challenges = expired::delete(
            &mut tx,
            &[
                Expiring::SignInChallenges,
                Expiring::PasskeyCeremonies,
                Expiring::PasswordResets,
                Expiring::SessionReports,
                Expiring::Invitations,
                Expiring::EmailVerifications,
            ],
            now,
        )
        .await?;
        removed.device_challenges =
            expired::delete(&mut tx, &[Expiring::DeviceChallenges], now).await?;
        tx.commit().await?;
        self.0.hashing_limits.forget_idle_keys();
        self.0.sign_in_limits.forget_idle_keys();
        self.0.reset_limits.forget_idle_keys();
        if removed != Cleanup::default() {
            tracing::info!(
                sessions = removed.sessions,
                retired_tokens = removed.retired_tokens,
                challenges = removed.challenges,
                "cleaned up"
            );
        }
        Ok(removed)
    }
}
