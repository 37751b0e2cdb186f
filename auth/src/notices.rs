//! Security notices: things a user must be told, shown once, in a session
//! other than the one that caused them (a password change, a new token, a
//! sign-in from a new device), or at the next sign-in after a stolen session
//! was ended.

use api::{NoticeId, NoticeKind, SecurityNotice, SessionId, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::AuthError;
use crate::error::corrupt;
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
    id: String,
    kind: String,
    at: i64,
    detail: Option<String>,
}

/// The user's unseen notices that `session` did not cause, oldest first.
/// Reads only: a notice is marked seen by [`mark_seen`], once the page has
/// shown it, never by rendering the page (a GET from another site's link
/// would otherwise use it up unseen).
pub(crate) async fn unseen(
    pool: &AnyPool,
    user_id: &UserId,
    session: Option<&SessionId>,
) -> Result<Vec<SecurityNotice>, AuthError> {
    let rows: Vec<NoticeRow> = sqlx::query_as(
        "SELECT id, kind, at, detail FROM security_notices \
         WHERE user_id = $1 AND seen_at IS NULL \
           AND (origin_session_id IS NULL OR origin_session_id <> $2) \
         ORDER BY at, id",
    )
    .bind(user_id.as_str())
    .bind(session.map_or_else(String::new, |id| id.as_str().to_owned()))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .filter_map(|row| {
            let kind = NoticeKind::parse(&row.kind)?;
            Some(NoticeId::parse(&row.id).map(|id| SecurityNotice {
                id,
                kind,
                at: Timestamp::from_millis(row.at),
                detail: row.detail,
            }))
        })
        .collect::<Result<_, _>>()
        .map_err(|_| corrupt("notice id"))
}

/// Marks these notices of the user seen, as shown in `session`; how many
/// were unseen. Ids of other users' notices, and of notices `session`
/// caused (which it never shows), change nothing.
pub(crate) async fn mark_seen(
    conn: &mut AnyConnection,
    user_id: &UserId,
    session: Option<&SessionId>,
    ids: &[NoticeId],
    now: Timestamp,
) -> Result<u64, AuthError> {
    let mut seen = 0;
    for id in ids {
        let done = sqlx::query(
            "UPDATE security_notices SET seen_at = $1 \
             WHERE id = $2 AND user_id = $3 AND seen_at IS NULL \
               AND (origin_session_id IS NULL OR origin_session_id <> $4)",
        )
        .bind(now.as_millis())
        .bind(id.as_str())
        .bind(user_id.as_str())
        .bind(session.map_or_else(String::new, |id| id.as_str().to_owned()))
        .execute(&mut *conn)
        .await?;
        seen += done.rows_affected();
    }
    Ok(seen)
}
