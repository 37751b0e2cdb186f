//! The kinds of security mail each user turned off, in storage: one row
//! per (user, kind). Whether a kind may be turned off at all is the
//! domain's answer (`NoticeKind::may_turn_off_mail`), read before these
//! rows are: a row for a kind that protects the account changes nothing.

use api::{NoticeKind, Timestamp, UserId};
use sqlx::AnyConnection;

use super::query::{all, execute, select};
use crate::AuthError;

/// The kinds the user turned off. A stored kind this build does not know
/// has no mail to hold back, and is left out.
pub(crate) async fn turned_off(
    conn: &mut AnyConnection,
    user_id: &UserId,
) -> Result<Vec<NoticeKind>, AuthError> {
    let sql = "SELECT kind FROM security_mail_off WHERE user_id = $1";
    let rows: Vec<(String,)> = all(conn, sql, &[user_id.into()]).await?;
    Ok(rows
        .iter()
        .filter_map(|(kind,)| NoticeKind::parse(kind))
        .collect())
}

/// Whether the user turned `kind` off.
pub(crate) async fn is_off(
    conn: &mut AnyConnection,
    user_id: &UserId,
    kind: NoticeKind,
) -> Result<bool, AuthError> {
    let sql = "SELECT kind FROM security_mail_off WHERE user_id = $1 AND kind = $2";
    let row: Option<(String,)> = select(sql, &[user_id.into(), kind.into()])?
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// Turns `kind` off for the user (again: nothing changes).
pub(crate) async fn turn_off(
    conn: &mut AnyConnection,
    user_id: &UserId,
    kind: NoticeKind,
    now: Timestamp,
) -> Result<(), AuthError> {
    let sql = "INSERT INTO security_mail_off (user_id, kind, turned_at) VALUES ($1, $2, $3) \
               ON CONFLICT (user_id, kind) DO NOTHING";
    execute(conn, sql, &[user_id.into(), kind.into(), now.into()]).await?;
    Ok(())
}

/// Turns `kind` on for the user (again: nothing changes).
pub(crate) async fn turn_on(
    conn: &mut AnyConnection,
    user_id: &UserId,
    kind: NoticeKind,
) -> Result<(), AuthError> {
    let sql = "DELETE FROM security_mail_off WHERE user_id = $1 AND kind = $2";
    execute(conn, sql, &[user_id.into(), kind.into()]).await?;
    Ok(())
}
