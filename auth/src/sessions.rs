//! Sessions in storage, and the rule for when one ends.

use api::{SessionId, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::secret::TokenHash;
use crate::{AuthError, ClientMeta};

/// Why a session was ended; stored in `revoke_reason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevokeReason {
    /// The user signed in on more devices than the cap allows.
    SessionCap,
}

impl RevokeReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            RevokeReason::SessionCap => "session_cap",
        }
    }
}

/// A session's two deadlines. It ends at the earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    /// `last_seen + idle timeout`: moves with activity.
    pub idle_ends_at: Timestamp,
    /// `created + absolute timeout`: never moves later.
    pub absolute_ends_at: Timestamp,
}

impl Deadlines {
    pub fn ends_at(self) -> Timestamp {
        self.idle_ends_at.min(self.absolute_ends_at)
    }

    pub fn has_ended(self, now: Timestamp) -> bool {
        now >= self.ends_at()
    }
}

/// A session row joined with its user and account.
#[derive(FromRow)]
pub(crate) struct SessionRow {
    pub session_id: String,
    pub user_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub idle_timeout_ms: i64,
    pub absolute_timeout_ms: i64,
    pub revoked_at: Option<i64>,
    pub account_id: String,
    pub role: String,
    pub name: String,
    pub email: String,
    pub account_name: String,
}

impl SessionRow {
    pub fn deadlines(&self) -> Deadlines {
        Deadlines {
            idle_ends_at: Timestamp::from_millis(
                self.last_seen_at.saturating_add(self.idle_timeout_ms),
            ),
            absolute_ends_at: Timestamp::from_millis(
                self.created_at.saturating_add(self.absolute_timeout_ms),
            ),
        }
    }
}

pub(crate) async fn find_by_token_hash(
    pool: &AnyPool,
    hash: &TokenHash,
) -> Result<Option<SessionRow>, AuthError> {
    Ok(sqlx::query_as::<_, SessionRow>(
        "SELECT s.session_id, s.user_id, s.created_at, s.last_seen_at, s.idle_timeout_ms, \
         s.absolute_timeout_ms, s.revoked_at, u.account_id, u.role, u.name, u.email, \
         a.name AS account_name \
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id \
         WHERE s.token_hash = $1",
    )
    .bind(hash.as_str())
    .fetch_optional(pool)
    .await?)
}

/// What a new session row holds besides its user.
pub(crate) struct NewSessionRow<'a> {
    pub id: &'a SessionId,
    pub user_id: &'a UserId,
    pub token_hash: &'a TokenHash,
    pub idle_timeout_ms: i64,
    pub absolute_timeout_ms: i64,
    pub meta: &'a ClientMeta,
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    row: &NewSessionRow<'_>,
    now: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query(
        "INSERT INTO sessions (session_id, user_id, token_hash, rotated_at, created_at, \
         last_seen_at, idle_timeout_ms, absolute_timeout_ms, user_agent, ip) \
         VALUES ($1, $2, $3, $4, $4, $4, $5, $6, $7, $8)",
    )
    .bind(row.id.as_str())
    .bind(row.user_id.as_str())
    .bind(row.token_hash.as_str())
    .bind(now.as_millis())
    .bind(row.idle_timeout_ms)
    .bind(row.absolute_timeout_ms)
    .bind(row.meta.user_agent.as_deref())
    .bind(row.meta.ip.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends the user's oldest live sessions so at most `cap` remain, and returns
/// the ended ids. Run it in the sign-in transaction, after the insert.
pub(crate) async fn enforce_cap(
    conn: &mut AnyConnection,
    user_id: &UserId,
    cap: usize,
    now: Timestamp,
) -> Result<Vec<SessionId>, AuthError> {
    let live: Vec<String> = sqlx::query_scalar(
        "SELECT session_id FROM sessions \
         WHERE user_id = $1 AND revoked_at IS NULL \
           AND last_seen_at + idle_timeout_ms > $2 AND created_at + absolute_timeout_ms > $2 \
         ORDER BY created_at DESC, session_id DESC",
    )
    .bind(user_id.as_str())
    .bind(now.as_millis())
    .fetch_all(&mut *conn)
    .await?;
    let mut evicted = Vec::new();
    for id in live.into_iter().skip(cap) {
        revoke(&mut *conn, &id, RevokeReason::SessionCap, now).await?;
        if let Ok(id) = SessionId::parse(&id) {
            evicted.push(id);
        }
    }
    Ok(evicted)
}

async fn revoke(
    conn: &mut AnyConnection,
    session_id: &str,
    reason: RevokeReason,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoke_reason = $2 \
         WHERE session_id = $3 AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(reason.as_str())
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes a session outright (sign-out: nothing about it is worth keeping).
pub(crate) async fn delete(pool: &AnyPool, session_id: &SessionId) -> Result<bool, AuthError> {
    let done = sqlx::query("DELETE FROM sessions WHERE session_id = $1")
        .bind(session_id.as_str())
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadlines(idle: i64, absolute: i64) -> Deadlines {
        Deadlines {
            idle_ends_at: Timestamp::from_millis(idle),
            absolute_ends_at: Timestamp::from_millis(absolute),
        }
    }

    #[test]
    fn a_session_ends_at_the_earlier_deadline() {
        assert_eq!(deadlines(100, 200).ends_at().as_millis(), 100);
        assert_eq!(deadlines(300, 200).ends_at().as_millis(), 200);
    }

    #[test]
    fn a_session_has_ended_at_its_deadline_not_before() {
        let d = deadlines(100, 200);
        assert!(!d.has_ended(Timestamp::from_millis(99)));
        assert!(d.has_ended(Timestamp::from_millis(100)));
    }
}
