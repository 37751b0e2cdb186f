//! Stable error codes and the error body every transport returns.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code. Clients branch on this, never on
/// the message, so a variant's serialized name must never change.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No valid credential came with the request.
    Unauthenticated,
    /// The session reached its idle or absolute end.
    SessionExpired,
    /// A rotated-out session token was used again; the session was ended.
    SessionTaken,
    /// The session was ended: signed out elsewhere, by the owner, or by a
    /// password change.
    SessionRevoked,
    /// The caller is signed in but may not do this.
    Forbidden,
    /// The request was understood but a parameter is missing or wrong.
    InvalidParams,
    /// The request body is larger than the server accepts.
    PayloadTooLarge,
    /// The thing asked for does not exist (for this caller).
    NotFound,
    /// The address exists but does not take this HTTP method.
    MethodNotAllowed,
    /// A sensitive action needs the password entered again
    /// (`account_password_confirm`), then the same request again.
    ReauthRequired,
    /// Too many attempts; try again later.
    RateLimited,
    /// The request conflicts with the current state (for example a taken email).
    Conflict,
    /// Something failed on the server; details are in the server log only.
    Internal,
    /// The server has too much of this work waiting (password hashing);
    /// nothing was done. Try again in a moment (`Retry-After`).
    Busy,
    /// The server cannot reach its database just now; nothing was done,
    /// and a session is not ended by it. Try again in a moment
    /// (`Retry-After`).
    Unavailable,
    /// The sign-in waiting for a second factor has ended (five minutes went
    /// by, or too many wrong codes); sign in with the password again.
    SignInExpired,
    /// The address someone was to be invited with already has an account
    /// (here or in another team): nobody was invited.
    AlreadyHasAccount,
    /// The server sends no mail (`--no-mail`), so it cannot invite anyone:
    /// add the member with a first password instead.
    MailOff,
    /// The address someone is changing theirs to is another account's
    /// already: nothing changed.
    EmailTaken,
}

impl ErrorCode {
    /// Every code, for exhaustive tests and documentation.
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::Unauthenticated,
        ErrorCode::SessionExpired,
        ErrorCode::SessionTaken,
        ErrorCode::SessionRevoked,
        ErrorCode::Forbidden,
        ErrorCode::InvalidParams,
        ErrorCode::PayloadTooLarge,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::ReauthRequired,
        ErrorCode::RateLimited,
        ErrorCode::Conflict,
        ErrorCode::Internal,
        ErrorCode::Busy,
        ErrorCode::Unavailable,
        ErrorCode::SignInExpired,
        ErrorCode::AlreadyHasAccount,
        ErrorCode::MailOff,
        ErrorCode::EmailTaken,
    ];

    /// The code with this wire name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == raw)
    }

    /// The code's wire name, as in `error.data.code` and `{code}` bodies.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::SessionTaken => "session_taken",
            ErrorCode::SessionRevoked => "session_revoked",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::InvalidParams => "invalid_params",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::ReauthRequired => "reauth_required",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Internal => "internal",
            ErrorCode::Busy => "busy",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::SignInExpired => "sign_in_expired",
            ErrorCode::AlreadyHasAccount => "already_has_account",
            ErrorCode::MailOff => "mail_off",
            ErrorCode::EmailTaken => "email_taken",
        }
    }

    /// The JSON-RPC error code: one per name, in the server range.
    pub const fn rpc_code(self) -> i32 {
        match self {
            ErrorCode::Unauthenticated => -32_001,
            ErrorCode::SessionExpired => -32_002,
            ErrorCode::SessionTaken => -32_003,
            ErrorCode::SessionRevoked => -32_004,
            ErrorCode::Forbidden => -32_005,
            ErrorCode::InvalidParams => -32_006,
            ErrorCode::PayloadTooLarge => -32_007,
            ErrorCode::NotFound => -32_008,
            ErrorCode::RateLimited => -32_009,
            ErrorCode::Conflict => -32_010,
            ErrorCode::Internal => -32_011,
            ErrorCode::MethodNotAllowed => -32_012,
            ErrorCode::ReauthRequired => -32_013,
            ErrorCode::Busy => -32_014,
            ErrorCode::SignInExpired => -32_015,
            ErrorCode::Unavailable => -32_016,
            ErrorCode::AlreadyHasAccount => -32_017,
            ErrorCode::MailOff => -32_018,
            ErrorCode::EmailTaken => -32_019,
        }
    }

    /// The HTTP status that goes with the code.
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthenticated
            | ErrorCode::SessionExpired
            | ErrorCode::SessionTaken
            | ErrorCode::SessionRevoked
            | ErrorCode::SignInExpired => 401,
            ErrorCode::Forbidden | ErrorCode::ReauthRequired => 403,
            ErrorCode::InvalidParams => 400,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::RateLimited => 429,
            ErrorCode::Conflict
            | ErrorCode::AlreadyHasAccount
            | ErrorCode::MailOff
            | ErrorCode::EmailTaken => 409,
            ErrorCode::Internal => 500,
            ErrorCode::Busy | ErrorCode::Unavailable => 503,
        }
    }
}

impl ErrorCode {
    /// Whether the refusal is the server's fault, saying nothing about the
    /// caller's session: a cookie is never cleared for it.
    pub const fn is_the_servers(self) -> bool {
        matches!(
            self,
            ErrorCode::Internal | ErrorCode::Busy | ErrorCode::Unavailable
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error body of every API answer: a stable code and a message meant for
/// people, plus the offending field for `invalid_params` when there is one,
/// and for `rate_limited` how many seconds to wait (also sent as
/// `Retry-After`). The message never carries internal detail.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} ({code})")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            retry_after_seconds: None,
        }
    }

    /// Too many attempts: try again after `wait` (at least a second).
    pub fn too_many_attempts(wait: std::time::Duration) -> Self {
        let seconds = wait.as_secs().max(1);
        Self {
            retry_after_seconds: Some(seconds),
            ..Self::new(
                ErrorCode::RateLimited,
                format!("Too many attempts. Try again in {seconds} seconds."),
            )
        }
    }

    /// The same error, naming the offending field.
    #[must_use]
    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParams, message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "Please sign in to continue.")
    }

    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, crate::messages::SOMETHING_WENT_WRONG)
    }
}

#[cfg(feature = "server-fn")]
mod server_fn_support {
    use super::{ApiError, ErrorCode};
    use server_fn::codec::JsonEncoding;
    use server_fn::error::{FromServerFnError, ServerFnErrorErr};

    impl FromServerFnError for ApiError {
        type Encoder = JsonEncoding;

        fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
            match value {
                ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                    ApiError::invalid_params("The request was missing a value or had a wrong one.")
                }
                // On the server: a request body that is not text at all.
                ServerFnErrorErr::Deserialization(_) => {
                    ApiError::invalid_params("The request could not be read.")
                }
                ServerFnErrorErr::Request(_) => ApiError::new(
                    ErrorCode::Internal,
                    "Could not reach the server. Check your connection and try again.",
                ),
                _ => ApiError::internal(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serializes_to_its_wire_name_and_parses_back() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("nope"), None);
    }

    #[test]
    fn error_body_has_code_and_message_and_no_empty_field() {
        let body = serde_json::to_value(ApiError::unauthenticated()).unwrap();
        let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, vec!["code".to_string(), "message".to_string()]);
        assert_eq!(body["code"], "unauthenticated");
    }

    #[test]
    fn statuses_are_client_errors_except_internal_busy_and_unavailable() {
        for code in ErrorCode::ALL {
            let status = code.http_status();
            if code == ErrorCode::Internal {
                assert_eq!(status, 500);
            } else if code == ErrorCode::Busy || code == ErrorCode::Unavailable {
                assert_eq!(status, 503);
            } else {
                assert!((400..500).contains(&status), "{code} -> {status}");
            }
        }
    }
}
