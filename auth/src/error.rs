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
    Storage(#[from] sqlx::Error),
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

/// A stored value that should always parse did not: a storage fault.
pub(crate) fn corrupt(what: &str) -> AuthError {
    AuthError::Storage(sqlx::Error::Protocol(format!("stored {what} is malformed")))
}

/// True when a database error is a UNIQUE constraint violation.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}
