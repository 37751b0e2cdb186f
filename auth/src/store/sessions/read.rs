//! Sessions as they are read: one by a token or by its id, with its user,
//! and the user's live ones as their list shows them.

use api::{Me, RevokeReason, SessionId, SignInMethod, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::AuthError;
use crate::secret::TokenHash;
use crate::session::{Binding, Lifetime, Tokens};
use crate::store::columns::{Malformed, MaybeMillis, Millis, Stored};
use crate::store::query::{all, execute, one};
use crate::store::sql::{UserColumns, live_at, user_columns, with_account};

/// A session with its user, as stored.
#[derive(Clone, FromRow)]
pub(crate) struct StoredSession {
    #[sqlx(rename = "session_id", try_from = "Stored")]
    pub id: SessionId,
    #[sqlx(flatten, try_from = "TokenColumns")]
    pub tokens: Tokens,
    #[sqlx(flatten, try_from = "LifetimeColumns")]
    pub lifetime: Lifetime,
    /// Why it was ended early; `None` while it was not.
    #[sqlx(flatten, try_from = "RevokedColumns")]
    pub revoked: Option<RevokeReason>,
    #[sqlx(rename = "signed_in_with", try_from = "Stored")]
    pub method: SignInMethod,
    /// The device it is bound to, once its browser registered a key.
    #[sqlx(flatten, try_from = "BindingColumns")]
    pub binding: Option<Binding>,
    #[sqlx(flatten, try_from = "UserColumns")]
    pub me: Me,
}

/// The columns of a session's [`Binding`]: all set once bound, all NULL
/// before.
#[derive(FromRow)]
struct BindingColumns {
    device_key: Option<String>,
    #[sqlx(try_from = "MaybeMillis")]
    bound_at: Option<Timestamp>,
    #[sqlx(try_from = "MaybeMillis")]
    cookie_expires_at: Option<Timestamp>,
}

impl TryFrom<BindingColumns> for Option<Binding> {
    type Error = Malformed;

    fn try_from(row: BindingColumns) -> Result<Self, Malformed> {
        match (row.device_key, row.bound_at, row.cookie_expires_at) {
            (None, _, _) => Ok(None),
            (Some(key), Some(bound_at), Some(cookie_expires_at)) => Ok(Some(Binding {
                key: serde_json::from_str(&key).map_err(|_| Malformed("device key"))?,
                bound_at,
                cookie_expires_at,
            })),
            (Some(_), _, _) => Err(Malformed("device binding")),
        }
    }
}

/// The columns a session's [`Tokens`] are read from.
#[derive(FromRow)]
struct TokenColumns {
    token_hash: String,
    previous_token_hash: Option<String>,
    #[sqlx(try_from = "Millis")]
    rotated_at: Timestamp,
    #[sqlx(try_from = "MaybeMillis")]
    token_seen_at: Option<Timestamp>,
}

impl From<TokenColumns> for Tokens {
    fn from(row: TokenColumns) -> Self {
        Tokens {
            current: TokenHash::from_stored(&row.token_hash),
            previous: row
                .previous_token_hash
                .as_deref()
                .map(TokenHash::from_stored),
            rotated_at: row.rotated_at,
            seen_at: row.token_seen_at,
        }
    }
}

/// The columns a session's [`Lifetime`] is read from.
#[derive(FromRow)]
struct LifetimeColumns {
    #[sqlx(try_from = "Millis")]
    created_at: Timestamp,
    #[sqlx(try_from = "Millis")]
    last_seen_at: Timestamp,
    idle_timeout_ms: i64,
    absolute_timeout_ms: i64,
}

impl From<LifetimeColumns> for Lifetime {
    fn from(row: LifetimeColumns) -> Self {
        Lifetime {
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            idle_timeout_ms: row.idle_timeout_ms,
            absolute_timeout_ms: row.absolute_timeout_ms,
        }
    }
}

/// The columns that say whether, and why, a session was revoked.
#[derive(FromRow)]
struct RevokedColumns {
    revoked_at: Option<i64>,
    revoke_reason: Option<String>,
}

impl From<RevokedColumns> for Option<RevokeReason> {
    fn from(row: RevokedColumns) -> Self {
        row.revoked_at?;
        // An unknown stored reason still means revoked.
        let reason = row.revoke_reason.as_deref().and_then(RevokeReason::parse);
        Some(reason.unwrap_or(RevokeReason::Revoked))
    }
}

macro_rules! select_session {
    ($where:literal) => {
        concat!(
            "SELECT s.session_id, s.token_hash, s.previous_token_hash, s.rotated_at, \
             s.token_seen_at, s.created_at, s.last_seen_at, s.idle_timeout_ms, \
             s.absolute_timeout_ms, s.revoked_at, s.revoke_reason, s.signed_in_with, \
             s.device_key, s.bound_at, s.cookie_expires_at, ",
            user_columns!(),
            " FROM sessions s JOIN users u ON u.id = s.user_id ",
            with_account!(),
            " ",
            $where
        )
    };
}

/// The session whose current token has this hash.
pub(crate) async fn find_by_token_hash(
    pool: &AnyPool,
    hash: &TokenHash,
) -> Result<Option<StoredSession>, AuthError> {
    let sql = select_session!("WHERE s.token_hash = $1");
    one(pool, sql, hash.into()).await
}

/// The session that once had a token with this hash (rotated out since).
pub(crate) async fn find_by_retired_hash(
    pool: &AnyPool,
    hash: &TokenHash,
) -> Result<Option<StoredSession>, AuthError> {
    let sql = select_session!(
        "JOIN retired_session_tokens r ON r.session_id = s.session_id WHERE r.token_hash = $1"
    );
    one(pool, sql, hash.into()).await
}

/// The bound session whose device names it by the identifier with this
/// hash.
pub(crate) async fn find_by_device_id(
    pool: &AnyPool,
    hash: &TokenHash,
) -> Result<Option<StoredSession>, AuthError> {
    let sql = select_session!("WHERE s.device_id_hash = $1");
    one(pool, sql, hash.into()).await
}

/// The session with this public id.
pub(crate) async fn find_by_id(
    pool: &AnyPool,
    id: &SessionId,
) -> Result<Option<StoredSession>, AuthError> {
    let sql = select_session!("WHERE s.session_id = $1");
    one(pool, sql, id.into()).await
}

/// The session with this id, read inside `conn`'s transaction once it
/// holds the row's write lock: whatever the transaction then writes from
/// it cannot be overtaken by another writer between the read and the
/// write (two refreshes of one device at once both renew, in turn).
pub(crate) async fn find_locked(
    conn: &mut AnyConnection,
    id: &SessionId,
) -> Result<Option<StoredSession>, AuthError> {
    let lock = "UPDATE sessions SET rotated_at = rotated_at WHERE session_id = $1";
    execute(&mut *conn, lock, &[id.into()]).await?;
    let sql = select_session!("WHERE s.session_id = $1");
    one(conn, sql, id.into()).await
}

/// Where a session was signed in from, as its row recorded it: what the
/// security log names it by.
#[derive(FromRow)]
pub(crate) struct SessionPlace {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

impl SessionPlace {
    /// Adds the device and address to the detail of a log entry.
    pub(crate) fn told_in(&self, detail: &mut serde_json::Value) {
        detail["device"] = serde_json::json!(crate::describe_device(self.user_agent.as_deref()));
        detail["ip"] = serde_json::json!(self.ip);
    }
}

/// Where the session with this id was signed in from.
pub(crate) async fn place_of(
    pool: &AnyPool,
    id: &SessionId,
) -> Result<Option<SessionPlace>, AuthError> {
    let sql = "SELECT user_agent, ip FROM sessions WHERE session_id = $1";
    one(pool, sql, id.into()).await
}

/// A live session as the "your sessions" list shows it.
#[derive(FromRow)]
pub(crate) struct ListedSession {
    #[sqlx(rename = "session_id", try_from = "Stored")]
    pub id: SessionId,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    #[sqlx(flatten, try_from = "LifetimeColumns")]
    pub lifetime: Lifetime,
    #[sqlx(rename = "signed_in_with", try_from = "Stored")]
    pub method: SignInMethod,
    /// When its browser bound it to its device, if it did.
    #[sqlx(try_from = "MaybeMillis")]
    pub bound_at: Option<Timestamp>,
}

/// The user's live sessions, newest first.
pub(crate) async fn list_live(
    pool: &AnyPool,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Vec<ListedSession>, AuthError> {
    let sql = concat!(
        "SELECT session_id, user_agent, ip, created_at, last_seen_at, idle_timeout_ms, \
         absolute_timeout_ms, signed_in_with, bound_at FROM sessions WHERE user_id = $1 AND ",
        live_at!("", "$2"),
        " ORDER BY created_at DESC, session_id DESC"
    );
    all(pool, sql, &[user_id.into(), now.into()]).await
}
