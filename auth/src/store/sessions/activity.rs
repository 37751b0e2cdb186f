//! What a session records as it lives: its start, its last activity, when
//! its user last entered their password, and the device it came from.

use api::{SessionId, SignInMethod, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool};

use crate::AuthError;
use crate::device::describe_device;
use crate::secret::TokenHash;
use crate::store::query::{execute, select};

/// What a new session row holds besides its user.
pub(crate) struct NewSessionRow<'a> {
    pub id: &'a SessionId,
    pub user_id: &'a UserId,
    pub token_hash: &'a TokenHash,
    pub idle_timeout_ms: i64,
    pub absolute_timeout_ms: i64,
    pub user_agent: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub method: SignInMethod,
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    row: &NewSessionRow<'_>,
    now: Timestamp,
) -> Result<(), AuthError> {
    let sql = "INSERT INTO sessions (session_id, user_id, token_hash, rotated_at, token_seen_at, \
               created_at, last_seen_at, idle_timeout_ms, absolute_timeout_ms, user_agent, ip, \
               signed_in_with) VALUES ($1, $2, $3, $4, $4, $4, $4, $5, $6, $7, $8, $9)";
    let values = [
        row.id.into(),
        row.user_id.into(),
        row.token_hash.into(),
        now.into(),
        row.idle_timeout_ms.into(),
        row.absolute_timeout_ms.into(),
        row.user_agent.into(),
        row.ip.into(),
        row.method.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// Moves `last_seen` forward (never back, never on a revoked session).
pub(crate) async fn touch(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    at: Timestamp,
) -> Result<(), AuthError> {
    let sql = "UPDATE sessions SET last_seen_at = $1 \
               WHERE session_id = $2 AND last_seen_at < $1 AND revoked_at IS NULL";
    execute(conn, sql, &[at.into(), session_id.into()]).await?;
    Ok(())
}

/// When the user last entered their password in this session: at sign-in,
/// or when they confirmed it since. `None` when there is no such session.
pub(crate) async fn password_entered_at(
    pool: &AnyPool,
    session_id: &SessionId,
) -> Result<Option<Timestamp>, AuthError> {
    let sql = "SELECT password_at, created_at FROM sessions WHERE session_id = $1";
    let row: Option<(Option<i64>, i64)> = select(sql, &[session_id.into()])?
        .fetch_optional(pool)
        .await?;
    Ok(row
        .map(|(password_at, created_at)| Timestamp::from_millis(password_at.unwrap_or(created_at))))
}

/// Records that the user just entered their password in this session.
pub(crate) async fn set_password_entered(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    now: Timestamp,
) -> Result<(), AuthError> {
    let sql = "UPDATE sessions SET password_at = $1 WHERE session_id = $2";
    execute(conn, sql, &[now.into(), session_id.into()]).await?;
    Ok(())
}

/// The devices (as shown to people) the user's sessions on record were
/// signed in from, ended ones included while they are kept.
pub(crate) async fn devices_of(
    conn: &mut AnyConnection,
    user_id: &UserId,
) -> Result<Vec<String>, AuthError> {
    let sql = "SELECT user_agent FROM sessions WHERE user_id = $1";
    let agents: Vec<(Option<String>,)> = select(sql, &[user_id.into()])?.fetch_all(conn).await?;
    Ok(agents
        .iter()
        .map(|(agent,)| describe_device(agent.as_deref()))
        .collect())
}
