//! Background jobs: periodic clean-up of ended sessions and idle rate-limit
//! keys.

use std::sync::Arc;
use std::time::Duration;

use auth::Auth;

use auth::SignInLimits;

/// Cleans up ended sessions, retired tokens and idle rate-limit keys every
/// `interval`, forever.
pub async fn clean_up_periodically(auth: Auth, limits: Arc<SignInLimits>, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        limits.forget_idle_keys();
        if let Err(err) = auth.clean_up().await {
            tracing::error!(error = %err, "session clean-up failed");
        }
    }
}
