//! Accounts in storage: the account itself, its session policy, whether
//! it requires a second factor, and its row lock.

use api::{AccountId, DisplayName, SessionPolicy, Timestamp};
use sqlx::{AnyConnection, FromRow};

use super::columns::MaybeMillis;
use super::query::{execute, select};
use crate::AuthError;
use crate::error::corrupt;

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    id: &AccountId,
    name: &DisplayName,
    now: Timestamp,
) -> Result<(), AuthError> {
    let sql = "INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)";
    execute(conn, sql, &[id.into(), name.into(), now.into()]).await?;
    Ok(())
}

/// Locks the account's row until the transaction ends, so that changes to
/// who owns it happen one after the other (see [`super::users::lock`]).
pub(crate) async fn lock(
    conn: &mut AnyConnection,
    account_id: &AccountId,
) -> Result<(), AuthError> {
    let sql = "UPDATE accounts SET id = id WHERE id = $1";
    execute(conn, sql, &[account_id.into()]).await?;
    Ok(())
}

/// The account's policy as stored: its override (`None` when there is
/// none) and since when it requires a second factor (`None` when it does
/// not).
#[derive(FromRow)]
pub(crate) struct StoredPolicy {
    #[sqlx(flatten, try_from = "PolicyColumns")]
    pub policy_override: Option<SessionPolicy>,
    /// The shorter limits for sessions not bound to their device.
    #[sqlx(flatten, try_from = "UnboundColumns")]
    pub unbound: Option<SessionPolicy>,
    #[sqlx(rename = "second_factor_required_at", try_from = "MaybeMillis")]
    pub second_factor_required_since: Option<Timestamp>,
}

/// The account's policy, read in one query: every page of the security
/// settings shows it, some twice.
pub(crate) async fn policy(
    conn: &mut AnyConnection,
    account_id: &AccountId,
) -> Result<StoredPolicy, AuthError> {
    let sql = "SELECT idle_timeout_min, absolute_timeout_min, unbound_idle_timeout_min, \
                 unbound_absolute_timeout_min, second_factor_required_at \
               FROM accounts WHERE id = $1";
    Ok(select(sql, &[account_id.into()])?.fetch_one(conn).await?)
}

/// The columns of an account's policy override, read as one.
#[derive(FromRow)]
pub(super) struct PolicyColumns {
    idle_timeout_min: Option<i64>,
    absolute_timeout_min: Option<i64>,
}

impl TryFrom<PolicyColumns> for Option<SessionPolicy> {
    type Error = AuthError;

    fn try_from(policy: PolicyColumns) -> Result<Self, AuthError> {
        stored_policy(policy.idle_timeout_min, policy.absolute_timeout_min)
    }
}

/// The columns of an account's limits for sessions not bound to their
/// device, read as one.
#[derive(FromRow)]
pub(super) struct UnboundColumns {
    unbound_idle_timeout_min: Option<i64>,
    unbound_absolute_timeout_min: Option<i64>,
}

impl TryFrom<UnboundColumns> for Option<SessionPolicy> {
    type Error = AuthError;

    fn try_from(policy: UnboundColumns) -> Result<Self, AuthError> {
        stored_policy(
            policy.unbound_idle_timeout_min,
            policy.unbound_absolute_timeout_min,
        )
    }
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
    policy: Option<SessionPolicy>,
) -> Result<(), AuthError> {
    let sql = "UPDATE accounts SET idle_timeout_min = $1, absolute_timeout_min = $2 WHERE id = $3";
    let values = [
        policy.map(|p| i64::from(p.idle_minutes())).into(),
        policy.map(|p| i64::from(p.absolute_minutes())).into(),
        account_id.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// Sets the account's limits for sessions not bound to their device, or,
/// with `None`, gives them the same as the others.
pub(crate) async fn set_unbound_policy(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    policy: Option<SessionPolicy>,
) -> Result<(), AuthError> {
    let sql = "UPDATE accounts SET unbound_idle_timeout_min = $1, \
                 unbound_absolute_timeout_min = $2 WHERE id = $3";
    let values = [
        policy.map(|p| i64::from(p.idle_minutes())).into(),
        policy.map(|p| i64::from(p.absolute_minutes())).into(),
        account_id.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// Since when the account requires a second factor; `None` when it does not.
pub(crate) async fn second_factor_required_since(
    conn: &mut AnyConnection,
    account_id: &AccountId,
) -> Result<Option<Timestamp>, AuthError> {
    let sql = "SELECT second_factor_required_at FROM accounts WHERE id = $1";
    let (since,): (Option<i64>,) = select(sql, &[account_id.into()])?.fetch_one(conn).await?;
    Ok(since.map(Timestamp::from_millis))
}

/// Requires a second factor in the account from `since` on, or, with
/// `None`, no longer.
pub(crate) async fn set_second_factor_required(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    since: Option<Timestamp>,
) -> Result<(), AuthError> {
    let sql = "UPDATE accounts SET second_factor_required_at = $1 WHERE id = $2";
    execute(conn, sql, &[since.into(), account_id.into()]).await?;
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
