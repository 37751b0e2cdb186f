//! The SQL the stores share, written once: the conditions for a live
//! session and a usable API token, whose rows a revoke ends (the users of
//! an account, those of them without a second factor), and the columns
//! that say whose a row is.

use api::{AccountId, Me, Role, UserId};
use sqlx::FromRow;

use super::columns::Stored;

/// The condition for a live session (not revoked, neither end reached) at
/// the time bound as `$now`, on the columns of `sessions` prefixed with
/// `$table` (an alias and a dot, or nothing).
macro_rules! live_at {
    ($table:literal, $now:literal) => {
        concat!(
            $table,
            "revoked_at IS NULL AND ",
            $table,
            "last_seen_at + ",
            $table,
            "idle_timeout_ms > ",
            $now,
            " AND ",
            $table,
            "created_at + ",
            $table,
            "absolute_timeout_ms > ",
            $now
        )
    };
}
pub(super) use live_at;

/// The condition for a usable API token (neither revoked nor expired) at
/// the time bound as `$now`, on the columns of `api_tokens` prefixed with
/// `$table` (an alias and a dot, or nothing).
macro_rules! usable_at {
    ($table:literal, $now:literal) => {
        concat!(
            $table,
            "revoked_at IS NULL AND (",
            $table,
            "expires_at IS NULL OR ",
            $table,
            "expires_at > ",
            $now,
            ")"
        )
    };
}
pub(super) use usable_at;

/// The ids of the users of the account bound as `$account`.
macro_rules! users_of {
    ($account:literal) => {
        concat!("SELECT id FROM users WHERE account_id = ", $account)
    };
}
pub(super) use users_of;

/// The ids of the account's users (the account bound as `$account`) who
/// have no second factor: no confirmed authenticator app and no passkey.
macro_rules! without_second_factor {
    ($account:literal) => {
        concat!(
            "SELECT u.id FROM users u WHERE u.account_id = ",
            $account,
            " AND NOT EXISTS (SELECT 1 FROM totp_factors f WHERE f.user_id = u.id \
             AND f.confirmed_at IS NOT NULL) \
             AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id)"
        )
    };
}
pub(super) use without_second_factor;

/// Whose live sessions, or usable API tokens, a revoke ends.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Whose<'a> {
    User(&'a UserId),
    Account(&'a AccountId),
    /// The users of the account with no second factor.
    WithoutSecondFactor(&'a AccountId),
    Everyone,
}

/// The statement `concat!($before, condition, $after...)` for `$whose`,
/// its condition on `user_id` with the user or account bound as `$3`, and
/// the value to bind there (nothing for everyone).
macro_rules! for_whose {
    ($whose:expr, $before:expr, $($after:expr),+ $(,)?) => {{
        use $crate::store::sql::{Whose, users_of, without_second_factor};
        match $whose {
            Whose::User(user_id) => (concat!($before, "user_id = $3", $($after),+), user_id.into()),
            Whose::Account(account_id) => (
                concat!($before, "user_id IN (", users_of!("$3"), ")", $($after),+),
                account_id.into(),
            ),
            Whose::WithoutSecondFactor(account_id) => (
                concat!($before, "user_id IN (", without_second_factor!("$3"), ")", $($after),+),
                account_id.into(),
            ),
            Whose::Everyone => (concat!($before, "$3 = ''", $($after),+), "".into()),
        }
    }};
}
pub(super) use for_whose;

/// The columns of [`UserColumns`], from `users u` joined with their
/// account as `a` (see [`with_account`]).
macro_rules! user_columns {
    () => {
        "u.id AS user_id, u.account_id, u.role, u.name, u.email, a.name AS account_name"
    };
}
pub(super) use user_columns;

/// Joins the account of `users u` as `a`.
macro_rules! with_account {
    () => {
        "JOIN accounts a ON a.id = u.account_id"
    };
}
pub(super) use with_account;

/// Who a row belongs to: a user's columns joined with their account's
/// name, as every query that resolves a caller selects them
/// ([`user_columns`]), read as [`Me`].
#[derive(FromRow)]
pub(super) struct UserColumns {
    #[sqlx(try_from = "Stored")]
    user_id: UserId,
    #[sqlx(try_from = "Stored")]
    account_id: AccountId,
    #[sqlx(try_from = "Stored")]
    role: Role,
    name: String,
    email: String,
    account_name: String,
}

impl From<UserColumns> for Me {
    fn from(user: UserColumns) -> Self {
        Me {
            user_id: user.user_id,
            account_id: user.account_id,
            role: user.role,
            name: user.name,
            email: user.email,
            account_name: user.account_name,
        }
    }
}
