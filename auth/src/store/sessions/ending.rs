//! Sessions ended: revoked (one of the user's own, or every live one of
//! someone), evicted past the cap, shortened to a tighter policy,
//! deleted at sign-out, and cleaned up once ended long enough.

use api::{AccountId, RevokeReason, SessionId, Timestamp, UserId};
use sqlx::AnyConnection;

use super::read::SessionPlace;
use crate::AuthError;
use crate::store::Whose;
use crate::store::query::{execute, ids, select};
use crate::store::sql::{for_whose, live_at, users_of};

/// Revokes every live session of `whose` except `keep`; returns their ids.
pub(crate) async fn revoke_live(
    conn: &mut AnyConnection,
    whose: Whose<'_>,
    keep: Option<&SessionId>,
    reason: RevokeReason,
    now: Timestamp,
) -> Result<Vec<SessionId>, AuthError> {
    let (sql, owner) = for_whose!(
        whose,
        "UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE ",
        " AND session_id <> $4 AND ",
        live_at!("", "$1"),
        " RETURNING session_id"
    );
    let keep = keep.map_or("", SessionId::as_str);
    ids(conn, sql, &[now.into(), reason.into(), owner, keep.into()]).await
}

/// Revokes one of the user's sessions; `None` when the user has no such
/// session not revoked yet (whether or not it exists for someone else).
pub(crate) async fn revoke(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    user_id: &UserId,
    reason: RevokeReason,
    now: Timestamp,
) -> Result<Option<SessionPlace>, AuthError> {
    let sql = "UPDATE sessions SET revoked_at = $1, revoke_reason = $2 \
               WHERE session_id = $3 AND user_id = $4 AND revoked_at IS NULL \
               RETURNING user_agent, ip";
    let values = [now.into(), reason.into(), session_id.into(), user_id.into()];
    Ok(select(sql, &values)?.fetch_optional(conn).await?)
}

/// Ends the user's oldest live sessions so at most `cap` remain, and returns
/// the ended ids. Run it in the sign-in transaction, after the insert.
pub(crate) async fn enforce_cap(
    conn: &mut AnyConnection,
    user_id: &UserId,
    cap: usize,
    now: Timestamp,
) -> Result<Vec<SessionId>, AuthError> {
    let sql = concat!(
        "SELECT session_id FROM sessions WHERE user_id = $1 AND ",
        live_at!("", "$2"),
        " ORDER BY created_at DESC, session_id DESC"
    );
    let live: Vec<SessionId> = ids(&mut *conn, sql, &[user_id.into(), now.into()]).await?;
    let mut evicted = Vec::new();
    for id in live.into_iter().skip(cap) {
        if revoke(&mut *conn, &id, user_id, RevokeReason::SessionCap, now)
            .await?
            .is_some()
        {
            evicted.push(id);
        }
    }
    Ok(evicted)
}

/// The statement that shortens an account's live sessions (`$3`) to at
/// most `$1` idle and `$2` in all, for those `$and` also picks.
macro_rules! shorten_sql {
    ($and:literal) => {
        concat!(
            "UPDATE sessions SET \
               idle_timeout_ms = CASE WHEN idle_timeout_ms > $1 THEN $1 ELSE idle_timeout_ms END, \
               absolute_timeout_ms = CASE WHEN absolute_timeout_ms > $2 THEN $2 ELSE absolute_timeout_ms END \
             WHERE revoked_at IS NULL AND (idle_timeout_ms > $1 OR absolute_timeout_ms > $2)",
            $and,
            " AND user_id IN (",
            users_of!("$3"),
            ")"
        )
    };
}

/// Shortens the live sessions of an account (`which` of them) to at most
/// these timeouts. Never lengthens one. Returns how many changed.
pub(crate) async fn shorten_for_account(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    which: Bound,
    idle_timeout: std::time::Duration,
    absolute_timeout: std::time::Duration,
) -> Result<u64, AuthError> {
    let sql = match which {
        Bound::Either => shorten_sql!(""),
        Bound::NotBound => shorten_sql!(" AND device_key IS NULL"),
    };
    let values = [
        api::millis(idle_timeout).into(),
        api::millis(absolute_timeout).into(),
        account_id.into(),
    ];
    execute(conn, sql, &values).await
}

/// Sets a live session's timeouts: a session bound to its device gets the
/// account's policy in place of the shorter limits it opened with.
pub(crate) async fn set_timeouts(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    idle_timeout: std::time::Duration,
    absolute_timeout: std::time::Duration,
) -> Result<(), AuthError> {
    let sql = "UPDATE sessions SET idle_timeout_ms = $1, absolute_timeout_ms = $2 \
               WHERE session_id = $3 AND revoked_at IS NULL";
    let values = [
        api::millis(idle_timeout).into(),
        api::millis(absolute_timeout).into(),
        session_id.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// Which live sessions a change is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bound {
    /// Bound to their device or not.
    Either,
    /// Only those no browser bound to its device.
    NotBound,
}

/// Removes a session outright (sign-out: nothing about it is worth keeping).
pub(crate) async fn delete(
    conn: &mut AnyConnection,
    session_id: &SessionId,
) -> Result<bool, AuthError> {
    let sql = "DELETE FROM sessions WHERE session_id = $1";
    Ok(execute(conn, sql, &[session_id.into()]).await? > 0)
}

/// What a cleanup pass removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cleanup {
    pub sessions: u64,
    pub retired_tokens: u64,
    /// Sign-ins that waited for a second factor until they expired.
    pub challenges: u64,
    /// Challenges offered to devices (DBSC) and never signed in time.
    pub device_challenges: u64,
}

/// Deletes retired token hashes past their session's absolute end, and
/// sessions that ended (by time or revocation) more than `retention_ms` ago.
pub(crate) async fn delete_ended(
    conn: &mut AnyConnection,
    now: Timestamp,
    retention_ms: i64,
) -> Result<Cleanup, AuthError> {
    let sql = "DELETE FROM retired_session_tokens WHERE expires_at <= $1";
    let retired_tokens = execute(&mut *conn, sql, &[now.into()]).await?;
    let cutoff = now.plus_millis(-retention_ms);
    let sql = "DELETE FROM sessions WHERE created_at + absolute_timeout_ms <= $1 \
               OR last_seen_at + idle_timeout_ms <= $1 OR revoked_at <= $1";
    Ok(Cleanup {
        sessions: execute(conn, sql, &[cutoff.into()]).await?,
        retired_tokens,
        challenges: 0,
        device_challenges: 0,
    })
}
