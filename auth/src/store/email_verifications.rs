//! Links that verify an address in storage: the token's hash, whose user,
//! the address it verifies (theirs, or the one they are changing to), until
//! when, and when it was used. One pending link per user: a newer one
//! deletes the ones before it. Using one marks it used (single use); the
//! clean-up deletes those that ran out.

use api::{EmailAddress, Timestamp, UserId};
use sqlx::AnyConnection;

use super::columns::{Millis, Stored};
use super::query::{execute, select};
use crate::AuthError;
use crate::secret::TokenHash;

/// A link's user and the address it verifies.
pub(crate) struct Verification {
    pub user_id: UserId,
    pub email: String,
}

/// Stores a new link for the user to verify `email`, ending every link of
/// theirs before it, used or not.
pub(crate) async fn replace(
    conn: &mut AnyConnection,
    user_id: &UserId,
    email: &EmailAddress,
    token_hash: &TokenHash,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<(), AuthError> {
    end_all(&mut *conn, user_id).await?;
    let sql = "INSERT INTO email_verifications \
               (token_hash, user_id, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
    let values = [
        token_hash.into(),
        user_id.into(),
        email.into(),
        now.into(),
        expires_at.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// Whose link `token_hash` is and which address it verifies, while it
/// works; reads without using it.
pub(crate) async fn find_live(
    conn: &mut AnyConnection,
    token_hash: &TokenHash,
    now: Timestamp,
) -> Result<Option<Verification>, AuthError> {
    let sql = "SELECT user_id, email FROM email_verifications \
               WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
    let row: Option<(Stored, String)> = select(sql, &[token_hash.into(), now.into()])?
        .fetch_optional(conn)
        .await?;
    verification(row)
}

/// Uses the link up: its user and address when it still worked and is now
/// used; `None` when it was used already, replaced, ran out or never was.
pub(crate) async fn take(
    conn: &mut AnyConnection,
    token_hash: &TokenHash,
    now: Timestamp,
) -> Result<Option<Verification>, AuthError> {
    let sql = "UPDATE email_verifications SET used_at = $1 \
               WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
               RETURNING user_id, email";
    let row: Option<(Stored, String)> = select(sql, &[now.into(), token_hash.into()])?
        .fetch_optional(conn)
        .await?;
    verification(row)
}

/// A link's row read back: whose it is and the address it verifies.
fn verification(row: Option<(Stored, String)>) -> Result<Option<Verification>, AuthError> {
    row.map(|(user, email)| {
        Ok(Verification {
            user_id: user.try_into()?,
            email,
        })
    })
    .transpose()
}

/// The user's link still waiting to be used at `now`: the address it
/// verifies, when it was sent and when it ends.
pub(crate) async fn pending(
    conn: &mut AnyConnection,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Option<(String, Timestamp, Timestamp)>, AuthError> {
    let sql = "SELECT email, created_at, expires_at FROM email_verifications \
               WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2 \
               ORDER BY created_at DESC LIMIT 1";
    let row: Option<(String, Millis, Millis)> = select(sql, &[user_id.into(), now.into()])?
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(email, sent, ends)| (email, sent.into(), ends.into())))
}

/// When the user's newest link was sent, used or not (the resend limit).
pub(crate) async fn last_sent(
    conn: &mut AnyConnection,
    user_id: &UserId,
) -> Result<Option<Timestamp>, AuthError> {
    let sql = "SELECT MAX(created_at) FROM email_verifications WHERE user_id = $1";
    let row: Option<(Option<i64>,)> = select(sql, &[user_id.into()])?.fetch_optional(conn).await?;
    Ok(row.and_then(|(at,)| at).map(Timestamp::from_millis))
}

/// Ends every link of the user.
pub(crate) async fn end_all(conn: &mut AnyConnection, user_id: &UserId) -> Result<(), AuthError> {
    let sql = "DELETE FROM email_verifications WHERE user_id = $1";
    execute(conn, sql, &[user_id.into()]).await?;
    Ok(())
}
