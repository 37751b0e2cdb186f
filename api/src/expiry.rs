//! When a browser warns that its session is about to end, and how.

use crate::Timestamp;

/// Warn this long before the end.
pub const WARN_BEFORE_MS: i64 = 5 * 60 * 1000;

/// Which end is coming: it decides what the user can do about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndKind {
    /// Inactivity: staying active (or "Stay signed in") moves it.
    Idle,
    /// The absolute limit: only signing in again helps.
    Absolute,
}

/// A warning to show: which end, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiryWarning {
    pub kind: EndKind,
    pub ends_at: Timestamp,
}

/// The warning to show at `now` (server time), if the session ends within
/// [`WARN_BEFORE_MS`]. When both ends fall together, it is the absolute
/// one: activity would not help.
pub fn expiry_warning(
    idle_ends_at: Timestamp,
    absolute_ends_at: Timestamp,
    now: Timestamp,
) -> Option<ExpiryWarning> {
    let (kind, ends_at) = if absolute_ends_at <= idle_ends_at {
        (EndKind::Absolute, absolute_ends_at)
    } else {
        (EndKind::Idle, idle_ends_at)
    };
    (ends_at.millis_since(now) <= WARN_BEFORE_MS).then_some(ExpiryWarning { kind, ends_at })
}

/// When the warning for these deadlines starts to show.
pub fn warning_starts_at(idle_ends_at: Timestamp, absolute_ends_at: Timestamp) -> Timestamp {
    idle_ends_at
        .min(absolute_ends_at)
        .plus_millis(-WARN_BEFORE_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_millis(minutes * 60_000)
    }

    #[test]
    fn no_warning_until_five_minutes_before_the_end() {
        assert_eq!(expiry_warning(at(60), at(600), at(54)), None);
        let warning = expiry_warning(at(60), at(600), at(55)).unwrap();
        assert_eq!(
            warning,
            ExpiryWarning {
                kind: EndKind::Idle,
                ends_at: at(60)
            }
        );
    }

    #[test]
    fn the_earlier_end_decides_the_kind() {
        let absolute = expiry_warning(at(600), at(480), at(478)).unwrap();
        assert_eq!(absolute.kind, EndKind::Absolute);
        assert_eq!(absolute.ends_at, at(480));
    }

    #[test]
    fn ends_that_fall_together_are_absolute() {
        assert_eq!(
            expiry_warning(at(15), at(15), at(11)).unwrap().kind,
            EndKind::Absolute
        );
    }

    #[test]
    fn past_the_end_still_warns() {
        assert!(expiry_warning(at(60), at(600), at(61)).is_some());
    }

    #[test]
    fn the_warning_starts_five_minutes_before_the_earlier_end() {
        assert_eq!(warning_starts_at(at(60), at(30)), at(25));
    }
}
