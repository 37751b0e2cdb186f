//! The mail outbox in storage: written inside the transaction of the
//! change that causes a message, claimed by one worker at a time with a
//! lease, then marked sent, due again later, or failed.

use api::Timestamp;
use sqlx::{AnyConnection, AnyPool};

use super::query::{execute, select};
use crate::AuthError;
use crate::db::Backend;
use crate::mail::{MailKind, OutboxCounts, OutgoingMail};

/// A message a worker holds until its lease ends.
pub(crate) struct Claimed {
    pub id: i64,
    pub mail: OutgoingMail,
    /// Tries so far, this one included.
    pub attempts: i64,
}

/// Writes `mail` to the outbox, due now. Run it on the transaction of the
/// change that causes the mail: rolled back, no mail.
pub(crate) async fn enqueue(
    conn: &mut AnyConnection,
    mail: &OutgoingMail,
    now: Timestamp,
) -> Result<(), AuthError> {
    let sql = "INSERT INTO mail_outbox \
               (kind, recipient, subject, text_body, html_body, created_at, due_at, attempts) \
               VALUES ($1, $2, $3, $4, $5, $6, $6, 0)";
    let values = [
        mail.kind.as_str().into(),
        mail.to.as_str().into(),
        mail.subject.as_str().into(),
        mail.text.as_str().into(),
        mail.html.as_str().into(),
        now.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// Which messages are waiting and free: due, neither sent nor failed, and
/// not held by a worker whose lease is still running.
macro_rules! free_and_due {
    () => {
        "sent_at IS NULL AND failed_at IS NULL AND due_at <= $1 \
         AND (claimed_until IS NULL OR claimed_until <= $1)"
    };
}

/// The statement that claims up to `$3` free and due messages until `$2`
/// (`$1` is now), the inner selection ending with `$lock`.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE mail_outbox SET claimed_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM mail_outbox WHERE ",
            free_and_due!(),
            " ORDER BY due_at, id LIMIT $3",
            $lock,
            ") AND ",
            free_and_due!(),
            " RETURNING id, kind, recipient, subject, text_body, html_body, attempts"
        )
    };
}

/// Whether any message is due and free: read first, so an idle outbox
/// costs no write (a write makes every kept session read stale).
pub(crate) async fn any_due(pool: &AnyPool, now: Timestamp) -> Result<bool, AuthError> {
    let sql = concat!(
        "SELECT id FROM mail_outbox WHERE ",
        free_and_due!(),
        " LIMIT 1"
    );
    let found: Option<(i64,)> = select(sql, &[now.into()])?.fetch_optional(pool).await?;
    Ok(found.is_some())
}

/// Claims up to `limit` due messages until `lease_until`, counting a try
/// for each. One statement: on SQLite every write goes through one
/// connection; on PostgreSQL the rows another worker is claiming are
/// skipped (`FOR UPDATE SKIP LOCKED`), and the outer condition is checked
/// again on the row as it is after a wait, so a message is held by one
/// worker at a time.
pub(crate) async fn claim(
    conn: &mut AnyConnection,
    backend: Backend,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
) -> Result<Vec<Claimed>, AuthError> {
    let sql = match backend {
        Backend::Sqlite => claim_sql!(""),
        Backend::Postgres => claim_sql!(" FOR UPDATE SKIP LOCKED"),
    };
    let rows: Vec<(i64, String, String, String, String, String, i64)> =
        select(sql, &[now.into(), lease_until.into(), limit.into()])?
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, to, subject, text, html, attempts)| {
            let kind = MailKind::parse(&kind)?;
            Some(Claimed {
                id,
                mail: OutgoingMail {
                    kind,
                    to,
                    subject,
                    text,
                    html,
                },
                attempts,
            })
        })
        .collect())
}

/// The message went out: its bodies (which may hold a link) are emptied.
pub(crate) async fn mark_sent(
    conn: &mut AnyConnection,
    id: i64,
    now: Timestamp,
) -> Result<(), AuthError> {
    let sql = "UPDATE mail_outbox SET sent_at = $1, claimed_until = NULL, last_error = NULL, \
               text_body = '', html_body = '' WHERE id = $2 AND sent_at IS NULL";
    execute(conn, sql, &[now.into(), id.into()]).await?;
    Ok(())
}

/// The try failed; the message is due again at `due_at`.
pub(crate) async fn retry_at(
    conn: &mut AnyConnection,
    id: i64,
    due_at: Timestamp,
    error: &str,
) -> Result<(), AuthError> {
    let sql = "UPDATE mail_outbox SET due_at = $1, claimed_until = NULL, last_error = $2 \
               WHERE id = $3 AND sent_at IS NULL";
    execute(conn, sql, &[due_at.into(), error.into(), id.into()]).await?;
    Ok(())
}

/// The last try failed: the message is given up, its bodies emptied.
pub(crate) async fn mark_failed(
    conn: &mut AnyConnection,
    id: i64,
    now: Timestamp,
    error: &str,
) -> Result<(), AuthError> {
    let sql = "UPDATE mail_outbox SET failed_at = $1, claimed_until = NULL, last_error = $2, \
               text_body = '', html_body = '' WHERE id = $3 AND sent_at IS NULL";
    execute(conn, sql, &[now.into(), error.into(), id.into()]).await?;
    Ok(())
}

/// How many messages wait, and how many failed for good.
pub(crate) async fn counts(pool: &AnyPool) -> Result<OutboxCounts, AuthError> {
    let sql = "SELECT \
               COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
               FROM mail_outbox";
    let (waiting, failed): (i64, i64) = select(sql, &[])?.fetch_one(pool).await?;
    Ok(OutboxCounts {
        waiting: u64::try_from(waiting).unwrap_or(0),
        failed: u64::try_from(failed).unwrap_or(0),
    })
}
