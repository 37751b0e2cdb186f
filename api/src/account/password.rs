//! The password: confirming it again before a sensitive action (or a
//! second factor instead), and changing it.

use serde::{Deserialize, Serialize};

use crate::{Password, Timestamp};

/// `account_password_confirm`: the caller's password entered again before
/// a sensitive action (creating an API token, adding a member, changing the
/// policy, signing out the account), or instead a code from their
/// authenticator app or a recovery code, or a passkey's answer to
/// `account_passkey_confirm_start`. Exactly one of the three.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Default, Deserialize)]
pub struct PasswordConfirmParams {
    #[serde(default)]
    pub password: Option<Password>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub passkey: Option<crate::PasskeyAssertion>,
}

/// `POST /api/auth/password`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Deserialize)]
pub struct PasswordChange {
    pub current_password: Password,
    pub new_password: Password,
    /// Also revoke every API token of the user (for a password that may
    /// have leaked together with them).
    #[serde(default)]
    pub revoke_api_tokens: bool,
}

/// What a password change ended besides the old password.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChanged {
    pub other_sessions_ended: usize,
    pub api_tokens_revoked: usize,
}

/// Until when sensitive actions in this session go through without asking
/// for the password again.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordConfirmed {
    pub until: Timestamp,
}
