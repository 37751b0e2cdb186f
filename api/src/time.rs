//! Points in time as whole milliseconds since the Unix epoch.

use serde::{Deserialize, Serialize};

/// Milliseconds since 1970-01-01T00:00:00Z. Every time the server stores or
/// sends uses this one representation, so the browser can compare them with
/// its own clock after correcting for the server's offset.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// This time moved by `millis` (negative moves back), saturating.
    #[must_use]
    pub const fn plus_millis(self, millis: i64) -> Self {
        Self(self.0.saturating_add(millis))
    }

    /// Milliseconds from `earlier` to `self` (negative when `earlier` is later).
    pub const fn millis_since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// This time moved forward by `duration`, saturating.
    #[must_use]
    pub fn plus(self, duration: std::time::Duration) -> Self {
        self.plus_millis(millis(duration))
    }

    /// How long from `self` until `later`; zero once it has passed.
    pub fn until(self, later: Timestamp) -> std::time::Duration {
        std::time::Duration::from_millis(u64::try_from(later.millis_since(self)).unwrap_or(0))
    }
}

/// A duration as whole milliseconds, saturating: the one conversion from a
/// `Duration` to the milliseconds that times are stored and compared in.
pub fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_overflowing() {
        assert_eq!(
            Timestamp::from_millis(i64::MAX).plus_millis(1).as_millis(),
            i64::MAX
        );
        assert_eq!(
            Timestamp::from_millis(10).millis_since(Timestamp::from_millis(4)),
            6
        );
    }
}
