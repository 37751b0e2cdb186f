//! Personal API tokens in storage. Every query that changes or lists tokens
//! is scoped to the owning user (or, for the owner, to the account).

use api::{Me, Timestamp, TokenId, TokenInfo, TokenScope, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::Whose;
use super::columns::{MaybeMillis, Millis, Stored};
use super::query::{all, execute, ids, one, select};
use super::sql::{UserColumns, for_whose, usable_at, user_columns, with_account};
use crate::AuthError;
use crate::secret::TokenHash;

/// A token with its user as they are now, for authentication.
#[derive(FromRow)]
pub(crate) struct StoredToken {
    #[sqlx(try_from = "Stored")]
    pub id: TokenId,
    #[sqlx(try_from = "Stored")]
    pub scope: TokenScope,
    #[sqlx(flatten, try_from = "UserColumns")]
    pub me: Me,
    #[sqlx(try_from = "MaybeMillis")]
    revoked_at: Option<Timestamp>,
    #[sqlx(try_from = "MaybeMillis")]
    expires_at: Option<Timestamp>,
}

impl StoredToken {
    /// Whether it works at `now`: neither revoked nor expired, as
    /// [`usable_at`] says it in SQL.
    pub fn usable_at(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|end| now < end)
    }
}

/// The select of [`StoredToken`], to which a `WHERE` is added.
macro_rules! select_token_owner {
    ($where:literal) => {
        concat!(
            "SELECT t.id, t.expires_at, t.revoked_at, t.scope, ",
            user_columns!(),
            " FROM api_tokens t JOIN users u ON u.id = t.user_id ",
            with_account!(),
            " ",
            $where
        )
    };
}

pub(crate) async fn find_by_hash(
    pool: &AnyPool,
    hash: &TokenHash,
) -> Result<Option<StoredToken>, AuthError> {
    let sql = select_token_owner!("WHERE t.token_hash = $1");
    one(pool, sql, hash.into()).await
}

/// A token with its user as they are now, by its id (a live connection
/// re-checking the token it was opened with).
pub(crate) async fn find_by_id(
    pool: &AnyPool,
    token_id: &TokenId,
) -> Result<Option<StoredToken>, AuthError> {
    let sql = select_token_owner!("WHERE t.id = $1");
    one(pool, sql, token_id.into()).await
}

pub(crate) struct NewToken<'a> {
    pub id: &'a TokenId,
    pub user_id: &'a UserId,
    pub name: &'a str,
    pub hash: &'a TokenHash,
    pub scope: &'a TokenScope,
    pub expires_at: Option<Timestamp>,
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    token: &NewToken<'_>,
    now: Timestamp,
) -> Result<(), AuthError> {
    let sql = "INSERT INTO api_tokens (id, user_id, name, token_hash, scope, created_at, \
               expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let scope = token.scope.encode();
    let values = [
        token.id.into(),
        token.user_id.into(),
        token.name.into(),
        token.hash.into(),
        scope.as_str().into(),
        now.into(),
        token.expires_at.into(),
    ];
    execute(conn, sql, &values).await?;
    Ok(())
}

/// A usable token as the list shows it.
#[derive(FromRow)]
struct ListedToken {
    #[sqlx(try_from = "Stored")]
    id: TokenId,
    name: String,
    #[sqlx(try_from = "Stored")]
    scope: TokenScope,
    #[sqlx(try_from = "Millis")]
    created_at: Timestamp,
    #[sqlx(try_from = "MaybeMillis")]
    last_used_at: Option<Timestamp>,
    #[sqlx(try_from = "MaybeMillis")]
    expires_at: Option<Timestamp>,
}

impl From<ListedToken> for TokenInfo {
    fn from(token: ListedToken) -> Self {
        TokenInfo {
            id: token.id,
            name: token.name,
            scope: token.scope,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
            expires_at: token.expires_at,
        }
    }
}

/// The user's usable tokens, newest first.
pub(crate) async fn list_live(
    conn: &mut AnyConnection,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Vec<TokenInfo>, AuthError> {
    let sql = concat!(
        "SELECT id, name, scope, created_at, last_used_at, expires_at FROM api_tokens \
         WHERE user_id = $1 AND ",
        usable_at!("", "$2"),
        " ORDER BY created_at DESC, id DESC"
    );
    let tokens: Vec<ListedToken> = all(conn, sql, &[user_id.into(), now.into()]).await?;
    Ok(tokens.into_iter().map(TokenInfo::from).collect())
}

/// Revokes the user's oldest usable tokens so at most `cap` remain; returns
/// their ids. Run it in the creating transaction, after the insert.
pub(crate) async fn enforce_cap(
    conn: &mut AnyConnection,
    user_id: &UserId,
    cap: usize,
    now: Timestamp,
) -> Result<Vec<TokenId>, AuthError> {
    let live = list_live(&mut *conn, user_id, now).await?;
    let mut evicted = Vec::new();
    for token in live.into_iter().skip(cap) {
        if revoke(&mut *conn, &token.id, user_id, now).await? {
            evicted.push(token.id);
        }
    }
    Ok(evicted)
}

/// Revokes every usable token of `whose` but those of `spare`; returns
/// their ids.
pub(crate) async fn revoke_usable(
    conn: &mut AnyConnection,
    whose: Whose<'_>,
    spare: Option<&UserId>,
    now: Timestamp,
) -> Result<Vec<TokenId>, AuthError> {
    let (sql, owner) = for_whose!(
        whose,
        "UPDATE api_tokens SET revoked_at = $1 WHERE ",
        " AND user_id <> $2 AND ",
        usable_at!("", "$1"),
        " RETURNING id"
    );
    let spare = spare.map_or("", UserId::as_str);
    ids(conn, sql, &[now.into(), spare.into(), owner]).await
}

/// Revokes one of the user's tokens; false when the user has no such live
/// token (whether or not it exists for someone else).
pub(crate) async fn revoke(
    conn: &mut AnyConnection,
    token_id: &TokenId,
    user_id: &UserId,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let sql = "UPDATE api_tokens SET revoked_at = $1 \
               WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL";
    let values = [now.into(), token_id.into(), user_id.into()];
    Ok(execute(conn, sql, &values).await? > 0)
}

/// Records use of a token (never moves `last_used_at` back).
pub(crate) async fn touch(
    conn: &mut AnyConnection,
    token_id: &TokenId,
    at: Timestamp,
) -> Result<(), AuthError> {
    let sql = "UPDATE api_tokens SET last_used_at = $1 \
               WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)";
    execute(conn, sql, &[at.into(), token_id.into()]).await?;
    Ok(())
}

/// Whether the token exists and is neither revoked nor expired.
pub(crate) async fn usable(
    pool: &AnyPool,
    token_id: &TokenId,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let sql = concat!(
        "SELECT id FROM api_tokens WHERE id = $1 AND ",
        usable_at!("", "$2")
    );
    let found: Option<(String,)> = select(sql, &[token_id.into(), now.into()])?
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}
