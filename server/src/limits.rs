//! Rate limits on signing in and up, per client IP and per email, so
//! passwords cannot be guessed quickly and password hashing cannot be used
//! to exhaust the server. Built on governor's keyed GCRA limiters.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub struct SignInLimits {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_email: DefaultKeyedRateLimiter<String>,
}

impl SignInLimits {
    /// Allows `per_ip` attempts a minute from one address and `per_email`
    /// a minute for one email, each as a burst that refills evenly.
    pub fn new(per_ip: NonZeroU32, per_email: NonZeroU32) -> Self {
        Self {
            per_ip: RateLimiter::keyed(Quota::per_minute(per_ip)),
            per_email: RateLimiter::keyed(Quota::per_minute(per_email)),
        }
    }

    /// Counts an attempt; `Err` holds how long to wait before the next one.
    pub fn check(&self, ip: Option<IpAddr>, email: Option<&str>) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        if let Some(ip) = ip {
            self.per_ip
                .check_key(&ip)
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        if let Some(email) = email {
            let key = email.trim().to_lowercase();
            self.per_email
                .check_key(&key)
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        Ok(())
    }

    /// Forgets keys that are back to a full allowance (call periodically).
    pub fn forget_idle_keys(&self) {
        self.per_ip.retain_recent();
        self.per_email.retain_recent();
        self.per_ip.shrink_to_fit();
        self.per_email.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_ip: u32, per_email: u32) -> SignInLimits {
        SignInLimits::new(
            NonZeroU32::new(per_ip).unwrap(),
            NonZeroU32::new(per_email).unwrap(),
        )
    }

    #[test]
    fn an_email_gets_its_burst_then_waits() {
        let limits = limits(100, 3);
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..3 {
            assert!(limits.check(ip, Some("ada@example.com")).is_ok());
        }
        let wait = limits.check(ip, Some("ADA@example.com ")).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limits.check(ip, Some("bob@example.com")).is_ok());
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
}
