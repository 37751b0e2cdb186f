//! Passkey ceremonies between their two requests (`passkey_ceremonies`):
//! what the answer is checked against, for five minutes, taken once.

use api::{Timestamp, UserId};
use sqlx::AnyConnection;

use crate::AuthError;
use crate::secret::TokenHash;

/// How long a ceremony waits for the browser's answer: WebAuthn's own
/// timeout, which webauthn-rs sends.
pub(crate) const LIFETIME_MS: i64 = 5 * 60 * 1000;

/// What a ceremony is for; an answer counts only for what it was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Registering a new passkey of the user.
    Register,
    /// Signing in with a passkey alone (no user until it answers).
    SignIn,
    /// The second step of a sign-in, after the password.
    SecondFactor,
    /// Confirming it is you before a sensitive action.
    Confirm,
    /// The second factor of choosing a new password through a link from
    /// the mail.
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::SignIn => "sign_in",
            Purpose::SecondFactor => "second_factor",
            Purpose::Confirm => "confirm",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    (token, purpose): (&TokenHash, Purpose),
    user_id: Option<&UserId>,
    state: &str,
    now: Timestamp,
) -> Result<(), AuthError> {
    sqlx::query(
        "INSERT INTO passkey_ceremonies (token_hash, user_id, purpose, state, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token.as_str())
    .bind(user_id.map(UserId::as_str))
    .bind(purpose.as_str())
    .bind(state)
    .bind(now.as_millis())
    .bind(now.plus_millis(LIFETIME_MS).as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes the live ceremony with this token, for `purpose` and of `user_id`
/// (`None` for a passkey-alone sign-in): its state, or `None` when there is
/// no such ceremony (another user's is left alone), it expired, or a
/// request racing this one took it.
pub(crate) async fn take(
    conn: &mut AnyConnection,
    (token, purpose): (&TokenHash, Purpose),
    user_id: Option<&UserId>,
    now: Timestamp,
) -> Result<Option<String>, AuthError> {
    let state = match user_id {
        Some(user_id) => {
            sqlx::query_scalar(
                "DELETE FROM passkey_ceremonies WHERE token_hash = $1 AND purpose = $2 \
             AND expires_at > $3 AND user_id = $4 RETURNING state",
            )
            .bind(token.as_str())
            .bind(purpose.as_str())
            .bind(now.as_millis())
            .bind(user_id.as_str())
            .fetch_optional(conn)
            .await?
        }
        None => {
            sqlx::query_scalar(
                "DELETE FROM passkey_ceremonies WHERE token_hash = $1 AND purpose = $2 \
             AND expires_at > $3 AND user_id IS NULL RETURNING state",
            )
            .bind(token.as_str())
            .bind(purpose.as_str())
            .bind(now.as_millis())
            .fetch_optional(conn)
            .await?
        }
    };
    Ok(state)
}
