//! Times worded for people: "5 min ago", "in 1 h 20 min", "4:59",
//! "2026-12-02 21:53:07 UTC".
//!
//! Pure functions of two [`Timestamp`]s, so the browser can call them on every
//! tick with its own (offset-corrected) clock and tests can pin every boundary.

use crate::Timestamp;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// How long ago `then` was, seen at `now`.
///
/// Every unit is rounded down (floor), so the wording never claims more time
/// has passed than really has:
///
/// | elapsed              | wording          |
/// |----------------------|------------------|
/// | under 60 s, or `then` in the future (clock skew) | `just now` |
/// | 1 min to 59 min 59 s | `N min ago`      |
/// | 1 h to 47 h 59 min   | `N h ago`        |
/// | 48 h and more        | `N days ago`     |
///
/// Days start at 48 h so the smallest count of days is "2 days ago"; a day
/// and a half reads "36 h ago".
pub fn ago(then: Timestamp, now: Timestamp) -> String {
    let elapsed = now.millis_since(then);
    if elapsed < MINUTE {
        "just now".to_owned()
    } else if elapsed < HOUR {
        format!("{} min ago", elapsed / MINUTE)
    } else if elapsed < 2 * DAY {
        format!("{} h ago", elapsed / HOUR)
    } else {
        format!("{} days ago", elapsed / DAY)
    }
}

/// How long until `until`, seen at `now`.
///
/// Every unit is rounded down (floor):
///
/// | time left            | wording                          |
/// |----------------------|----------------------------------|
/// | none (`until <= now`) | `ended`                         |
/// | under 60 s           | `in under a minute`              |
/// | 1 min to 59 min 59 s | `in N min`                       |
/// | 1 h to 23 h 59 min   | `in N h M min`, or `in N h` when M is 0 |
/// | 24 h to 47 h 59 min  | `in 1 day`                       |
/// | 48 h and more        | `in N days`                      |
pub fn remaining(until: Timestamp, now: Timestamp) -> String {
    let left = until.millis_since(now);
    if left <= 0 {
        "ended".to_owned()
    } else if left < MINUTE {
        "in under a minute".to_owned()
    } else if left < HOUR {
        format!("in {} min", left / MINUTE)
    } else if left < DAY {
        let hours = left / HOUR;
        match (left % HOUR) / MINUTE {
            0 => format!("in {hours} h"),
            minutes => format!("in {hours} h {minutes} min"),
        }
    } else if left < 2 * DAY {
        "in 1 day".to_owned()
    } else {
        format!("in {} days", left / DAY)
    }
}

/// A ticking clock for a toast: `m:ss` under an hour (`4:59`, `0:07`),
/// `h:mm:ss` from an hour up (`1:00:00`), and `0:00` at or past the end.
///
/// Seconds are rounded *up* (ceiling), unlike [`ago`] and [`remaining`], so the
/// clock shows `0:00` only once the time is really over: with 0.4 s left it
/// still reads `0:01`, and with 59 min 59.5 s left it reads `1:00:00`.
pub fn countdown(until: Timestamp, now: Timestamp) -> String {
    let left = until.millis_since(now);
    if left <= 0 {
        return "0:00".to_owned();
    }
    let seconds = left / SECOND + i64::from(left % SECOND != 0);
    let (hours, minutes, seconds) = (seconds / 3_600, seconds % 3_600 / 60, seconds % 60);
    if hours == 0 {
        format!("{minutes}:{seconds:02}")
    } else {
        format!("{hours}:{minutes:02}:{seconds:02}")
    }
}

/// The exact time in UTC, to the second: `2026-12-02 21:53:07 UTC`. The same
/// on the server and in every browser, whatever their time zone, so a page
/// renders the same text on both sides.
pub fn exact(at: Timestamp) -> String {
    let millis = at.as_millis();
    let (days, of_day) = (millis.div_euclid(DAY), millis.rem_euclid(DAY) / SECOND);
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

/// The Gregorian date `days` after 1970-01-01, by Howard Hinnant's
/// `civil_from_days` (eras of 400 years, years starting in March).
fn civil_date(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_millis(1_700_000_000_000);

    fn before_now(millis: i64) -> Timestamp {
        NOW.plus_millis(-millis)
    }

    fn after_now(millis: i64) -> Timestamp {
        NOW.plus_millis(millis)
    }

    #[test]
    fn exact_times_read_as_utc_calendar_dates() {
        let cases = [
            (0, "1970-01-01 00:00:00 UTC"),
            (-1, "1969-12-31 23:59:59 UTC"),
            (NOW.as_millis(), "2023-11-14 22:13:20 UTC"),
            (951_782_400_000, "2000-02-29 00:00:00 UTC"),
            (1_709_251_199_999, "2024-02-29 23:59:59 UTC"),
            (1_798_761_599_000, "2026-12-31 23:59:59 UTC"),
        ];
        for (millis, expected) in cases {
            assert_eq!(exact(Timestamp::from_millis(millis)), expected, "{millis}");
        }
        let far = exact(Timestamp::from_millis(i64::MAX));
        assert!(far.ends_with(" UTC"), "{far}");
    }

    #[test]
    fn ago_words_each_boundary() {
        let cases = [
            (0, "just now"),
            (59 * SECOND, "just now"),
            (MINUTE - 1, "just now"),
            (MINUTE, "1 min ago"),
            (2 * MINUTE - 1, "1 min ago"),
            (5 * MINUTE, "5 min ago"),
            (HOUR - SECOND, "59 min ago"),
            (HOUR - 1, "59 min ago"),
            (HOUR, "1 h ago"),
            (3 * HOUR + 59 * MINUTE, "3 h ago"),
            (36 * HOUR, "36 h ago"),
            (47 * HOUR, "47 h ago"),
            (2 * DAY - 1, "47 h ago"),
            (48 * HOUR, "2 days ago"),
            (3 * DAY - 1, "2 days ago"),
            (400 * DAY, "400 days ago"),
        ];
        for (elapsed, expected) in cases {
            assert_eq!(ago(before_now(elapsed), NOW), expected, "{elapsed} ms ago");
        }
    }

    #[test]
    fn ago_reads_just_now_for_a_time_in_the_future() {
        assert_eq!(ago(after_now(SECOND), NOW), "just now");
        assert_eq!(ago(after_now(3 * DAY), NOW), "just now");
    }

    #[test]
    fn ago_survives_extreme_timestamps() {
        let (min, max) = (
            Timestamp::from_millis(i64::MIN),
            Timestamp::from_millis(i64::MAX),
        );
        assert!(ago(min, max).ends_with(" days ago"));
        assert_eq!(ago(max, min), "just now");
    }

    #[test]
    fn remaining_words_each_boundary() {
        let cases = [
            (1, "in under a minute"),
            (59 * SECOND, "in under a minute"),
            (MINUTE - 1, "in under a minute"),
            (MINUTE, "in 1 min"),
            (5 * MINUTE + 59 * SECOND, "in 5 min"),
            (HOUR - SECOND, "in 59 min"),
            (HOUR, "in 1 h"),
            (HOUR + 59 * SECOND, "in 1 h"),
            (HOUR + 20 * MINUTE, "in 1 h 20 min"),
            (DAY - 1, "in 23 h 59 min"),
            (DAY, "in 1 day"),
            (47 * HOUR, "in 1 day"),
            (48 * HOUR, "in 2 days"),
            (3 * DAY + 5 * HOUR, "in 3 days"),
        ];
        for (left, expected) in cases {
            assert_eq!(remaining(after_now(left), NOW), expected, "{left} ms left");
        }
    }

    #[test]
    fn remaining_reads_ended_at_and_past_the_end() {
        assert_eq!(remaining(NOW, NOW), "ended");
        assert_eq!(remaining(before_now(1), NOW), "ended");
        assert_eq!(remaining(before_now(5 * DAY), NOW), "ended");
    }

    #[test]
    fn remaining_survives_extreme_timestamps() {
        let (min, max) = (
            Timestamp::from_millis(i64::MIN),
            Timestamp::from_millis(i64::MAX),
        );
        assert!(remaining(max, min).ends_with(" days"));
        assert_eq!(remaining(min, max), "ended");
    }

    #[test]
    fn countdown_shows_minutes_and_seconds_under_an_hour() {
        let cases = [
            (1, "0:01"),
            (SECOND - 1, "0:01"),
            (SECOND, "0:01"),
            (SECOND + 1, "0:02"),
            (7 * SECOND, "0:07"),
            (59 * SECOND, "0:59"),
            (MINUTE, "1:00"),
            (4 * MINUTE + 59 * SECOND, "4:59"),
            (5 * MINUTE - 500, "5:00"),
            (HOUR - SECOND, "59:59"),
        ];
        for (left, expected) in cases {
            assert_eq!(countdown(after_now(left), NOW), expected, "{left} ms left");
        }
    }

    #[test]
    fn countdown_shows_hours_from_an_hour_up() {
        assert_eq!(countdown(after_now(HOUR - 1), NOW), "1:00:00");
        assert_eq!(countdown(after_now(HOUR), NOW), "1:00:00");
        assert_eq!(countdown(after_now(HOUR + SECOND), NOW), "1:00:01");
        assert_eq!(
            countdown(after_now(47 * HOUR + 5 * MINUTE), NOW),
            "47:05:00"
        );
    }

    #[test]
    fn countdown_reads_zero_at_and_past_the_end() {
        assert_eq!(countdown(NOW, NOW), "0:00");
        assert_eq!(countdown(before_now(1), NOW), "0:00");
        assert_eq!(countdown(before_now(DAY), NOW), "0:00");
    }

    #[test]
    fn countdown_survives_extreme_timestamps() {
        let (min, max) = (
            Timestamp::from_millis(i64::MIN),
            Timestamp::from_millis(i64::MAX),
        );
        assert!(!countdown(max, min).is_empty());
        assert_eq!(countdown(min, max), "0:00");
    }
}
