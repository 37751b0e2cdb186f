//! Security notices: things a user must be told at their next sign-in,
//! shown once.

use api::{NoticeKind, SecurityNotice, Timestamp, UserId};
use sqlx::{AnyConnection, FromRow};

use crate::AuthError;
use crate::secret::random_bytes;

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    user_id: &UserId,
    kind: NoticeKind,
    now: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query("INSERT INTO security_notices (id, user_id, kind, at) VALUES ($1, $2, $3, $4)")
        .bind(hex::encode(random_bytes::<16>()?))
        .bind(user_id.as_str())
        .bind(kind.as_str())
        .bind(now.as_millis())
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct NoticeRow {
    kind: String,
    at: i64,
}

/// The user's unseen notices, oldest first, now marked seen.
pub(crate) async fn take_unseen(
    conn: &mut AnyConnection,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Vec<SecurityNotice>, AuthError> {
    let mut rows: Vec<NoticeRow> = sqlx::query_as(
        "UPDATE security_notices SET seen_at = $1 WHERE user_id = $2 AND seen_at IS NULL \
         RETURNING kind, at",
    )
    .bind(now.as_millis())
    .bind(user_id.as_str())
    .fetch_all(conn)
    .await?;
    rows.sort_by_key(|row| row.at);
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(SecurityNotice {
                kind: NoticeKind::parse(&row.kind)?,
                at: Timestamp::from_millis(row.at),
            })
        })
        .collect())
}
