//! Limits on the actions of a signed-in caller that hash a password
//! (adding a member, confirming the password before a sensitive action),
//! per user and per account. The sign-in limits count by address and
//! email; these make sure one account, whatever its credential (an
//! owner's API token needs no re-authentication), cannot keep the hashing
//! workers busy and make everyone else's sign-in wait.

use std::num::NonZeroU32;

use api::{AccountId, Me, UserId};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::AuthError;

/// Hashing actions a minute for one user, as a burst that refills evenly.
const PER_USER_MINUTE: NonZeroU32 = NonZeroU32::new(10).unwrap();
/// Hashing actions a minute for one account, all its users together.
const PER_ACCOUNT_MINUTE: NonZeroU32 = NonZeroU32::new(30).unwrap();

pub(crate) struct HashingLimits {
    per_user: DefaultKeyedRateLimiter<UserId>,
    per_account: DefaultKeyedRateLimiter<AccountId>,
}

impl HashingLimits {
    pub fn new() -> Self {
        Self {
            per_user: RateLimiter::keyed(Quota::per_minute(PER_USER_MINUTE)),
            per_account: RateLimiter::keyed(Quota::per_minute(PER_ACCOUNT_MINUTE)),
        }
    }

    /// Counts one hashing action of `me`, or says how long to wait.
    pub fn check(&self, me: &Me) -> Result<(), AuthError> {
        let now = DefaultClock::default().now();
        self.per_user
            .check_key(&me.user_id)
            .and_then(|()| self.per_account.check_key(&me.account_id))
            .map_err(|not_until| {
                AuthError::Rejected(api::ApiError::too_many_attempts(
                    not_until.wait_time_from(now),
                ))
            })
    }

    /// Forgets keys that are back to a full allowance (call periodically).
    pub fn forget_idle_keys(&self) {
        self.per_user.retain_recent();
        self.per_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use api::Role;

    use super::*;

    fn user(user: u8, account: u8) -> Me {
        Me {
            user_id: UserId::from_random_bytes([user; 16]),
            name: "Ada".into(),
            email: "ada@example.com".into(),
            role: Role::Owner,
            account_id: AccountId::from_random_bytes([account; 16]),
            account_name: "Acme".into(),
        }
    }

    #[test]
    fn one_user_gets_ten_then_waits_and_others_go_on() {
        let limits = HashingLimits::new();
        for _ in 0..10 {
            assert!(limits.check(&user(1, 1)).is_ok());
        }
        assert!(matches!(
            limits.check(&user(1, 1)),
            Err(AuthError::Rejected(refusal)) if refusal.code == api::ErrorCode::RateLimited
        ));
        assert!(limits.check(&user(2, 1)).is_ok());
    }

    #[test]
    fn one_account_gets_thirty_across_its_users() {
        let limits = HashingLimits::new();
        for n in 0..30u8 {
            assert!(limits.check(&user(n / 10, 7)).is_ok());
        }
        assert!(limits.check(&user(9, 7)).is_err());
        assert!(limits.check(&user(9, 8)).is_ok(), "another account");
    }
}
