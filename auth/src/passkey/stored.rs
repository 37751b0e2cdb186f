//! Registered passkeys (`passkeys`).

use api::{PasskeyId, PasskeyInfo, Timestamp, UserId};
use sqlx::{AnyConnection, FromRow};
use webauthn_rs::prelude::Passkey;

use crate::AuthError;
use crate::error::{corrupt, is_unique_violation};

#[derive(FromRow)]
struct Row {
    id: String,
    user_id: String,
    name: String,
    passkey: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

/// A registered passkey: whose, and the key webauthn-rs checks answers with.
pub(crate) struct StoredPasskey {
    pub id: PasskeyId,
    pub user_id: UserId,
    pub info: PasskeyInfo,
    pub passkey: Passkey,
}

impl TryFrom<Row> for StoredPasskey {
    type Error = AuthError;

    fn try_from(row: Row) -> Result<Self, AuthError> {
        let id = PasskeyId::parse(&row.id).map_err(|_| corrupt("passkey id"))?;
        Ok(Self {
            user_id: UserId::parse(&row.user_id).map_err(|_| corrupt("passkey user id"))?,
            passkey: serde_json::from_str(&row.passkey).map_err(|_| corrupt("passkey"))?,
            info: PasskeyInfo {
                passkey_id: id.clone(),
                name: row.name,
                created_at: Timestamp::from_millis(row.created_at),
                last_used_at: row.last_used_at.map(Timestamp::from_millis),
            },
            id,
        })
    }
}

/// The passkeys matching `$where`, every column.
macro_rules! select_passkeys {
    ($where:literal) => {
        concat!(
            "SELECT id, user_id, name, passkey, created_at, last_used_at FROM passkeys ",
            $where
        )
    };
}

/// The user's passkeys, oldest first.
pub(crate) async fn of_user(
    conn: &mut AnyConnection,
    user_id: &UserId,
) -> Result<Vec<StoredPasskey>, AuthError> {
    let rows: Vec<Row> = sqlx::query_as(select_passkeys!(
        "WHERE user_id = $1 ORDER BY created_at, id"
    ))
    .bind(user_id.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(StoredPasskey::try_from).collect()
}

/// The passkey with this credential id, whoever's it is.
pub(crate) async fn by_credential(
    conn: &mut AnyConnection,
    credential_id: &str,
) -> Result<Option<StoredPasskey>, AuthError> {
    let row: Option<Row> = sqlx::query_as(select_passkeys!("WHERE credential_id = $1"))
        .bind(credential_id)
        .fetch_optional(conn)
        .await?;
    row.map(StoredPasskey::try_from).transpose()
}

/// How many passkeys the user has.
pub(crate) async fn count(conn: &mut AnyConnection, user_id: &UserId) -> Result<usize, AuthError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE user_id = $1")
        .bind(user_id.as_str())
        .fetch_one(conn)
        .await?;
    Ok(usize::try_from(count).unwrap_or(0))
}

pub(crate) struct NewPasskey<'a> {
    pub id: &'a PasskeyId,
    pub user_id: &'a UserId,
    pub name: &'a str,
    pub passkey: &'a Passkey,
}

/// Keeps a new passkey; `false` when its credential is registered already
/// (to this user or another).
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    new: &NewPasskey<'_>,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let json = serde_json::to_string(new.passkey).map_err(|_| corrupt("passkey"))?;
    let inserted = sqlx::query(
        "INSERT INTO passkeys (id, user_id, credential_id, name, passkey, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new.id.as_str())
    .bind(new.user_id.as_str())
    .bind(super::credential_id(new.passkey))
    .bind(new.name)
    .bind(json)
    .bind(now.as_millis())
    .execute(conn)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if is_unique_violation(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Records that the passkey was used, with its counter moved on when
/// `changed`.
pub(crate) async fn record_use(
    conn: &mut AnyConnection,
    id: &PasskeyId,
    passkey: &Passkey,
    now: Timestamp,
) -> Result<(), AuthError> {
    let json = serde_json::to_string(passkey).map_err(|_| corrupt("passkey"))?;
    sqlx::query("UPDATE passkeys SET passkey = $1, last_used_at = $2 WHERE id = $3")
        .bind(json)
        .bind(now.as_millis())
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes one of the user's passkeys; `false` when they have no such one.
pub(crate) async fn remove(
    conn: &mut AnyConnection,
    user_id: &UserId,
    id: &PasskeyId,
) -> Result<bool, AuthError> {
    let removed = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
        .bind(id.as_str())
        .bind(user_id.as_str())
        .execute(conn)
        .await?;
    Ok(removed.rows_affected() == 1)
}

/// Removes every passkey of the user; how many.
pub(crate) async fn remove_all(
    conn: &mut AnyConnection,
    user_id: &UserId,
) -> Result<u64, AuthError> {
    let removed = sqlx::query("DELETE FROM passkeys WHERE user_id = $1")
        .bind(user_id.as_str())
        .execute(conn)
        .await?;
    Ok(removed.rows_affected())
}
