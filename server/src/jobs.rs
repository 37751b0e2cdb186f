//! Background jobs: periodic clean-up of ended sessions.

use std::time::Duration;

use auth::Auth;

/// Cleans up ended sessions and retired tokens every `interval`, forever.
pub async fn clean_up_periodically(auth: Auth, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(err) = auth.clean_up().await {
            tracing::error!(error = %err, "session clean-up failed");
        }
    }
}
