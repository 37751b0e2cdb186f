//! Background jobs: periodic clean-up of ended sessions and idle rate-limit
//! keys.

use std::sync::Arc;
use std::time::Duration;

use auth::{Auth, DatabaseClock, Db};

/// Cleans up ended sessions, retired tokens and idle rate-limit keys every
/// `interval`, forever.
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

/// Sets `clock` by the database's every `interval`, forever, so it follows
/// the database server as both drift.
pub async fn follow_database_clock(clock: Arc<DatabaseClock>, db: Db, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        if let Err(err) = clock.set_by(&db).await {
            tracing::warn!(error = %err, "could not read the database's clock; keeping the last setting");
        }
    }
}
