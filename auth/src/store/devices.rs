//! Sessions bound to their device (DBSC) in storage: the challenges a
//! device signs, and a session's binding to the key it registered.

use api::{SessionId, Timestamp};
use sqlx::AnyConnection;

use super::query::{execute, select};
use crate::AuthError;
use crate::dbsc::DeviceKey;
use crate::secret::TokenHash;

/// What a device signs a challenge for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// To register its key for the session (offered as the session opens).
    Register,
    /// To renew the session's cookie.
    Refresh,
}

impl Purpose {
    const fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::Refresh => "refresh",
        }
    }
}

/// A challenge for `session_id`, good until `expires_at`.
pub(crate) async fn insert_challenge(
    conn: &mut AnyConnection,
    hash: &TokenHash,
    session_id: &SessionId,
    purpose: Purpose,
    expires_at: Timestamp,
) -> Result<(), AuthError> {
    let sql = "INSERT INTO device_challenges (challenge_hash, session_id, purpose, expires_at) \
               VALUES ($1, $2, $3, $4)";
    let values = [
        hash.into(),
        session_id.into(),
        purpose.as_str().into(),
        expires_at.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// What taking a challenge found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Taken {
    /// A live challenge of the session, now used up.
    Fresh,
    /// A challenge of the session that was used already: a replay.
    Replayed,
    /// No live challenge of the session (never made, expired, or another
    /// session's).
    Unknown,
}

/// Uses up the challenge with this hash if it is a live one of
/// `session_id` for `purpose`; one conditional update, so two requests
/// racing with one challenge cannot both take it.
pub(crate) async fn take_challenge(
    conn: &mut AnyConnection,
    hash: &TokenHash,
    session_id: &SessionId,
    purpose: Purpose,
    now: Timestamp,
) -> Result<Taken, AuthError> {
    let sql = "UPDATE device_challenges SET used_at = $1 \
               WHERE challenge_hash = $2 AND session_id = $3 AND purpose = $4 \
                 AND used_at IS NULL AND expires_at > $1";
    let values = [
        now.into(),
        hash.into(),
        session_id.into(),
        purpose.as_str().into(),
    ];
    if execute(&mut *conn, sql, &values).await? > 0 {
        return Ok(Taken::Fresh);
    }
    let sql = "SELECT used_at FROM device_challenges \
               WHERE challenge_hash = $1 AND session_id = $2 AND purpose = $3";
    let values = [hash.into(), session_id.into(), purpose.as_str().into()];
    let found: Option<(Option<i64>,)> = select(sql, &values)?.fetch_optional(conn).await?;
    Ok(match found {
        Some((Some(_),)) => Taken::Replayed,
        Some((None,)) | None => Taken::Unknown,
    })
}

/// Binds the session to `key`, named by its device with the identifier
/// whose hash is `device_id`; false when it was bound already (one key a
/// session) or has ended.
pub(crate) async fn bind(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    key: &DeviceKey,
    device_id: &TokenHash,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let key = serde_json::to_string(key)
        .map_err(|err| AuthError::Storage(sqlx::Error::Protocol(format!("device key: {err}"))))?;
    let sql = "UPDATE sessions SET device_key = $1, device_id_hash = $2, bound_at = $3, \
                 cookie_expires_at = $3 \
               WHERE session_id = $4 AND device_key IS NULL AND revoked_at IS NULL";
    let values = [
        key.as_str().into(),
        device_id.into(),
        now.into(),
        session_id.into(),
    ];
    Ok(execute(conn, sql, &values).await? > 0)
}
