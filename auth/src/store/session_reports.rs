//! "This wasn't me" links in storage: the token's hash, the session the
//! mail was about, whose, until when. Taking one deletes it (single use).

use api::{SessionId, Timestamp, UserId};
use sqlx::AnyConnection;

use super::columns::Stored;
use super::query::{execute, select};
use crate::AuthError;
use crate::secret::TokenHash;

/// A link about `session_id`, a session of `user_id`, to store.
pub(crate) struct NewReport<'a> {
    pub token_hash: &'a TokenHash,
    pub session_id: &'a SessionId,
    pub user_id: &'a UserId,
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    report: NewReport<'_>,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<(), AuthError> {
    let sql = "INSERT INTO session_reports (token_hash, session_id, user_id, created_at, expires_at) \
               VALUES ($1, $2, $3, $4, $5)";
    let values = [
        report.token_hash.into(),
        report.session_id.into(),
        report.user_id.into(),
        now.into(),
        expires_at.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// Uses the link up: the session it was about and whose, while it worked;
/// `None` when it ended (used, expired) or never was.
pub(crate) async fn take(
    conn: &mut AnyConnection,
    token_hash: &TokenHash,
    now: Timestamp,
) -> Result<Option<(SessionId, UserId)>, AuthError> {
    let sql = "DELETE FROM session_reports WHERE token_hash = $1 AND expires_at > $2 \
               RETURNING session_id, user_id";
    let row: Option<(Stored, Stored)> = select(sql, &[token_hash.into(), now.into()])?
        .fetch_optional(conn)
        .await?;
    row.map(|(session, user)| Ok((session.try_into()?, user.try_into()?)))
        .transpose()
}
