//! Stops asking a database that cannot be reached, for a moment. After a
//! few requests in a row found it out of reach, the next ones are answered
//! `unavailable` at once for a second, instead of each waiting out the
//! pool's acquire timeout; then one tries again, and a success closes the
//! breaker (a failure opens it for another second at once).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::Db;
use crate::AuthError;

/// Out-of-reach answers in a row that open the breaker.
const TRIP_AFTER: u32 = 3;
/// How long it stays open each time.
const OPEN_FOR: Duration = Duration::from_secs(1);

/// Real time, whatever the domain's clock says: a test clock that stands
/// still must not keep a breaker open for ever.
#[derive(Debug)]
pub(crate) struct Breaker {
    /// What the times below count from.
    base: Instant,
    /// Out-of-reach answers in a row.
    failures: AtomicU32,
    /// Opened and not closed by a success since.
    tripped: AtomicBool,
    /// Until when requests are answered at once (milliseconds from `base`).
    open_until: AtomicU64,
}

impl Default for Breaker {
    fn default() -> Self {
        Self {
            base: Instant::now(),
            failures: AtomicU32::new(0),
            tripped: AtomicBool::new(false),
            open_until: AtomicU64::new(0),
        }
    }
}

impl Breaker {
    /// Milliseconds from `base` to `now`.
    fn since_base(&self, now: Instant) -> u64 {
        u64::try_from(now.saturating_duration_since(self.base).as_millis()).unwrap_or(u64::MAX)
    }

    fn is_open(&self, now: Instant) -> bool {
        self.since_base(now) < self.open_until.load(Ordering::Acquire)
    }

    fn record<T>(&self, outcome: &Result<T, AuthError>, now: Instant) {
        match outcome {
            Err(AuthError::Unavailable) => {
                let failures = self.failures.fetch_add(1, Ordering::AcqRel) + 1;
                if failures >= TRIP_AFTER || self.tripped.load(Ordering::Acquire) {
                    self.tripped.store(true, Ordering::Release);
                    let until = self.since_base(now + OPEN_FOR);
                    self.open_until.store(until, Ordering::Release);
                }
            }
            // The database answered.
            Ok(_)
                if self.failures.load(Ordering::Acquire) > 0
                    || self.tripped.load(Ordering::Acquire) =>
            {
                self.failures.store(0, Ordering::Release);
                self.tripped.store(false, Ordering::Release);
                self.open_until.store(0, Ordering::Release);
            }
            // Nothing new: all went well, or a refusal that may not have
            // asked the database (too many attempts, say).
            _ => {}
        }
    }
}

impl Db {
    /// Runs `work`, which asks the database, unless the breaker is open:
    /// then it answers `Unavailable` at once. Tells the breaker how it went.
    pub(crate) async fn guarded<T>(
        &self,
        work: impl Future<Output = Result<T, AuthError>>,
    ) -> Result<T, AuthError> {
        if self.breaker.is_open(Instant::now()) {
            return Err(AuthError::Unavailable);
        }
        let outcome = work.await;
        self.breaker.record(&outcome, Instant::now());
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A breaker, and the instant `millis` after it was made.
    fn breaker() -> (Breaker, impl Fn(u64) -> Instant) {
        let breaker = Breaker::default();
        let base = breaker.base;
        (breaker, move |millis| base + Duration::from_millis(millis))
    }

    #[test]
    fn three_answers_out_of_reach_open_it_for_a_second_then_one_failure_reopens_it() {
        let (breaker, at) = breaker();
        let gone: Result<(), AuthError> = Err(AuthError::Unavailable);

        breaker.record(&gone, at(0));
        breaker.record(&gone, at(10));
        assert!(!breaker.is_open(at(20)), "two are not enough");
        breaker.record(&gone, at(20));
        assert!(breaker.is_open(at(1_019)));
        assert!(!breaker.is_open(at(1_020)), "one request tries again");
        breaker.record(&gone, at(1_020));
        assert!(breaker.is_open(at(1_021)), "still gone: open again at once");
    }

    #[test]
    fn an_answer_from_the_database_closes_it_and_a_refusal_that_asked_nothing_does_not() {
        let (breaker, at) = breaker();
        let gone: Result<(), AuthError> = Err(AuthError::Unavailable);
        for millis in [0, 1, 2] {
            breaker.record(&gone, at(millis));
        }

        breaker.record(&Err::<(), _>(AuthError::Busy), at(1_500));
        breaker.record(&gone, at(1_501));
        assert!(
            breaker.is_open(at(1_502)),
            "still tripped: one failure reopens"
        );
        breaker.record(&Ok(()), at(2_600));

        assert!(!breaker.is_open(at(2_601)));
        breaker.record(&gone, at(2_602));
        assert!(!breaker.is_open(at(2_603)), "counting starts again");
    }
}
