//! Personal API tokens in storage. Every query that changes or lists tokens
//! is scoped to the owning user (or, for the owner, to the account).

use api::{AccountId, Timestamp, TokenId, TokenInfo, TokenScope, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::AuthError;
use crate::error::corrupt;
use crate::secret::TokenHash;
use crate::users::{UserColumns, without_second_factor};

/// A token row joined with its user and account, for authentication.
#[derive(FromRow)]
pub(crate) struct TokenOwnerRow {
    pub id: String,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub scope: String,
    #[sqlx(flatten)]
    pub user: UserColumns,
}

/// The select of [`TokenOwnerRow`], to which a `WHERE` is added.
macro_rules! select_token_owner {
    ($where:literal) => {
        concat!(
            "SELECT t.id, t.expires_at, t.revoked_at, t.scope, t.user_id, u.account_id, u.role, \
             u.name, u.email, a.name AS account_name \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             JOIN accounts a ON a.id = u.account_id ",
            $where
        )
    };
}

pub(crate) async fn find_by_hash(
    pool: &AnyPool,
    hash: &TokenHash,
) -> Result<Option<TokenOwnerRow>, AuthError> {
    Ok(
        sqlx::query_as::<_, TokenOwnerRow>(select_token_owner!("WHERE t.token_hash = $1"))
            .bind(hash.as_str())
            .fetch_optional(pool)
            .await?,
    )
}

/// A token with its user as they are now, by its id (a live connection
/// re-checking the token it was opened with).
pub(crate) async fn find_by_id(
    pool: &AnyPool,
    token_id: &TokenId,
) -> Result<Option<TokenOwnerRow>, AuthError> {
    Ok(
        sqlx::query_as::<_, TokenOwnerRow>(select_token_owner!("WHERE t.id = $1"))
            .bind(token_id.as_str())
            .fetch_optional(pool)
            .await?,
    )
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
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, scope, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token.id.as_str())
    .bind(token.user_id.as_str())
    .bind(token.name)
    .bind(token.hash.as_str())
    .bind(token.scope.encode())
    .bind(now.as_millis())
    .bind(token.expires_at.map(Timestamp::as_millis))
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct TokenRow {
    id: String,
    name: String,
    scope: String,
    created_at: i64,
    last_used_at: Option<i64>,
    expires_at: Option<i64>,
}

const LIVE_TOKENS: &str = "SELECT id, name, scope, created_at, last_used_at, expires_at FROM api_tokens \
     WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2) \
     ORDER BY created_at DESC, id DESC";

/// The user's usable tokens, newest first.
pub(crate) async fn list_live(
    conn: &mut AnyConnection,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Vec<TokenInfo>, AuthError> {
    let rows: Vec<TokenRow> = sqlx::query_as(LIVE_TOKENS)
        .bind(user_id.as_str())
        .bind(now.as_millis())
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(TokenInfo {
                id: TokenId::parse(&row.id).ok()?,
                scope: TokenScope::parse(&row.scope).ok()?,
                name: row.name,
                created_at: Timestamp::from_millis(row.created_at),
                last_used_at: row.last_used_at.map(Timestamp::from_millis),
                expires_at: row.expires_at.map(Timestamp::from_millis),
            })
        })
        .collect())
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

/// Revokes every usable token in the account, but not those of `except`;
/// returns their ids.
pub(crate) async fn revoke_all_in_account(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    except: Option<&UserId>,
    now: Timestamp,
) -> Result<Vec<TokenId>, AuthError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "UPDATE api_tokens SET revoked_at = $1 \
         WHERE user_id IN (SELECT id FROM users WHERE account_id = $2) AND user_id <> $3 \
           AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) \
         RETURNING id",
    )
    .bind(now.as_millis())
    .bind(account_id.as_str())
    .bind(except.map_or("", UserId::as_str))
    .fetch_all(conn)
    .await?;
    ids.iter()
        .map(|id| TokenId::parse(id).map_err(|_| corrupt("token id")))
        .collect()
}

/// Revokes every usable token of the account's users who have no second
/// factor (the account now requires one); returns their ids.
pub(crate) async fn revoke_all_without_second_factor(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    now: Timestamp,
) -> Result<Vec<TokenId>, AuthError> {
    let ids: Vec<String> = sqlx::query_scalar(concat!(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id IN (",
        without_second_factor!("$2"),
        ") AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) RETURNING id"
    ))
    .bind(now.as_millis())
    .bind(account_id.as_str())
    .fetch_all(conn)
    .await?;
    ids.iter()
        .map(|id| TokenId::parse(id).map_err(|_| corrupt("token id")))
        .collect()
}

/// Revokes every usable token of the user; returns their ids.
pub(crate) async fn revoke_all_of_user(
    conn: &mut AnyConnection,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Vec<TokenId>, AuthError> {
    enforce_cap(conn, user_id, 0, now).await
}

/// Revokes one of the user's tokens; false when the user has no such live
/// token (whether or not it exists for someone else).
pub(crate) async fn revoke(
    conn: &mut AnyConnection,
    token_id: &TokenId,
    user_id: &UserId,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(token_id.as_str())
    .bind(user_id.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Records use of a token (never moves `last_used_at` back).
pub(crate) async fn touch(
    conn: &mut AnyConnection,
    token_id: &TokenId,
    at: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
    )
    .bind(at.as_millis())
    .bind(token_id.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the token exists and is neither revoked nor expired.
pub(crate) async fn usable(
    pool: &AnyPool,
    token_id: &TokenId,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT id FROM api_tokens WHERE id = $1 AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(token_id.as_str())
    .bind(now.as_millis())
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}
