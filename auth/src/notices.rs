//! Security notices: things a user must be told, shown once, in a session
//! other than the one that caused them (a password change, a new token, a
//! sign-in from a new device), or at the next sign-in after a stolen session
//! was ended.

use api::{NoticeKind, SecurityNotice, SessionId, Timestamp, UserId};
use sqlx::{AnyConnection, FromRow};

use crate::AuthError;
use crate::secret::random_bytes;

/// A notice to store.
pub(crate) struct NewNotice<'a> {
    pub kind: NoticeKind,
    /// The session that caused it, which is not shown it.
    pub origin: Option<&'a SessionId>,
    pub detail: Option<String>,
}

impl NewNotice<'_> {
    pub fn plain(kind: NoticeKind) -> Self {
        Self {
            kind,
            origin: None,
            detail: None,
        }
    }
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    user_id: &UserId,
    notice: NewNotice<'_>,
    now: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query(
        "INSERT INTO security_notices (id, user_id, kind, at, origin_session_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hex::encode(random_bytes::<16>()?))
    .bind(user_id.as_str())
    .bind(notice.kind.as_str())
    .bind(now.as_millis())
    .bind(notice.origin.map(|id| id.as_str().to_owned()))
    .bind(notice.detail)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct NoticeRow {
    kind: String,
    at: i64,
    detail: Option<String>,
}

/// The user's unseen notices that `session` did not cause, oldest first,
/// now marked seen.
pub(crate) async fn take_unseen(
    conn: &mut AnyConnection,
    user_id: &UserId,
    session: Option<&SessionId>,
    now: Timestamp,
) -> Result<Vec<SecurityNotice>, AuthError> {
    let mut rows: Vec<NoticeRow> = sqlx::query_as(
        "UPDATE security_notices SET seen_at = $1 \
         WHERE user_id = $2 AND seen_at IS NULL \
           AND (origin_session_id IS NULL OR origin_session_id <> $3) \
         RETURNING kind, at, detail",
    )
    .bind(now.as_millis())
    .bind(user_id.as_str())
    .bind(session.map_or_else(String::new, |id| id.as_str().to_owned()))
    .fetch_all(conn)
    .await?;
    rows.sort_by_key(|row| row.at);
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(SecurityNotice {
                kind: NoticeKind::parse(&row.kind)?,
                at: Timestamp::from_millis(row.at),
                detail: row.detail,
            })
        })
        .collect())
}
