//! A session's tokens rotated: replaced, replaced again when the new one
//! never arrived, marked once presented, and every retired one kept until
//! the session's absolute end (see [`crate::session::Tokens`] for what
//! each is worth).

use api::{SessionId, Timestamp};
use sqlx::AnyConnection;

use super::read::StoredSession;
use crate::AuthError;
use crate::secret::TokenHash;
use crate::store::query::execute;
use crate::store::values::Value;

/// Replaces the current token, but only if it is still `old` (a parallel
/// request may have rotated first). The new token counts as presented only
/// once it is (see [`mark_token_seen`]). The old hash is kept as retired
/// until the session's absolute end. Returns whether this call rotated.
pub(crate) async fn rotate(
    conn: &mut AnyConnection,
    session: &StoredSession,
    old: &TokenHash,
    new: &TokenHash,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let sql = "UPDATE sessions SET token_hash = $1, previous_token_hash = $2, rotated_at = $3, \
                 token_seen_at = NULL \
               WHERE session_id = $4 AND token_hash = $2 AND revoked_at IS NULL";
    let values = [new.into(), old.into(), now.into(), (&session.id).into()];
    replace(conn, session, old, (sql, &values), now).await
}

/// Gives a session bound to its device a new cookie, good until
/// `cookie_expires_at`, in place of its current token (retired as a
/// rotation retires it, so connections opened with it reconnect after its
/// grace). Its device proved itself; no time-based rotation happens to a
/// bound session. Whether it renewed it (not once the session ended).
pub(crate) async fn renew_bound_cookie(
    conn: &mut AnyConnection,
    session: &StoredSession,
    new: &TokenHash,
    cookie_expires_at: Timestamp,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let old = &session.tokens.current;
    let sql = "UPDATE sessions SET token_hash = $1, previous_token_hash = $2, rotated_at = $3, \
                 token_seen_at = NULL, cookie_expires_at = $4 \
               WHERE session_id = $5 AND token_hash = $2 AND revoked_at IS NULL";
    let values = [
        new.into(),
        old.into(),
        now.into(),
        cookie_expires_at.into(),
        (&session.id).into(),
    ];
    replace(conn, session, old, (sql, &values), now).await
}

/// Replaces a current token that was never presented (its response was
/// lost) with `new`, while the browser still holds `previous`. The
/// replaced token is kept as retired: whoever presents it later holds a
/// copy that its browser never used. Returns whether this call replaced it.
pub(crate) async fn replace_unseen(
    conn: &mut AnyConnection,
    session: &StoredSession,
    previous: &TokenHash,
    new: &TokenHash,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let unseen = &session.tokens.current;
    let sql = "UPDATE sessions SET token_hash = $1, rotated_at = $2 \
               WHERE session_id = $3 AND token_hash = $4 AND previous_token_hash = $5 \
                 AND token_seen_at IS NULL AND revoked_at IS NULL";
    let values = [
        new.into(),
        now.into(),
        (&session.id).into(),
        unseen.into(),
        previous.into(),
    ];
    replace(conn, session, unseen, (sql, &values), now).await
}

/// Runs `update` with its values, which replaces the session's token
/// `replaced`, and once it did, keeps `replaced` as retired until the
/// session's absolute end. Whether it replaced it.
async fn replace(
    conn: &mut AnyConnection,
    session: &StoredSession,
    replaced: &TokenHash,
    (update, values): (&'static str, &[Value<'_>]),
    now: Timestamp,
) -> Result<bool, AuthError> {
    if execute(&mut *conn, update, values).await? == 0 {
        return Ok(false);
    }
    let keep = "INSERT INTO retired_session_tokens (token_hash, session_id, retired_at, expires_at) \
                VALUES ($1, $2, $3, $4)";
    let until = session.lifetime.absolute_end();
    let values = [
        replaced.into(),
        (&session.id).into(),
        now.into(),
        until.into(),
    ];
    execute(conn, keep, &values).await?;
    Ok(true)
}

/// Records that the session's current token `hash` has now been presented;
/// false when it already had been (or is no longer current).
pub(crate) async fn mark_token_seen(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    hash: &TokenHash,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let sql = "UPDATE sessions SET token_seen_at = $1 \
               WHERE session_id = $2 AND token_hash = $3 AND token_seen_at IS NULL";
    let values = [now.into(), session_id.into(), hash.into()];
    Ok(execute(conn, sql, &values).await? > 0)
}
