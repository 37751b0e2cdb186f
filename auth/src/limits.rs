//! Rate limits on signing in and up, per client IP and per email, so
//! passwords cannot be guessed quickly and password hashing cannot be used
//! to exhaust the server. Built on governor's keyed GCRA limiters.

use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::time::Duration;

use api::{ApiError, EmailAddress};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::{AuthError, ClientMeta};

/// Sign-in attempts a minute from one address, by default.
pub const DEFAULT_ATTEMPTS_PER_IP_MINUTE: NonZeroU32 = NonZeroU32::new(30).unwrap();

/// Sign-in attempts an hour for one email, by default: with the burst, at
/// most 65 in any hour (OWASP ASVS V2.2.1 asks for no more than 100).
pub const DEFAULT_ATTEMPTS_PER_EMAIL_HOUR: NonZeroU32 = NonZeroU32::new(60).unwrap();

/// One email may use this share of its hourly attempts at once (five of
/// the default sixty); the rest come one by one as time passes.
const EMAIL_BURST_DIVISOR: u32 = 12;

/// The longest valid email (RFC 5321 path limit), as `api` enforces it in
/// `EmailAddress::parse`; no key in the per-email store is longer.
const EMAIL_KEY_MAX_CHARS: usize = 254;

type Limiter<K, C> =
    RateLimiter<K, DefaultKeyedStateStore<K>, C, NoOpMiddleware<<C as Clock>::Instant>>;

pub struct SignInLimits<C: Clock + Clone = DefaultClock> {
    per_ip: Limiter<IpAddr, C>,
    per_email: Limiter<String, C>,
    clock: C,
}

impl SignInLimits {
    /// Allows `per_ip_minute` attempts a minute from one address, as a burst
    /// that refills evenly, and `per_email_hour` an hour for one email, of
    /// which a twelfth at once.
    pub fn new(per_ip_minute: NonZeroU32, per_email_hour: NonZeroU32) -> Self {
        Self::with_clock(per_ip_minute, per_email_hour, DefaultClock::default())
    }
}

impl<C: Clock + Clone> SignInLimits<C> {
    fn with_clock(per_ip_minute: NonZeroU32, per_email_hour: NonZeroU32, clock: C) -> Self {
        let email_burst =
            NonZeroU32::new(per_email_hour.get() / EMAIL_BURST_DIVISOR).unwrap_or(NonZeroU32::MIN);
        Self {
            per_ip: keyed(Quota::per_minute(per_ip_minute), &clock),
            per_email: keyed(
                Quota::per_hour(per_email_hour).allow_burst(email_burst),
                &clock,
            ),
            clock,
        }
    }

    /// Counts an attempt; `Err` holds how long to wait before the next one.
    pub fn check(&self, ip: Option<IpAddr>, email: Option<&str>) -> Result<(), Duration> {
        let now = self.clock.now();
        if let Some(ip) = ip {
            self.per_ip
                .check_key(&limit_key(ip))
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        if let Some(email) = email {
            let key = email_key(email);
            self.per_email
                .check_key(&key)
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        Ok(())
    }

    /// Counts a password attempt from `meta`'s address, for `email` when
    /// one is known (signing in, or entering the password again).
    pub(crate) fn check_attempt(
        &self,
        meta: &ClientMeta,
        email: Option<&str>,
    ) -> Result<(), AuthError> {
        let ip = meta.ip.as_deref().and_then(|ip| ip.parse().ok());
        self.check(ip, email)
            .map_err(|wait| AuthError::Rejected(ApiError::too_many_attempts(wait)))
    }

    /// Forgets keys that are back to a full allowance (call periodically).
    pub fn forget_idle_keys(&self) {
        self.per_ip.retain_recent();
        self.per_email.retain_recent();
        self.per_ip.shrink_to_fit();
        self.per_email.shrink_to_fit();
    }
}

/// The key a client address is limited by: here for signing in, and in
/// the server for live connections. An IPv6 user is normally given a whole
/// /64 and can pick any address in it, so a per-address limit would be no
/// limit: the /64 network is the key. An IPv4-mapped address
/// (`::ffff:a.b.c.d`, as a dual-stack socket reports IPv4 peers) is the IPv4
/// client `a.b.c.d` and shares its allowance.
#[must_use]
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

/// The per-email key for what the client sent as its email. A valid email
/// is keyed in the canonical form accounts are looked up by (trimmed,
/// lowercased, NFC), so spelling one address several ways does not give it
/// several allowances. Anything else is still limited, but its key is cut to
/// the longest valid email: one client cannot make the store hold megabytes.
/// Cutting rather than hashing keeps keys readable when debugging, and the
/// only keys that can collide are invalid emails, which match no account.
fn email_key(email: &str) -> String {
    match EmailAddress::parse(email) {
        Ok(valid) => valid.as_str().to_owned(),
        Err(_) => email
            .trim()
            .chars()
            .flat_map(char::to_lowercase)
            .take(EMAIL_KEY_MAX_CHARS)
            .collect(),
    }
}

fn keyed<K: Hash + Eq + Clone, C: Clock + Clone>(quota: Quota, clock: &C) -> Limiter<K, C> {
    RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone())
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    fn limits(per_ip: u32, per_email: u32) -> SignInLimits<FakeRelativeClock> {
        SignInLimits::with_clock(
            NonZeroU32::new(per_ip).unwrap(),
            NonZeroU32::new(per_email).unwrap(),
            FakeRelativeClock::default(),
        )
    }

    #[test]
    fn an_email_gets_its_burst_then_waits() {
        let limits = limits(100, 60);
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..5 {
            assert!(limits.check(ip, Some("ada@example.com")).is_ok());
        }
        let wait = limits.check(ip, Some("ADA@example.com ")).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_mins(1),
            "{wait:?}"
        );
        assert!(limits.check(ip, Some("bob@example.com")).is_ok());
        limits.clock.advance(wait);
        assert!(limits.check(ip, Some("ada@example.com")).is_ok());
    }

    #[test]
    fn an_address_gets_its_burst_across_emails() {
        let limits = limits(2, 100);
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        assert!(limits.check(ip, Some("a@x.io")).is_ok());
        assert!(limits.check(ip, Some("b@x.io")).is_ok());
        assert!(limits.check(ip, Some("c@x.io")).is_err());
        assert!(
            limits
                .check(Some(IpAddr::from([10, 0, 0, 2])), Some("c@x.io"))
                .is_ok()
        );
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_64_network() {
        let limits = limits(2, 100);
        let address = |text: &str| Some(text.parse::<IpAddr>().unwrap());
        assert!(limits.check(address("2001:db8:1:2::1"), None).is_ok());
        assert!(
            limits
                .check(address("2001:db8:1:2:ffff:ffff:ffff:ffff"), None)
                .is_ok()
        );
        assert!(limits.check(address("2001:db8:1:2::3"), None).is_err());
        assert!(limits.check(address("2001:db8:1:3::1"), None).is_ok());
    }

    #[test]
    fn the_limit_key_of_an_ipv6_address_is_its_64_network() {
        let key = limit_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().unwrap());
        assert_eq!(key, "2001:db8:1:2::".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn an_ipv4_mapped_address_is_limited_as_its_ipv4_address() {
        assert_eq!(
            limit_key("::ffff:203.0.113.7".parse().unwrap()),
            IpAddr::from([203, 0, 113, 7])
        );
        assert_eq!(
            limit_key(IpAddr::from([203, 0, 113, 7])),
            IpAddr::from([203, 0, 113, 7])
        );
        let limits = limits(1, 100);
        assert!(
            limits
                .check(Some(IpAddr::from([203, 0, 113, 7])), None)
                .is_ok()
        );
        assert!(
            limits
                .check(Some("::ffff:203.0.113.7".parse().unwrap()), None)
                .is_err()
        );
    }

    #[test]
    fn an_overlong_email_is_keyed_by_at_most_the_longest_valid_email() {
        let huge = format!("{}@example.com", "a".repeat(1_000_000));
        assert_eq!(email_key(&huge).chars().count(), EMAIL_KEY_MAX_CHARS);
        let limits = limits(100, 12);
        assert!(limits.check(None, Some(&huge)).is_ok());
        assert!(limits.check(None, Some(&format!("{huge}x"))).is_err());
    }

    #[test]
    fn one_email_spelt_with_a_composed_or_decomposed_accent_shares_a_limit() {
        let limits = limits(100, 12);
        assert!(limits.check(None, Some("ren\u{e9}@example.com")).is_ok());
        assert!(limits.check(None, Some("Rene\u{301}@example.com")).is_err());
    }

    /// ASVS V2.2.1: no more than 100 failed attempts an hour on one account,
    /// with the defaults, from any number of addresses, however they are
    /// spread over the hour.
    #[test]
    fn the_defaults_allow_at_most_100_attempts_an_hour_on_one_email() {
        let limits = SignInLimits::with_clock(
            DEFAULT_ATTEMPTS_PER_IP_MINUTE,
            DEFAULT_ATTEMPTS_PER_EMAIL_HOUR,
            FakeRelativeClock::default(),
        );
        let mut allowed = 0;
        for second in 0..3600u32 {
            let ip = Some(IpAddr::from(second.to_be_bytes()));
            if limits.check(ip, Some("ada@example.com")).is_ok() {
                allowed += 1;
            }
            limits.clock.advance(Duration::from_secs(1));
        }
        assert!(allowed <= 100, "{allowed} attempts in an hour");
        assert!(
            allowed >= 50,
            "a person who mistypes is not locked out: {allowed}"
        );
    }
}
