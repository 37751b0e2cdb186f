//! The account's members as its owner (and the operator) see them: who
//! is signed in, the list with their activity, and who owns the account.

use api::{AccountId, Me, Role, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::columns::{MaybeMillis, Millis, Stored};
use super::query::{all, execute, ids, select};
use super::sql::{UserColumns, live_at, usable_at, user_columns, with_account};
use crate::AuthError;

/// A user of the account with live sessions, and their latest activity.
#[derive(FromRow)]
pub(crate) struct ActiveMember {
    #[sqlx(rename = "id", try_from = "Stored")]
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    #[sqlx(try_from = "Millis")]
    pub last_active_at: Timestamp,
}

/// Users of the account with at least one live session, most recently active first.
pub(crate) async fn active_users(
    pool: &AnyPool,
    account_id: &AccountId,
    now: Timestamp,
) -> Result<Vec<ActiveMember>, AuthError> {
    let sql = concat!(
        "SELECT u.id, u.name, u.email, MAX(s.last_seen_at) AS last_active_at \
         FROM users u JOIN sessions s ON s.user_id = u.id \
         WHERE u.account_id = $1 AND ",
        live_at!("s.", "$2"),
        " GROUP BY u.id, u.name, u.email \
         ORDER BY last_active_at DESC, u.id"
    );
    all(pool, sql, &[account_id.into(), now.into()]).await
}

/// A user with what the owner's and the operator's lists show of them.
#[derive(FromRow)]
pub(crate) struct StoredMember {
    #[sqlx(flatten, try_from = "UserColumns")]
    pub me: Me,
    #[sqlx(rename = "created_at", try_from = "Millis")]
    pub added_at: Timestamp,
    #[sqlx(try_from = "MaybeMillis")]
    pub last_active_at: Option<Timestamp>,
    #[sqlx(try_from = "i64")]
    pub live_sessions: u64,
    #[sqlx(try_from = "i64")]
    pub bound_sessions: u64,
    #[sqlx(try_from = "i64")]
    pub usable_tokens: u64,
    /// When their authenticator app was set up; `None` without one.
    #[sqlx(try_from = "MaybeMillis")]
    pub totp_since: Option<Timestamp>,
}

/// Users with their activity at `$1`, filtered by `$where` and sorted by
/// `$order`.
macro_rules! select_members {
    ($where:literal, $order:literal) => {
        concat!(
            "SELECT ",
            user_columns!(),
            ", u.created_at, \
             (SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.user_id = u.id AND ",
            live_at!("s.", "$1"),
            ") AS last_active_at, \
             (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND ",
            live_at!("s.", "$1"),
            ") AS live_sessions, \
             (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.bound_at IS NOT NULL AND ",
            live_at!("s.", "$1"),
            ") AS bound_sessions, \
             (SELECT COUNT(*) FROM api_tokens t WHERE t.user_id = u.id AND ",
            usable_at!("t.", "$1"),
            ") AS usable_tokens, \
             (SELECT f.confirmed_at FROM totp_factors f WHERE f.user_id = u.id) AS totp_since \
             FROM users u ",
            with_account!(),
            " ",
            $where,
            " ORDER BY ",
            $order
        )
    };
}

/// Every user of the account, owner first, then by name, with their live
/// sessions and usable API tokens at `now`.
pub(crate) async fn list(
    pool: &AnyPool,
    account_id: &AccountId,
    now: Timestamp,
) -> Result<Vec<StoredMember>, AuthError> {
    let sql = select_members!(
        "WHERE u.account_id = $2",
        "CASE u.role WHEN 'owner' THEN 0 ELSE 1 END, u.name, u.email"
    );
    all(pool, sql, &[now.into(), account_id.into()]).await
}

/// Every user of every account, by account and then email, the same way.
pub(crate) async fn list_all(
    pool: &AnyPool,
    now: Timestamp,
) -> Result<Vec<StoredMember>, AuthError> {
    let sql = select_members!("", "a.name, u.email");
    all(pool, sql, &[now.into()]).await
}

/// How many owners the account has.
pub(crate) async fn count_owners(
    conn: &mut AnyConnection,
    account_id: &AccountId,
) -> Result<i64, AuthError> {
    let sql = "SELECT COUNT(*) FROM users WHERE account_id = $1 AND role = 'owner'";
    let (owners,): (i64,) = select(sql, &[account_id.into()])?.fetch_one(conn).await?;
    Ok(owners)
}

pub(crate) async fn set_role(
    conn: &mut AnyConnection,
    user_id: &UserId,
    role: Role,
) -> Result<(), AuthError> {
    let sql = "UPDATE users SET role = $1 WHERE id = $2";
    execute(conn, sql, &[role.into(), user_id.into()]).await?;
    Ok(())
}

/// Makes the user the account's only owner; returns the owners until now,
/// who are members from now on.
pub(crate) async fn make_owner(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    user_id: &UserId,
) -> Result<Vec<UserId>, AuthError> {
    let values = [account_id.into(), user_id.into()];
    let demote = "UPDATE users SET role = 'member' \
                  WHERE account_id = $1 AND role = 'owner' AND id <> $2 RETURNING id";
    let demoted = ids(&mut *conn, demote, &values).await?;
    let promote = "UPDATE users SET role = 'owner' WHERE account_id = $1 AND id = $2";
    execute(&mut *conn, promote, &values).await?;
    Ok(demoted)
}
