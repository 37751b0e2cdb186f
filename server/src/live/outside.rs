//! Hearing the operator commands on SQLite: they run in another process
//! and leave their changes in the database file (`auth::OutsideWrites`),
//! where the server looks as soon as anything else commits.

use std::time::Duration;

use auth::{Auth, OutsideWrites};

use super::feed::ChangeFeed;

impl ChangeFeed {
    /// Applies the changes operator commands left in the SQLite file, for
    /// as long as the process runs: it looks every `interval`, and only
    /// reads them when something else has committed.
    pub async fn follow_outside_writes(
        self,
        mut outside: OutsideWrites,
        auth: Auth,
        interval: Duration,
    ) {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let changes = match outside.poll().await {
                Ok(changes) => changes,
                Err(err) => {
                    tracing::warn!(error = %err, "could not look for other processes' changes");
                    continue;
                }
            };
            if changes.is_empty() {
                continue;
            }
            for payload in &changes {
                // No change there is this process's own: none is skipped.
                self.receive("", payload);
            }
            if let Err(err) = outside.applied(auth.now()).await {
                tracing::warn!(error = %err, "could not mark other processes' changes applied");
            }
        }
    }
}
