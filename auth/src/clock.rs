//! Where every time decision reads "now". Tests move a [`TestClock`] instead
//! of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use api::Timestamp;

use crate::db::{Db, DbError};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The operating system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, api::millis);
        Timestamp::from_millis(millis)
    }
}

/// A clock that stands still until a test moves it. Clones share one time.
#[derive(Clone, Debug)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    /// Starts at a fixed, realistic time (2026-01-01T00:00:00Z).
    pub fn new() -> Self {
        Self(Arc::new(AtomicI64::new(1_767_225_600_000)))
    }

    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(api::millis(by), Ordering::SeqCst);
    }
}

impl Default for TestClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.0.load(Ordering::SeqCst))
    }
}

/// A local clock set by the database's. Instances that share a database
/// then agree on "now" to within the time one query takes, whatever their
/// own clocks say: a rotation's grace, an idle end and a rate limit mean the
/// same on each, and clock skew cannot raise a false theft alarm.
pub struct DatabaseClock {
    local: Arc<dyn Clock>,
    offset_ms: AtomicI64,
}

impl DatabaseClock {
    /// `local`, not yet set: call [`DatabaseClock::set_by`] before use.
    pub fn new(local: Arc<dyn Clock>) -> Self {
        Self {
            local,
            offset_ms: AtomicI64::new(0),
        }
    }

    /// Reads the database's clock and sets this one by it, taking the
    /// reading as the local time halfway through the query. Returns how far
    /// the local clock was off, in milliseconds (positive: behind).
    pub async fn set_by(&self, db: &Db) -> Result<i64, DbError> {
        let before = self.local.now();
        let database = db.now().await?;
        let after = self.local.now();
        let halfway = before
            .as_millis()
            .saturating_add(after.millis_since(before) / 2);
        let offset = database.as_millis().saturating_sub(halfway);
        self.offset_ms.store(offset, Ordering::SeqCst);
        Ok(offset)
    }
}

impl Clock for DatabaseClock {
    fn now(&self) -> Timestamp {
        let offset = self.offset_ms.load(Ordering::SeqCst);
        Timestamp::from_millis(self.local.now().as_millis().saturating_add(offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_clock_moves_only_when_told_and_clones_share_it() {
        let clock = TestClock::new();
        let shared = clock.clone();
        let start = clock.now();
        clock.advance(Duration::from_secs(90));
        assert_eq!(shared.now().millis_since(start), 90_000);
    }

    #[test]
    fn system_clock_is_after_2025() {
        assert!(SystemClock.now().as_millis() > 1_735_689_600_000);
    }
}
