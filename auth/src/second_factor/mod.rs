//! A user's second factor in storage: their authenticator app (`totp`),
//! their recovery codes (`recovery`), the one check both pass through, and
//! the sign-ins waiting for it (`challenge`).

pub(crate) mod challenge;
mod recovery;
mod totp;

use api::{SecondFactorCode, Timestamp, UserId};
use sqlx::AnyConnection;

use crate::AuthError;

pub(crate) use recovery::{RecoveryCodeSet, count_left as recovery_codes_left};
pub(crate) use totp::{TotpSecret, begin_setup, confirm, find as find_totp, remove};

/// When the user's authenticator app was set up; `None` without one, and
/// while one is only being set up (it counts for nothing yet).
pub(crate) async fn app_since(
    conn: &mut AnyConnection,
    user_id: &UserId,
) -> Result<Option<Timestamp>, AuthError> {
    Ok(totp::find(conn, user_id)
        .await?
        .and_then(|app| app.confirmed_at))
}

/// Whether the user has a second factor: an authenticator app set up, or
/// a passkey.
pub(crate) async fn has_any(conn: &mut AnyConnection, user_id: &UserId) -> Result<bool, AuthError> {
    Ok(app_since(&mut *conn, user_id).await?.is_some()
        || crate::passkey::stored::count(conn, user_id).await? > 0)
}

/// Whether `code`, just refused by [`accept`], is a right code of the
/// user's app that was taken already: a replay, or an older code than the
/// last one taken.
pub(crate) async fn was_taken_already(
    conn: &mut AnyConnection,
    user_id: &UserId,
    code: &SecondFactorCode,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let SecondFactorCode::App(code) = code else {
        return Ok(false);
    };
    let confirmed = totp::find(conn, user_id)
        .await?
        .filter(|app| app.confirmed_at.is_some());
    match confirmed {
        Some(app) => Ok(app.secret.matching_step(code, now)?.is_some()),
        None => Ok(false),
    }
}

/// Whether `code` proves the user's second factor at `now`, and if so uses
/// it up: an app code's step is never accepted again, nor is a recovery
/// code. Run it inside the transaction of what the code unlocks, so two
/// requests racing with one code cannot both pass.
pub(crate) async fn accept(
    conn: &mut AnyConnection,
    user_id: &UserId,
    code: &SecondFactorCode,
    now: Timestamp,
) -> Result<bool, AuthError> {
    match code {
        SecondFactorCode::App(code) => {
            let confirmed = totp::find(&mut *conn, user_id)
                .await?
                .filter(|app| app.confirmed_at.is_some());
            let Some(app) = confirmed else {
                return Ok(false);
            };
            match app.secret.matching_step(code, now)? {
                Some(step) => totp::take_step(conn, user_id, step).await,
                None => Ok(false),
            }
        }
        SecondFactorCode::Recovery(code) => recovery::take(conn, user_id, code, now).await,
    }
}
