//! Sign-ins waiting for their next step after the password
//! (`sign_in_challenges`): a second factor, or a new password.

use api::{Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool};

use crate::error::corrupt;
use crate::secret::TokenHash;
use crate::{AuthError, Db};

/// Wrong codes (or refused new passwords) a challenge survives; the next
/// one ends it.
pub(crate) const MAX_FAILURES: i64 = 5;

/// What a waiting sign-in needs before it becomes a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Needs {
    /// A code from the user's second factor, or a recovery code.
    Code,
    /// An authenticator app set up: the user's account requires one.
    Setup,
    /// A password of the user's own: the server's operator reset theirs.
    NewPassword,
}

impl Needs {
    fn as_str(self) -> &'static str {
        match self {
            Needs::Code => "code",
            Needs::Setup => "setup",
            Needs::NewPassword => "new_password",
        }
    }
}

/// A sign-in to keep waiting: whose, what for, and the password hash it was
/// checked against, so that no session comes of it once the password
/// changed.
pub(crate) struct NewChallenge<'a> {
    pub token: &'a TokenHash,
    pub user_id: &'a UserId,
    pub checked_hash: &'a str,
    pub needs: Needs,
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    new: &NewChallenge<'_>,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query(
        "INSERT INTO sign_in_challenges (token_hash, user_id, checked_hash, needs, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new.token.as_str())
    .bind(new.user_id.as_str())
    .bind(new.checked_hash)
    .bind(new.needs.as_str())
    .bind(now.as_millis())
    .bind(expires_at.as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// A live challenge: whose, and the password hash it was checked against.
pub(crate) struct Waiting {
    pub user_id: UserId,
    pub checked_hash: String,
}

/// The live challenge with this token that `needs` this; `None` when there
/// is none, it has expired, or it waits for something else.
pub(crate) async fn find_live(
    pool: &AnyPool,
    token: &TokenHash,
    needs: Needs,
    now: Timestamp,
) -> Result<Option<Waiting>, AuthError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT user_id, checked_hash FROM sign_in_challenges \
         WHERE token_hash = $1 AND needs = $2 AND expires_at > $3",
    )
    .bind(token.as_str())
    .bind(needs.as_str())
    .bind(now.as_millis())
    .fetch_optional(pool)
    .await?;
    row.map(|(user_id, checked_hash)| {
        Ok(Waiting {
            user_id: UserId::parse(&user_id).map_err(|_| corrupt("challenge user id"))?,
            checked_hash,
        })
    })
    .transpose()
}

/// Ends a challenge: `false` when it was already gone (a request racing
/// this one took it).
pub(crate) async fn take(conn: &mut AnyConnection, token: &TokenHash) -> Result<bool, AuthError> {
    let deleted = sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1")
        .bind(token.as_str())
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() == 1)
}

/// Counts a wrong code (or a refused new password) against a challenge,
/// and ends it past the limit, in a write of its own.
pub(crate) async fn count_failure(db: &Db, token: &TokenHash) -> Result<(), AuthError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE sign_in_challenges SET failures = failures + 1 WHERE token_hash = $1")
        .bind(token.as_str())
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1 AND failures >= $2")
        .bind(token.as_str())
        .bind(MAX_FAILURES)
        .execute(&mut **tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
