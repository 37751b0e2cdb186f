//! Sessions in storage, and the rule for when one ends.

use api::{RevokeReason, SessionId, SignInMethod, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::error::corrupt;
use crate::secret::TokenHash;
use crate::users::{UserColumns, without_second_factor};
use crate::{AuthError, ClientMeta};

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

/// What one of a session's tokens is worth now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenStanding {
    /// The session's current token.
    Current,
    /// The token before the current one, while the current one has not been
    /// presented yet: the response that carried it may never have arrived.
    PreviousAwaitingNew,
    /// The token before the current one, in its grace after the current one
    /// was first presented (parallel requests, other tabs).
    PreviousInGrace { until: Timestamp },
    /// Any other token the session once had: presenting it is theft.
    Retired,
}

/// A session row joined with its user and account.
#[derive(Clone, FromRow)]
pub(crate) struct SessionRow {
    pub session_id: String,
    pub token_hash: String,
    pub previous_token_hash: Option<String>,
    pub rotated_at: i64,
    /// When the current token was first presented; `None` until then.
    pub token_seen_at: Option<i64>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub idle_timeout_ms: i64,
    pub absolute_timeout_ms: i64,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    pub signed_in_with: String,
    #[sqlx(flatten)]
    pub user: UserColumns,
}

impl SessionRow {
    pub fn deadlines(&self) -> Deadlines {
        Deadlines {
            idle_ends_at: Timestamp::from_millis(
                self.last_seen_at.saturating_add(self.idle_timeout_ms),
            ),
            absolute_ends_at: self.absolute_end(),
        }
    }

    /// How the session was signed in.
    pub fn method(&self) -> Result<SignInMethod, AuthError> {
        SignInMethod::parse(&self.signed_in_with).ok_or_else(|| corrupt("sign-in method"))
    }

    pub fn absolute_end(&self) -> Timestamp {
        Timestamp::from_millis(self.created_at.saturating_add(self.absolute_timeout_ms))
    }

    /// What the token with `hash` is worth now, with `grace` for the
    /// previous token once the current one has been presented.
    pub fn standing_of(&self, hash: &TokenHash, now: Timestamp, grace_ms: i64) -> TokenStanding {
        if self.token_hash == hash.as_str() {
            return TokenStanding::Current;
        }
        if self.previous_token_hash.as_deref() != Some(hash.as_str()) {
            return TokenStanding::Retired;
        }
        match self.token_seen_at {
            None => TokenStanding::PreviousAwaitingNew,
            Some(seen) => {
                let until = Timestamp::from_millis(seen.saturating_add(grace_ms));
                if now < until {
                    TokenStanding::PreviousInGrace { until }
                } else {
                    TokenStanding::Retired
                }
            }
        }
    }

    pub fn revoke_reason(&self) -> Option<RevokeReason> {
        self.revoked_at?;
        // An unknown stored reason still means revoked.
        Some(
            self.revoke_reason
                .as_deref()
                .and_then(RevokeReason::parse)
                .unwrap_or(RevokeReason::Revoked),
        )
    }
}

/// The condition for a live session (not revoked, neither end reached) at
/// the time bound as `$now`, on the columns of `sessions` prefixed with
/// `$table` (an alias and a dot, or nothing).
macro_rules! live_at {
    ($table:literal, $now:literal) => {
        concat!(
            $table,
            "revoked_at IS NULL AND ",
            $table,
            "last_seen_at + ",
            $table,
            "idle_timeout_ms > ",
            $now,
            " AND ",
            $table,
            "created_at + ",
            $table,
            "absolute_timeout_ms > ",
            $now
        )
    };
}
pub(crate) use live_at;

/// Session ids as stored; one that does not parse is a storage fault,
/// reported, never skipped.
fn parsed_ids(ids: &[String]) -> Result<Vec<SessionId>, AuthError> {
    ids.iter()
        .map(|id| SessionId::parse(id).map_err(|_| corrupt("session id")))
        .collect()
}

macro_rules! select_session {
    ($where:literal) => {
        concat!(
            "SELECT s.session_id, s.user_id, s.token_hash, s.previous_token_hash, s.rotated_at, \
             s.token_seen_at, s.created_at, \
             s.last_seen_at, s.idle_timeout_ms, s.absolute_timeout_ms, s.revoked_at, s.revoke_reason, \
             s.signed_in_with, u.account_id, u.role, u.name, u.email, a.name AS account_name \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id ",
            $where
        )
    };
}

/// The session whose current token has this hash.
pub(crate) async fn find_by_token_hash(
    pool: &AnyPool,
    hash: &TokenHash,
) -> Result<Option<SessionRow>, AuthError> {
    Ok(
        sqlx::query_as::<_, SessionRow>(select_session!("WHERE s.token_hash = $1"))
            .bind(hash.as_str())
            .fetch_optional(pool)
            .await?,
    )
}

/// The session that once had a token with this hash (rotated out since).
pub(crate) async fn find_by_retired_hash(
    pool: &AnyPool,
    hash: &TokenHash,
) -> Result<Option<SessionRow>, AuthError> {
    Ok(sqlx::query_as::<_, SessionRow>(select_session!(
        "JOIN retired_session_tokens r ON r.session_id = s.session_id WHERE r.token_hash = $1"
    ))
    .bind(hash.as_str())
    .fetch_optional(pool)
    .await?)
}

/// The session with this public id.
pub(crate) async fn find_by_id(
    pool: &AnyPool,
    id: &SessionId,
) -> Result<Option<SessionRow>, AuthError> {
    Ok(
        sqlx::query_as::<_, SessionRow>(select_session!("WHERE s.session_id = $1"))
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?,
    )
}

/// A live session as the "your sessions" list shows it.
#[derive(FromRow)]
pub(crate) struct ListedSession {
    pub session_id: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub idle_timeout_ms: i64,
    pub absolute_timeout_ms: i64,
    pub signed_in_with: String,
}

/// The user's live sessions, newest first.
pub(crate) async fn list_live(
    pool: &AnyPool,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Vec<ListedSession>, AuthError> {
    Ok(sqlx::query_as::<_, ListedSession>(concat!(
        "SELECT session_id, user_agent, ip, created_at, last_seen_at, idle_timeout_ms, absolute_timeout_ms, \
         signed_in_with FROM sessions WHERE user_id = $1 AND ",
        live_at!("", "$2"),
        " ORDER BY created_at DESC, session_id DESC"
    ))
    .bind(user_id.as_str())
    .bind(now.as_millis())
    .fetch_all(pool)
    .await?)
}

/// A user of an account with live sessions, and their latest activity.
#[derive(FromRow)]
pub(crate) struct ActiveUserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub last_active_at: i64,
}

/// Users of the account with at least one live session, most recently active first.
pub(crate) async fn active_users(
    pool: &AnyPool,
    account_id: &api::AccountId,
    now: Timestamp,
) -> Result<Vec<ActiveUserRow>, AuthError> {
    Ok(sqlx::query_as::<_, ActiveUserRow>(concat!(
        "SELECT u.id, u.name, u.email, MAX(s.last_seen_at) AS last_active_at \
         FROM users u JOIN sessions s ON s.user_id = u.id \
         WHERE u.account_id = $1 AND ",
        live_at!("s.", "$2"),
        " GROUP BY u.id, u.name, u.email \
         ORDER BY last_active_at DESC, u.id"
    ))
    .bind(account_id.as_str())
    .bind(now.as_millis())
    .fetch_all(pool)
    .await?)
}

/// Whose live sessions [`revoke_live`] ends.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Whose<'a> {
    User(&'a UserId),
    Account(&'a api::AccountId),
    /// The users of the account with no second factor.
    WithoutSecondFactor(&'a api::AccountId),
    Everyone,
}

/// The statement that revokes the live sessions matching `$who`, with `$3`
/// the user or account (or nothing) and `$4` the session to keep.
macro_rules! revoke_live_where {
    ($who:expr) => {
        concat!(
            "UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE ",
            $who,
            " AND session_id <> $4 AND ",
            live_at!("", "$1"),
            " RETURNING session_id"
        )
    };
}

/// Revokes every live session of `whose` except `keep`; returns their ids.
pub(crate) async fn revoke_live(
    conn: &mut AnyConnection,
    whose: Whose<'_>,
    keep: Option<&SessionId>,
    reason: RevokeReason,
    now: Timestamp,
) -> Result<Vec<SessionId>, AuthError> {
    let (statement, owner) = match whose {
        Whose::User(user_id) => (revoke_live_where!("user_id = $3"), user_id.as_str()),
        Whose::Account(account_id) => (
            revoke_live_where!("user_id IN (SELECT id FROM users WHERE account_id = $3)"),
            account_id.as_str(),
        ),
        Whose::WithoutSecondFactor(account_id) => (
            revoke_live_where!(concat!("user_id IN (", without_second_factor!("$3"), ")")),
            account_id.as_str(),
        ),
        Whose::Everyone => (revoke_live_where!("$3 = ''"), ""),
    };
    let ended: Vec<String> = sqlx::query_scalar(statement)
        .bind(now.as_millis())
        .bind(reason.as_str())
        .bind(owner)
        .bind(keep.map_or("", SessionId::as_str))
        .fetch_all(conn)
        .await?;
    parsed_ids(&ended)
}

/// Revokes one of the user's sessions; false when the user has no such live
/// session (whether or not it exists for someone else).
pub(crate) async fn revoke_own(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    user_id: &UserId,
    reason: RevokeReason,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoke_reason = $2 \
         WHERE session_id = $3 AND user_id = $4 AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(reason.as_str())
    .bind(session_id.as_str())
    .bind(user_id.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// What a new session row holds besides its user.
pub(crate) struct NewSessionRow<'a> {
    pub id: &'a SessionId,
    pub user_id: &'a UserId,
    pub token_hash: &'a TokenHash,
    pub idle_timeout_ms: i64,
    pub absolute_timeout_ms: i64,
    pub meta: &'a ClientMeta,
    pub method: SignInMethod,
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    row: &NewSessionRow<'_>,
    now: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query(
        "INSERT INTO sessions (session_id, user_id, token_hash, rotated_at, token_seen_at, \
         created_at, last_seen_at, idle_timeout_ms, absolute_timeout_ms, user_agent, ip, \
         signed_in_with) VALUES ($1, $2, $3, $4, $4, $4, $4, $5, $6, $7, $8, $9)",
    )
    .bind(row.id.as_str())
    .bind(row.user_id.as_str())
    .bind(row.token_hash.as_str())
    .bind(now.as_millis())
    .bind(row.idle_timeout_ms)
    .bind(row.absolute_timeout_ms)
    .bind(row.meta.user_agent.as_deref())
    .bind(row.meta.ip.as_deref())
    .bind(row.method.as_str())
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
    let live = live_ids_newest_first(&mut *conn, user_id, now).await?;
    let mut evicted = Vec::new();
    for id in live.into_iter().skip(cap) {
        if revoke(&mut *conn, &id, RevokeReason::SessionCap, now).await? {
            evicted.push(id);
        }
    }
    Ok(evicted)
}

async fn live_ids_newest_first(
    conn: &mut AnyConnection,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Vec<SessionId>, AuthError> {
    let ids: Vec<String> = sqlx::query_scalar(concat!(
        "SELECT session_id FROM sessions WHERE user_id = $1 AND ",
        live_at!("", "$2"),
        " ORDER BY created_at DESC, session_id DESC"
    ))
    .bind(user_id.as_str())
    .bind(now.as_millis())
    .fetch_all(conn)
    .await?;
    parsed_ids(&ids)
}

/// Marks a live session revoked; false when it already was (or is gone).
pub(crate) async fn revoke(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    reason: RevokeReason,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoke_reason = $2 \
         WHERE session_id = $3 AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(reason.as_str())
    .bind(session_id.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Replaces the current token, but only if it is still `old` (a parallel
/// request may have rotated first). The new token counts as presented only
/// once it is (see [`mark_token_seen`]). The old hash is kept as retired
/// until the session's absolute end. Returns whether this call rotated.
pub(crate) async fn rotate(
    conn: &mut AnyConnection,
    session: &SessionRow,
    old: &TokenHash,
    new: &TokenHash,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE sessions SET token_hash = $1, previous_token_hash = $2, rotated_at = $3, \
           token_seen_at = NULL \
         WHERE session_id = $4 AND token_hash = $2 AND revoked_at IS NULL",
    )
    .bind(new.as_str())
    .bind(old.as_str())
    .bind(now.as_millis())
    .bind(&session.session_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    keep_retired(conn, session, old, now).await?;
    Ok(true)
}

/// Replaces a current token that was never presented (its response was
/// lost) with `new`, while the browser still holds `previous`. The
/// replaced token is kept as retired: whoever presents it later holds a
/// copy that its browser never used. Returns whether this call replaced it.
pub(crate) async fn replace_unseen(
    conn: &mut AnyConnection,
    session: &SessionRow,
    previous: &TokenHash,
    new: &TokenHash,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let unseen = TokenHash::from_stored(&session.token_hash);
    let done = sqlx::query(
        "UPDATE sessions SET token_hash = $1, rotated_at = $2 \
         WHERE session_id = $3 AND token_hash = $4 AND previous_token_hash = $5 \
           AND token_seen_at IS NULL AND revoked_at IS NULL",
    )
    .bind(new.as_str())
    .bind(now.as_millis())
    .bind(&session.session_id)
    .bind(unseen.as_str())
    .bind(previous.as_str())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    keep_retired(conn, session, &unseen, now).await?;
    Ok(true)
}

async fn keep_retired(
    conn: &mut AnyConnection,
    session: &SessionRow,
    hash: &TokenHash,
    now: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query(
        "INSERT INTO retired_session_tokens (token_hash, session_id, retired_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(hash.as_str())
    .bind(&session.session_id)
    .bind(now.as_millis())
    .bind(session.absolute_end().as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// Records that the session's current token `hash` has now been presented;
/// false when it already had been (or is no longer current).
pub(crate) async fn mark_token_seen(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    hash: &TokenHash,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE sessions SET token_seen_at = $1 \
         WHERE session_id = $2 AND token_hash = $3 AND token_seen_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(session_id.as_str())
    .bind(hash.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Moves `last_seen` forward (never back, never on a revoked session).
pub(crate) async fn touch(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    at: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query(
        "UPDATE sessions SET last_seen_at = $1 \
         WHERE session_id = $2 AND last_seen_at < $1 AND revoked_at IS NULL",
    )
    .bind(at.as_millis())
    .bind(session_id.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Shortens the live sessions of an account to at most these timeouts.
/// Never lengthens one. Returns how many changed.
pub(crate) async fn shorten_for_account(
    conn: &mut AnyConnection,
    account_id: &api::AccountId,
    idle_timeout: std::time::Duration,
    absolute_timeout: std::time::Duration,
) -> Result<u64, AuthError> {
    let done = sqlx::query(
        "UPDATE sessions SET \
           idle_timeout_ms = CASE WHEN idle_timeout_ms > $1 THEN $1 ELSE idle_timeout_ms END, \
           absolute_timeout_ms = CASE WHEN absolute_timeout_ms > $2 THEN $2 ELSE absolute_timeout_ms END \
         WHERE revoked_at IS NULL AND (idle_timeout_ms > $1 OR absolute_timeout_ms > $2) \
           AND user_id IN (SELECT id FROM users WHERE account_id = $3)",
    )
    .bind(api::millis(idle_timeout))
    .bind(api::millis(absolute_timeout))
    .bind(account_id.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Removes a session outright (sign-out: nothing about it is worth keeping).
pub(crate) async fn delete(
    conn: &mut AnyConnection,
    session_id: &SessionId,
) -> Result<bool, AuthError> {
    let done = sqlx::query("DELETE FROM sessions WHERE session_id = $1")
        .bind(session_id.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// What a cleanup pass removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cleanup {
    pub sessions: u64,
    pub retired_tokens: u64,
    /// Sign-ins that waited for a second factor until they expired.
    pub challenges: u64,
}

/// Deletes retired token hashes past their session's absolute end, and
/// sessions that ended (by time or revocation) more than `retention_ms` ago.
pub(crate) async fn delete_ended(
    conn: &mut AnyConnection,
    now: Timestamp,
    retention_ms: i64,
) -> Result<Cleanup, AuthError> {
    let retired = sqlx::query("DELETE FROM retired_session_tokens WHERE expires_at <= $1")
        .bind(now.as_millis())
        .execute(&mut *conn)
        .await?;
    let cutoff = now.plus_millis(-retention_ms).as_millis();
    let sessions = sqlx::query(
        "DELETE FROM sessions WHERE created_at + absolute_timeout_ms <= $1 \
           OR last_seen_at + idle_timeout_ms <= $1 OR revoked_at <= $1",
    )
    .bind(cutoff)
    .execute(&mut *conn)
    .await?;
    Ok(Cleanup {
        sessions: sessions.rows_affected(),
        retired_tokens: retired.rows_affected(),
        challenges: 0,
    })
}

/// When the user last entered their password in this session: at sign-in,
/// or when they confirmed it since. `None` when there is no such session.
pub(crate) async fn password_entered_at(
    pool: &AnyPool,
    session_id: &SessionId,
) -> Result<Option<Timestamp>, AuthError> {
    let row: Option<(Option<i64>, i64)> =
        sqlx::query_as("SELECT password_at, created_at FROM sessions WHERE session_id = $1")
            .bind(session_id.as_str())
            .fetch_optional(pool)
            .await?;
    Ok(row
        .map(|(password_at, created_at)| Timestamp::from_millis(password_at.unwrap_or(created_at))))
}

/// Records that the user just entered their password in this session.
pub(crate) async fn set_password_entered(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    now: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query("UPDATE sessions SET password_at = $1 WHERE session_id = $2")
        .bind(now.as_millis())
        .bind(session_id.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The devices (as shown to people) the user's sessions on record were
/// signed in from, ended ones included while they are kept.
pub(crate) async fn devices_of(
    conn: &mut AnyConnection,
    user_id: &UserId,
) -> Result<Vec<String>, AuthError> {
    let agents: Vec<Option<String>> =
        sqlx::query_scalar("SELECT user_agent FROM sessions WHERE user_id = $1")
            .bind(user_id.as_str())
            .fetch_all(conn)
            .await?;
    Ok(agents
        .iter()
        .map(|agent| crate::describe_device(agent.as_deref()))
        .collect())
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
