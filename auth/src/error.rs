//! The domain's error type and its one mapping onto API error codes.

use api::{ApiError, ErrorCode, InputError, messages};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// A request refused with a message already written for the client.
    #[error(transparent)]
    Rejected(#[from] ApiError),
    #[error("email or password is incorrect")]
    InvalidCredentials,
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("there is no user with that email")]
    NoSuchUser,
    #[error("no valid credential")]
    Unauthenticated,
    #[error("the session has ended")]
    SessionExpired,
    #[error("a rotated-out token of this session was used again")]
    SessionTaken,
    #[error("the session was revoked: {}", .0.as_str())]
    SessionRevoked(api::RevokeReason),
    #[error("only the account owner may do this")]
    Forbidden,
    #[error("this needs a signed-in browser session, not an API token")]
    SessionRequired,
    #[error("the API token's scope ({}) does not allow {action}", .scope.label())]
    OutOfScope {
        scope: api::TokenScope,
        action: &'static str,
    },
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the second-factor code is wrong or was used already")]
    WrongCode,
    #[error("the passkey's answer did not check out: {0}")]
    PasskeyRefused(String),
    #[error("the password must be entered again first")]
    ReauthRequired,
    /// A device's proof for its session did not check out.
    #[error("the device's proof was refused: {0}")]
    DeviceProof(#[from] crate::dbsc::ProofError),
    /// A device signed a challenge that is no live one of its session.
    #[error("the device signed a challenge its session was not given, or one used already")]
    DeviceChallenge,
    /// An action asked for a proof that the table of who may call what
    /// does not ask for its method: refused, and a bug to fix.
    #[error("the table of who may call what does not give this action the {0} it needs")]
    RulesDisagree(&'static str),
    #[error("storage failed: {0}")]
    Storage(sqlx::Error),
    /// The database cannot be reached (or was not, a moment ago): nothing
    /// was done, and nothing is known of the caller's session.
    #[error("the database cannot be reached")]
    Unavailable,
    #[error("password hashing failed: {0}")]
    PasswordHashing(String),
    #[error("too many password hashes are waiting")]
    Busy,
    #[error("the sign-in waiting for a second factor has ended")]
    SignInExpired,
    #[error("the operating system's random number generator failed: {0}")]
    Random(#[from] getrandom::Error),
}

impl From<AuthError> for ApiError {
    /// The single place where domain errors become what clients see. Internal
    /// failures are logged here with their detail and leave as an opaque
    /// `internal` error.
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Input(input) => input.into(),
            AuthError::Rejected(api) => api,
            AuthError::InvalidCredentials => ApiError::new(
                ErrorCode::Unauthenticated,
                messages::WRONG_EMAIL_OR_PASSWORD,
            ),
            AuthError::EmailTaken => ApiError::new(ErrorCode::Conflict, messages::EMAIL_TAKEN),
            AuthError::Unauthenticated => ApiError::unauthenticated(),
            AuthError::NoSuchUser => {
                ApiError::new(ErrorCode::NotFound, "There is no user with that email.")
            }
            AuthError::SessionExpired => ApiError::new(
                ErrorCode::SessionExpired,
                "Your session has ended. Please sign in again.",
            ),
            AuthError::SessionTaken => ApiError::new(
                ErrorCode::SessionTaken,
                "Your session was used from somewhere else, so we ended it. Sign in again, \
                 and change your password if that was not you.",
            ),
            AuthError::SessionRevoked(_) => ApiError::new(
                ErrorCode::SessionRevoked,
                "You were signed out. Please sign in again.",
            ),
            AuthError::SessionRequired => ApiError::new(
                ErrorCode::Forbidden,
                "This needs a signed-in browser session; an API token cannot do it.",
            ),
            AuthError::OutOfScope { scope, action } => ApiError::new(
                ErrorCode::Forbidden,
                format!(
                    "This API token's scope is {}, which does not allow {action}.",
                    scope.label()
                ),
            )
            .with_field("scope"),
            AuthError::Forbidden => {
                ApiError::new(ErrorCode::Forbidden, "Only the account owner can do this.")
            }
            AuthError::ReauthRequired => ApiError::new(
                ErrorCode::ReauthRequired,
                "Enter your password again to do this.",
            ),
            AuthError::DeviceProof(why) => {
                ApiError::invalid_params(format!("The device's proof was refused: {why}."))
            }
            AuthError::DeviceChallenge => ApiError::invalid_params(
                "The proof signs a challenge this session was not given, or one used already.",
            ),
            AuthError::WrongPassword => ApiError {
                field: Some("current_password".into()),
                ..ApiError::invalid_params("Your current password is not correct.")
            },
            AuthError::WrongCode => ApiError {
                field: Some("code".into()),
                ..ApiError::invalid_params(messages::WRONG_CODE)
            },
            AuthError::PasskeyRefused(why) => {
                tracing::info!(%why, "passkey refused");
                ApiError {
                    field: Some("passkey".into()),
                    ..ApiError::invalid_params(messages::PASSKEY_REFUSED)
                }
            }
            AuthError::Busy => ApiError::new(ErrorCode::Busy, messages::BUSY),
            AuthError::Unavailable => ApiError::new(ErrorCode::Unavailable, messages::UNAVAILABLE),
            AuthError::SignInExpired => {
                ApiError::new(ErrorCode::SignInExpired, messages::SIGN_IN_EXPIRED)
            }
            AuthError::Storage(_)
            | AuthError::PasswordHashing(_)
            | AuthError::Random(_)
            | AuthError::RulesDisagree(_) => {
                tracing::error!(error = %err, "internal error");
                ApiError::internal()
            }
        }
    }
}

impl From<sqlx::Error> for AuthError {
    /// A database that cannot be reached is told apart from one that
    /// answered wrongly: the first is `Unavailable` (503, try again), the
    /// second a fault of ours (500).
    fn from(err: sqlx::Error) -> Self {
        if cannot_reach(&err) {
            tracing::warn!(error = %err, "the database cannot be reached");
            AuthError::Unavailable
        } else {
            AuthError::Storage(err)
        }
    }
}

/// Whether `err` says the database could not be reached, rather than what
/// it answered.
fn cannot_reach(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        // The server went away mid-answer, or is shutting down or starting
        // (class 57P: operator intervention; 08: connection exception).
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("57P") || code.starts_with("08")),
        _ => false,
    }
}

/// A stored value that should always parse did not: a storage fault.
pub(crate) fn corrupt(what: &str) -> AuthError {
    AuthError::Storage(sqlx::Error::Protocol(format!("stored {what} is malformed")))
}

/// True when a database error is a UNIQUE constraint violation.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_out_of_reach_is_unavailable_and_a_wrong_answer_is_a_fault_of_ours() {
        for gone in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
            sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        ] {
            let err = AuthError::from(gone);
            assert!(matches!(err, AuthError::Unavailable), "{err:?}");
            assert_eq!(ApiError::from(err).code, ErrorCode::Unavailable);
        }
        let wrong = AuthError::from(sqlx::Error::RowNotFound);
        assert!(matches!(wrong, AuthError::Storage(_)), "{wrong:?}");
        assert_eq!(ApiError::from(wrong).code, ErrorCode::Internal);
    }
}
