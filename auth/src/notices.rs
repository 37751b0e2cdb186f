//! Security notices: things a user must be told, shown once, in a session
//! other than the one that caused them (a password change, a new token, a
//! sign-in from a new device), or at the next sign-in after a stolen session
//! was ended; and sent by mail, written to the outbox with the notice
//! ([`tell`] is the only way to store one).

use std::time::Duration;

use api::paths::page;
use api::{NoticeId, NoticeKind, SecurityNotice, SessionId, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::AuthError;
use crate::error::corrupt;
use crate::mail::{self, NoticeMail, PublicUrl};
use crate::secret::{ReportToken, random_bytes};
use crate::store::session_reports::{self, NewReport};
use crate::store::{outbox, security_mail, users};

/// How long the "This wasn't me" link of a new device's mail works.
pub const REPORT_LINK_LIFETIME: Duration = Duration::from_hours(24 * 7);

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

/// Tells the user, inside the caller's transaction: the notice for their
/// pages, and the same by mail (links from `mail`'s public URL; none with
/// `--no-mail`, none to an address not verified yet: no mail but the link
/// that verifies it goes there, and none of a kind the user turned off,
/// where the kind may be turned off). The mail about a sign-in from a new
/// device carries a "This wasn't me" link that ends that session (the
/// notice's origin).
pub(crate) async fn tell(
    conn: &mut AnyConnection,
    mail: Option<&PublicUrl>,
    user_id: &UserId,
    notice: NewNotice<'_>,
    now: Timestamp,
) -> Result<(), AuthError> {
    let Some(public_url) = mail else {
        return insert(conn, user_id, notice, now).await;
    };
    let Some((name, email, verified)) = users::name_and_email(&mut *conn, user_id).await? else {
        return Ok(());
    };
    if !verified {
        return insert(conn, user_id, notice, now).await;
    }
    // Only a kind that may be turned off is looked up: a row for one that
    // protects the account changes nothing.
    if notice.kind.may_turn_off_mail()
        && security_mail::is_off(&mut *conn, user_id, notice.kind).await?
    {
        return insert(conn, user_id, notice, now).await;
    }
    let not_me = match (notice.kind, notice.origin) {
        (NoticeKind::NewDevice, Some(session_id)) => {
            let token = ReportToken::generate()?;
            let report = NewReport {
                token_hash: &token.hash(),
                session_id,
                user_id,
            };
            let expires_at = now.plus(REPORT_LINK_LIFETIME);
            session_reports::insert(&mut *conn, report, now, expires_at).await?;
            Some(format!("{}?token={}", page::LOGIN_NOT_ME, token.expose()))
        }
        _ => None,
    };
    let message = mail::security_notice(
        public_url,
        &NoticeMail {
            to: &email,
            name: &name,
            kind: notice.kind,
            detail: notice.detail.as_deref(),
            at: now,
            not_me: not_me.as_deref(),
        },
    );
    outbox::enqueue(&mut *conn, &message, now).await?;
    insert(conn, user_id, notice, now).await
}

async fn insert(
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
