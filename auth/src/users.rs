//! Accounts and users in storage.

use api::{AccountId, DisplayName, EmailAddress, Me, Role, SessionPolicy, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::AuthError;
use crate::error::{corrupt, is_unique_violation};

/// Who a row belongs to: a user's columns joined with their account's
/// name, as every query that resolves a caller selects them.
#[derive(Clone, FromRow)]
pub(crate) struct UserColumns {
    pub user_id: String,
    pub account_id: String,
    pub role: String,
    pub name: String,
    pub email: String,
    pub account_name: String,
}

impl UserColumns {
    /// The user as the API shows them; a malformed row is a storage fault.
    pub fn me(&self) -> Result<Me, AuthError> {
        Ok(Me {
            user_id: UserId::parse(&self.user_id).map_err(|_| corrupt("user id"))?,
            account_id: AccountId::parse(&self.account_id).map_err(|_| corrupt("account id"))?,
            role: Role::parse(&self.role).ok_or_else(|| corrupt("role"))?,
            name: self.name.clone(),
            email: self.email.clone(),
            account_name: self.account_name.clone(),
        })
    }
}

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
pub(crate) use without_second_factor;

/// A user row joined with its account, as sign-in needs it.
#[derive(FromRow)]
pub(crate) struct UserRow {
    #[sqlx(flatten)]
    pub user: UserColumns,
    pub password_hash: String,
    /// Set while the password is one the server's operator gave: read with
    /// the hash, so the two always agree.
    password_must_change_at: Option<i64>,
    idle_timeout_min: Option<i64>,
    absolute_timeout_min: Option<i64>,
}

impl UserRow {
    /// The policy override of the user's account.
    pub fn policy_override(&self) -> Result<Option<SessionPolicy>, AuthError> {
        stored_policy(self.idle_timeout_min, self.absolute_timeout_min)
    }

    /// Whether the user must choose a new password before any session
    /// opens: the server's operator reset theirs.
    pub fn password_must_change(&self) -> bool {
        self.password_must_change_at.is_some()
    }
}

macro_rules! select_user {
    ($where:literal) => {
        concat!(
            "SELECT u.id AS user_id, u.account_id, u.role, u.name, u.email, u.password_hash, \
             u.password_must_change_at, a.name AS account_name, a.idle_timeout_min, \
             a.absolute_timeout_min \
             FROM users u JOIN accounts a ON a.id = u.account_id ",
            $where
        )
    };
}

pub(crate) async fn find_by_email(
    pool: &AnyPool,
    email: &EmailAddress,
) -> Result<Option<UserRow>, AuthError> {
    Ok(
        sqlx::query_as::<_, UserRow>(select_user!("WHERE u.email = $1"))
            .bind(email.as_str())
            .fetch_optional(pool)
            .await?,
    )
}

pub(crate) async fn find_by_id(pool: &AnyPool, id: &UserId) -> Result<Option<UserRow>, AuthError> {
    Ok(
        sqlx::query_as::<_, UserRow>(select_user!("WHERE u.id = $1"))
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?,
    )
}

/// Sets the user's password. `must_change_from` is when the server's
/// operator set it, for one the user must replace at their next sign-in;
/// `None` for one of their own, which ends that.
pub(crate) async fn set_password_hash(
    conn: &mut AnyConnection,
    id: &UserId,
    hash: &str,
    must_change_from: Option<Timestamp>,
) -> Result<(), AuthError> {
    sqlx::query("UPDATE users SET password_hash = $1, password_must_change_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(must_change_from.map(Timestamp::as_millis))
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the password the server's operator gave (`given_hash`) with one
/// of the user's own; `false`, and nothing changed, when their password is
/// no longer `given_hash` (the operator reset it again meanwhile).
pub(crate) async fn replace_given_password(
    conn: &mut AnyConnection,
    id: &UserId,
    given_hash: &str,
    own_hash: &str,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, password_must_change_at = NULL \
         WHERE id = $2 AND password_hash = $3 AND password_must_change_at IS NOT NULL",
    )
    .bind(own_hash)
    .bind(id.as_str())
    .bind(given_hash)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The account's policy as stored: its override (`None` when there is
/// none) and since when it requires a second factor (`None` when it does
/// not).
pub(crate) struct StoredPolicy {
    pub policy_override: Option<SessionPolicy>,
    pub second_factor_required_since: Option<Timestamp>,
}

/// The account's policy, read in one query: every page of the security
/// settings shows it, some twice.
pub(crate) async fn stored_account_policy(
    conn: &mut AnyConnection,
    account_id: &AccountId,
) -> Result<StoredPolicy, AuthError> {
    let (idle, absolute, required_at): (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT idle_timeout_min, absolute_timeout_min, second_factor_required_at \
         FROM accounts WHERE id = $1",
    )
    .bind(account_id.as_str())
    .fetch_one(conn)
    .await?;
    Ok(StoredPolicy {
        policy_override: stored_policy(idle, absolute)?,
        second_factor_required_since: required_at.map(Timestamp::from_millis),
    })
}

/// A policy override as stored, in minutes: both or neither, within
/// bounds; anything else is reported as corrupt.
fn stored_policy(
    idle: Option<i64>,
    absolute: Option<i64>,
) -> Result<Option<SessionPolicy>, AuthError> {
    match (idle, absolute) {
        (None, None) => Ok(None),
        (Some(idle), Some(absolute)) => SessionPolicy::new(idle, absolute)
            .map(Some)
            .map_err(|_| corrupt("session policy")),
        _ => Err(corrupt("session policy")),
    }
}

pub(crate) async fn set_policy_override(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    policy: Option<api::SessionPolicy>,
) -> Result<(), AuthError> {
    sqlx::query(
        "UPDATE accounts SET idle_timeout_min = $1, absolute_timeout_min = $2 WHERE id = $3",
    )
    .bind(policy.map(|p| i64::from(p.idle_minutes())))
    .bind(policy.map(|p| i64::from(p.absolute_minutes())))
    .bind(account_id.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// Since when the account requires a second factor; `None` when it does not.
pub(crate) async fn second_factor_required_since(
    conn: &mut AnyConnection,
    account_id: &AccountId,
) -> Result<Option<Timestamp>, AuthError> {
    let since: Option<i64> =
        sqlx::query_scalar("SELECT second_factor_required_at FROM accounts WHERE id = $1")
            .bind(account_id.as_str())
            .fetch_one(conn)
            .await?;
    Ok(since.map(Timestamp::from_millis))
}

/// Requires a second factor in the account from `since` on, or, with
/// `None`, no longer.
pub(crate) async fn set_second_factor_required(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    since: Option<Timestamp>,
) -> Result<(), AuthError> {
    sqlx::query("UPDATE accounts SET second_factor_required_at = $1 WHERE id = $2")
        .bind(since.map(Timestamp::as_millis))
        .bind(account_id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) struct NewUser<'a> {
    pub id: &'a UserId,
    pub account_id: &'a AccountId,
    pub role: Role,
    pub name: &'a DisplayName,
    pub email: &'a EmailAddress,
    pub password_hash: &'a str,
}

pub(crate) async fn insert_account(
    conn: &mut AnyConnection,
    id: &AccountId,
    name: &DisplayName,
    now: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query("INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(id.as_str())
        .bind(name.as_str())
        .bind(now.as_millis())
        .execute(conn)
        .await?;
    Ok(())
}

/// Inserts a user; a taken email is [`AuthError::EmailTaken`].
pub(crate) async fn insert_user(
    conn: &mut AnyConnection,
    user: &NewUser<'_>,
    now: Timestamp,
) -> Result<(), AuthError> {
    let result = sqlx::query(
        "INSERT INTO users (id, account_id, role, name, email, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user.id.as_str())
    .bind(user.account_id.as_str())
    .bind(user.role.as_str())
    .bind(user.name.as_str())
    .bind(user.email.as_str())
    .bind(user.password_hash)
    .bind(now.as_millis())
    .execute(conn)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(AuthError::EmailTaken),
        Err(e) => Err(e.into()),
    }
}

/// Records a sign-in. As the first write of the sign-in transaction it also
/// locks the user's row, so concurrent sign-ins of one user queue up and the
/// session cap holds.
/// Records a sign-in, but only while the user's password is still the one
/// that was verified (`verified_hash`); false when it changed meanwhile.
/// The update takes the user's row lock, so a password change cannot
/// commit between this check and the end of the sign-in's transaction.
pub(crate) async fn record_login(
    conn: &mut AnyConnection,
    id: &UserId,
    verified_hash: &str,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let done =
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2 AND password_hash = $3")
            .bind(now.as_millis())
            .bind(id.as_str())
            .bind(verified_hash)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// Locks the user's row until the transaction ends (a no-op update takes the
/// row lock on PostgreSQL; SQLite has one writer anyway).
pub(crate) async fn lock(conn: &mut AnyConnection, id: &UserId) -> Result<(), AuthError> {
    sqlx::query("UPDATE users SET id = id WHERE id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether any user exists (the demo account is made only on an empty database).
pub(crate) async fn any_exist(pool: &AnyPool) -> Result<bool, AuthError> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM users LIMIT 1")
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

/// Makes the user the account's only owner; returns the owners until now,
/// who are members from now on.
pub(crate) async fn make_owner(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    user_id: &UserId,
) -> Result<Vec<UserId>, AuthError> {
    let demoted: Vec<String> = sqlx::query_scalar(
        "UPDATE users SET role = 'member' WHERE account_id = $1 AND role = 'owner' AND id <> $2 \
         RETURNING id",
    )
    .bind(account_id.as_str())
    .bind(user_id.as_str())
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("UPDATE users SET role = 'owner' WHERE account_id = $1 AND id = $2")
        .bind(account_id.as_str())
        .bind(user_id.as_str())
        .execute(&mut *conn)
        .await?;
    demoted
        .iter()
        .map(|id| UserId::parse(id).map_err(|_| corrupt("user id")))
        .collect()
}

/// A user with what the owner's and the operator's lists show of them.
#[derive(FromRow)]
pub(crate) struct MemberRow {
    #[sqlx(flatten)]
    pub user: UserColumns,
    pub created_at: i64,
    pub last_active_at: Option<i64>,
    pub live_sessions: i64,
    pub usable_tokens: i64,
    /// When their authenticator app was set up; `None` without one.
    pub totp_since: Option<i64>,
}

/// Users with their activity at `$1`, filtered by `$where` and sorted by
/// `$order`.
macro_rules! select_members {
    ($where:literal, $order:literal) => {
        concat!(
            "SELECT u.id AS user_id, u.account_id, u.role, u.name, u.email, \
             a.name AS account_name, u.created_at, \
             (SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.user_id = u.id AND ",
            crate::sessions::live_at!("s.", "$1"),
            ") AS last_active_at, \
             (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND ",
            crate::sessions::live_at!("s.", "$1"),
            ") AS live_sessions, \
             (SELECT COUNT(*) FROM api_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL \
               AND (t.expires_at IS NULL OR t.expires_at > $1)) AS usable_tokens, \
             (SELECT f.confirmed_at FROM totp_factors f WHERE f.user_id = u.id) AS totp_since \
             FROM users u JOIN accounts a ON a.id = u.account_id ",
            $where,
            " ORDER BY ",
            $order
        )
    };
}

/// Every user of the account, owner first, then by name, with their live
/// sessions and usable API tokens at `now`.
pub(crate) async fn list_members(
    pool: &AnyPool,
    account_id: &AccountId,
    now: Timestamp,
) -> Result<Vec<MemberRow>, AuthError> {
    Ok(sqlx::query_as::<_, MemberRow>(select_members!(
        "WHERE u.account_id = $2",
        "CASE u.role WHEN 'owner' THEN 0 ELSE 1 END, u.name, u.email"
    ))
    .bind(now.as_millis())
    .bind(account_id.as_str())
    .fetch_all(pool)
    .await?)
}

/// Every user of every account, by account and then email, the same way.
pub(crate) async fn list_all(pool: &AnyPool, now: Timestamp) -> Result<Vec<MemberRow>, AuthError> {
    Ok(
        sqlx::query_as::<_, MemberRow>(select_members!("", "a.name, u.email"))
            .bind(now.as_millis())
            .fetch_all(pool)
            .await?,
    )
}

/// Locks the account's row until the transaction ends, so that changes to
/// who owns it happen one after the other (see [`lock`]).
pub(crate) async fn lock_account(
    conn: &mut AnyConnection,
    account_id: &AccountId,
) -> Result<(), AuthError> {
    sqlx::query("UPDATE accounts SET id = id WHERE id = $1")
        .bind(account_id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// The user, if they are in the account.
pub(crate) async fn find_in_account(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    user_id: &UserId,
) -> Result<Option<Me>, AuthError> {
    let row = sqlx::query_as::<_, UserRow>(select_user!("WHERE u.id = $1 AND u.account_id = $2"))
        .bind(user_id.as_str())
        .bind(account_id.as_str())
        .fetch_optional(conn)
        .await?;
    row.map(|row| row.user.me()).transpose()
}

/// How many owners the account has.
pub(crate) async fn count_owners(
    conn: &mut AnyConnection,
    account_id: &AccountId,
) -> Result<i64, AuthError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE account_id = $1 AND role = 'owner'")
            .bind(account_id.as_str())
            .fetch_one(conn)
            .await?,
    )
}

pub(crate) async fn set_role(
    conn: &mut AnyConnection,
    user_id: &UserId,
    role: Role,
) -> Result<(), AuthError> {
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(user_id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the user and, with them, their sessions, tokens and notices.
/// Their audit entries stay.
pub(crate) async fn delete(conn: &mut AnyConnection, user_id: &UserId) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_policy_is_both_minutes_or_neither_and_anything_else_is_reported() {
        assert_eq!(stored_policy(None, None).unwrap(), None);
        assert_eq!(
            stored_policy(Some(30), Some(600)).unwrap(),
            Some(SessionPolicy::new(30, 600).unwrap())
        );
        for (idle, absolute) in [(Some(30), None), (None, Some(600)), (Some(0), Some(600))] {
            assert!(
                matches!(stored_policy(idle, absolute), Err(AuthError::Storage(_))),
                "{idle:?} {absolute:?} was taken"
            );
        }
    }
}
