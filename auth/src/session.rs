//! The rules of a session's life, apart from storage: when it ends
//! ([`Lifetime`], [`Deadlines`]) and what each of its tokens is worth
//! ([`Tokens`], [`TokenStanding`]). Storage reads the values they take;
//! nothing here reads a clock or a database.

use api::Timestamp;

use crate::secret::TokenHash;

/// A session's two deadlines. It ends at the earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    /// `last_seen + idle timeout`: moves with activity.
    pub idle_ends_at: Timestamp,
    /// `created + absolute timeout`: never moves later.
    pub absolute_ends_at: Timestamp,
}

impl Deadlines {
    pub fn ends_at(self) -> Timestamp {
        self.idle_ends_at.min(self.absolute_ends_at)
    }

    pub fn has_ended(self, now: Timestamp) -> bool {
        now >= self.ends_at()
    }
}

/// How long a session lasts: the timeouts snapshotted at sign-in, and the
/// times they count from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lifetime {
    pub created_at: Timestamp,
    /// The last activity: the idle timeout counts from here.
    pub last_seen_at: Timestamp,
    pub idle_timeout_ms: i64,
    pub absolute_timeout_ms: i64,
}

impl Lifetime {
    pub fn deadlines(&self) -> Deadlines {
        Deadlines {
            idle_ends_at: self.last_seen_at.plus_millis(self.idle_timeout_ms),
            absolute_ends_at: self.absolute_end(),
        }
    }

    /// The end no activity moves; retired tokens are kept until then.
    pub fn absolute_end(&self) -> Timestamp {
        self.created_at.plus_millis(self.absolute_timeout_ms)
    }
}

/// A session bound to its device (DBSC): the key it registered, and until
/// when its current cookie works. Its cookie is renewed only against a
/// proof signed by that key, never by time alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Binding {
    pub key: crate::dbsc::DeviceKey,
    pub bound_at: Timestamp,
    pub cookie_expires_at: Timestamp,
}

impl Binding {
    /// Whether the session's current cookie still works at `now`: past its
    /// lifetime it is refused (the session goes on, for a refresh).
    pub fn cookie_works(&self, now: Timestamp) -> bool {
        now < self.cookie_expires_at
    }
}

/// What one of a session's tokens is worth now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenStanding {
    /// The session's current token.
    Current,
    /// The token before the current one, while the current one has not been
    /// presented yet: the response that carried it may never have arrived.
    PreviousAwaitingNew,
    /// The token before the current one, in its grace after the current one
    /// was first presented (parallel requests, other tabs).
    PreviousInGrace { until: Timestamp },
    /// Any other token the session once had: presenting it is theft.
    Retired,
}

/// A session's tokens: the current one, the one it replaced, and when the
/// current one was given and first presented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tokens {
    pub current: TokenHash,
    pub previous: Option<TokenHash>,
    pub rotated_at: Timestamp,
    /// When the current token was first presented; `None` until then.
    pub seen_at: Option<Timestamp>,
}

impl Tokens {
    /// What the token with `hash` is worth now, with `grace_ms` for the
    /// previous token once the current one has been presented.
    pub fn standing_of(&self, hash: &TokenHash, now: Timestamp, grace_ms: i64) -> TokenStanding {
        if self.current == *hash {
            return TokenStanding::Current;
        }
        if self.previous.as_ref() != Some(hash) {
            return TokenStanding::Retired;
        }
        match self.seen_at {
            None => TokenStanding::PreviousAwaitingNew,
            Some(seen) => {
                let until = seen.plus_millis(grace_ms);
                if now < until {
                    TokenStanding::PreviousInGrace { until }
                } else {
                    TokenStanding::Retired
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: i64) -> Timestamp {
        Timestamp::from_millis(millis)
    }

    fn deadlines(idle: i64, absolute: i64) -> Deadlines {
        Deadlines {
            idle_ends_at: at(idle),
            absolute_ends_at: at(absolute),
        }
    }

    #[test]
    fn a_session_ends_at_the_earlier_deadline() {
        assert_eq!(deadlines(100, 200).ends_at().as_millis(), 100);
        assert_eq!(deadlines(300, 200).ends_at().as_millis(), 200);
    }

    #[test]
    fn a_session_has_ended_at_its_deadline_not_before() {
        let d = deadlines(100, 200);
        assert!(!d.has_ended(at(99)));
        assert!(d.has_ended(at(100)));
    }

    #[test]
    fn idle_counts_from_the_last_activity_and_absolute_from_sign_in() {
        let lifetime = Lifetime {
            created_at: at(1_000),
            last_seen_at: at(5_000),
            idle_timeout_ms: 600,
            absolute_timeout_ms: 9_000,
        };
        assert_eq!(lifetime.deadlines(), deadlines(5_600, 10_000));
        assert_eq!(lifetime.absolute_end(), at(10_000));
    }

    #[test]
    fn deadlines_saturate_instead_of_overflowing() {
        let lifetime = Lifetime {
            created_at: at(1),
            last_seen_at: at(1),
            idle_timeout_ms: i64::MAX,
            absolute_timeout_ms: i64::MAX,
        };
        assert_eq!(lifetime.deadlines(), deadlines(i64::MAX, i64::MAX));
    }

    fn hash(name: &str) -> TokenHash {
        TokenHash::from_stored(name)
    }

    fn tokens(seen_at: Option<i64>) -> Tokens {
        Tokens {
            current: hash("new"),
            previous: Some(hash("old")),
            rotated_at: at(1_000),
            seen_at: seen_at.map(at),
        }
    }

    #[test]
    fn the_current_token_is_current_whether_or_not_it_was_presented() {
        for seen in [None, Some(1_100)] {
            assert_eq!(
                tokens(seen).standing_of(&hash("new"), at(99_000), 60),
                TokenStanding::Current
            );
        }
    }

    #[test]
    fn the_previous_token_counts_until_the_new_one_is_presented() {
        assert_eq!(
            tokens(None).standing_of(&hash("old"), at(99_000), 60),
            TokenStanding::PreviousAwaitingNew
        );
    }

    #[test]
    fn the_previous_token_has_its_grace_once_the_new_one_was_presented() {
        let presented = tokens(Some(2_000));
        assert_eq!(
            presented.standing_of(&hash("old"), at(2_059), 60),
            TokenStanding::PreviousInGrace { until: at(2_060) }
        );
        assert_eq!(
            presented.standing_of(&hash("old"), at(2_060), 60),
            TokenStanding::Retired
        );
    }

    #[test]
    fn any_other_token_is_retired() {
        assert_eq!(
            tokens(None).standing_of(&hash("older"), at(1_001), 60),
            TokenStanding::Retired
        );
        let first = Tokens {
            previous: None,
            ..tokens(None)
        };
        assert_eq!(
            first.standing_of(&hash("old"), at(1_001), 60),
            TokenStanding::Retired
        );
    }
}
