//! Links to choose a new password in storage: the asks as they came in
//! (one row each, whatever the address), and the links: the token's hash,
//! whose user, until when. Taking one deletes it (single use); a newer
//! link, a password change and a sign-in delete the user's others.

use api::{EmailAddress, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool};

use super::columns::{Malformed, Stored};
use super::query::{execute, one, select};
use crate::AuthError;
use crate::secret::TokenHash;

/// The longest address an ask keeps (RFC 5321's limit on a path).
const ASKED_EMAIL_MAX: usize = 256;

/// Records an ask for a link for `email`, as typed: the same statement
/// whether or not it is a user's address, or an address at all.
pub(crate) async fn ask(
    conn: &mut AnyConnection,
    email: &str,
    now: Timestamp,
) -> Result<(), AuthError> {
    let email: String = email.chars().take(ASKED_EMAIL_MAX).collect();
    let sql = "INSERT INTO password_reset_asks (email, created_at) VALUES ($1, $2)";
    execute(conn, sql, &[email.as_str().into(), now.into()]).await?;
    Ok(())
}

/// Whether any ask waits to be answered.
pub(crate) async fn any_asks(pool: &AnyPool) -> Result<bool, AuthError> {
    let found: Option<(i64,)> = select("SELECT id FROM password_reset_asks LIMIT 1", &[])?
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

/// Takes up to `limit` asks, oldest first, inside the caller's transaction:
/// the addresses asked for. Another worker taking asks at the same moment
/// gets others, or waits and finds these gone.
pub(crate) async fn take_asks(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<String>, AuthError> {
    let sql = "DELETE FROM password_reset_asks WHERE id IN \
               (SELECT id FROM password_reset_asks ORDER BY id LIMIT $1) RETURNING id, email";
    let mut rows: Vec<(i64, String)> = select(sql, &[limit.into()])?.fetch_all(conn).await?;
    rows.sort_unstable_by_key(|(id, _)| *id);
    Ok(rows.into_iter().map(|(_, email)| email).collect())
}

/// Who a reset mail goes to.
pub(crate) struct Recipient {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
}

/// The user with `email`, read inside the transaction that may write the
/// link, so a request takes the same statements up to there whether or
/// not the address exists; nobody while the address is not verified (no
/// mail but the link that verifies it goes to one that is not).
pub(crate) async fn recipient(
    conn: &mut AnyConnection,
    email: Option<&EmailAddress>,
) -> Result<Option<Recipient>, AuthError> {
    let sql =
        "SELECT id, name, email FROM users WHERE email = $1 AND email_verified_at IS NOT NULL";
    let key = email.map(EmailAddress::as_str);
    let row: Option<(Stored, String, String)> = one(conn, sql, key.into()).await?;
    row.map(|(id, name, email)| {
        Ok(Recipient {
            user_id: UserId::try_from(id)?,
            name,
            email,
        })
    })
    .transpose()
    .map_err(|err: Malformed| err.into())
}

/// Stores a new link for the user, ending the ones before it.
pub(crate) async fn replace(
    conn: &mut AnyConnection,
    user_id: &UserId,
    token_hash: &TokenHash,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<(), AuthError> {
    end_all(&mut *conn, user_id).await?;
    let sql = "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
               VALUES ($1, $2, $3, $4)";
    let values = [
        token_hash.into(),
        user_id.into(),
        now.into(),
        expires_at.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// Whose link `token_hash` is, while it works; reads without using it.
pub(crate) async fn holder(
    conn: &mut AnyConnection,
    token_hash: &TokenHash,
    now: Timestamp,
) -> Result<Option<UserId>, AuthError> {
    let sql = "SELECT user_id FROM password_resets WHERE token_hash = $1 AND expires_at > $2";
    let row: Option<(Stored,)> = select(sql, &[token_hash.into(), now.into()])?
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(id,)| UserId::try_from(id)).transpose()?)
}

/// Uses the link up: true when it still worked for `user_id` and is now
/// gone; false when another request took it first, or it ended.
pub(crate) async fn take(
    conn: &mut AnyConnection,
    token_hash: &TokenHash,
    user_id: &UserId,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let sql =
        "DELETE FROM password_resets WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3";
    Ok(execute(conn, sql, &[token_hash.into(), user_id.into(), now.into()]).await? > 0)
}

/// Ends every link of the user (a newer link, a password change, a
/// sign-in).
pub(crate) async fn end_all(conn: &mut AnyConnection, user_id: &UserId) -> Result<(), AuthError> {
    execute(
        conn,
        "DELETE FROM password_resets WHERE user_id = $1",
        &[user_id.into()],
    )
    .await?;
    Ok(())
}
