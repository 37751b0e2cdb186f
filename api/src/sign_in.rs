//! The steps of a sign-in after the password, when it opens no session at
//! once: what it waits for, and the new password a user chooses after the
//! server's operator reset theirs.

use serde::{Deserialize, Serialize};

use crate::{PasskeyAssertion, Password, Timestamp, TotpSetup};

/// What a sign-in waits for after a right password.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInWaitsFor {
    /// A code from the user's authenticator app or a recovery code
    /// (`/api/auth/login/code`), or their passkey.
    Code,
    /// A code from the app in `setup`: the account requires a second factor
    /// and the user has none (`/api/auth/login/setup`).
    Setup,
    /// A password of the user's own: the server's operator reset theirs
    /// (`/api/auth/login/password`).
    NewPassword,
}

/// `POST /api/auth/login` (or `/api/auth/login/password`) when the password
/// opens no session yet: post what `waits_for` names, with `challenge`,
/// before `expires_at`. `setup` is the app to set up when it waits for one.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Serialize, Deserialize)]
pub struct SignInChallenge {
    pub challenge: String,
    pub expires_at: Timestamp,
    pub waits_for: SignInWaitsFor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<TotpSetup>,
}

impl std::fmt::Debug for SignInChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SignInChallenge({:?}, until {:?})",
            self.waits_for, self.expires_at
        )
    }
}

/// `POST /api/auth/login/password`: the password the user chooses after the
/// server's operator reset theirs, for the sign-in waiting for it. A script
/// sends the `challenge` the password step answered; a browser's form
/// leaves it out and its cookie carries it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Deserialize)]
pub struct NewPasswordRequest {
    pub new_password: Password,
    #[serde(default)]
    pub challenge: Option<String>,
}

impl std::fmt::Debug for NewPasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPasswordRequest([redacted])")
    }
}

/// `POST /api/auth/forgot`: the address to send a link to choose a new
/// password to. Answered the same whether or not it is a user's.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Deserialize)]
pub struct ForgotPasswordRequest {
    pub email: String,
}

/// `POST /api/auth/reset`: the link's token and the new password; when the
/// user has a second factor, a code from the authenticator app or a
/// recovery code, or a passkey's answer to the ceremony
/// `POST /api/auth/reset/passkey/start` began; and whether to revoke every
/// API token too.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Deserialize)]
pub struct PasswordResetRequest {
    pub token: String,
    pub new_password: Password,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub passkey: Option<PasskeyAssertion>,
    #[serde(default)]
    pub revoke_api_tokens: bool,
}

/// `POST /api/auth/reset/passkey/start`: the link's token, whose user's
/// passkeys the ceremony asks for.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Deserialize)]
pub struct ResetPasskeyStartRequest {
    pub token: String,
}

impl std::fmt::Debug for ResetPasskeyStartRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetPasskeyStartRequest([redacted])")
    }
}

/// What a working link to choose a new password asks for besides it: a
/// code (the user has an authenticator app or recovery codes) or a passkey
/// (they have one); either does. Neither: the new password alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetLinkShown {
    pub asks_code: bool,
    pub asks_passkey: bool,
}

impl ResetLinkShown {
    /// Whether the user has a second factor to give.
    #[must_use]
    pub fn asks_second_factor(self) -> bool {
        self.asks_code || self.asks_passkey
    }
}

impl std::fmt::Debug for PasswordResetRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordResetRequest([redacted])")
    }
}

/// `POST /api/auth/not-me`: the token of the "This wasn't me" link from
/// the mail about a sign-in from a new device.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Deserialize)]
pub struct NotMeRequest {
    pub token: String,
}

impl std::fmt::Debug for NotMeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NotMeRequest([redacted])")
    }
}

/// What "This wasn't me" did: whether the session was still going (and
/// ended now), and where to choose a new password (`/login/reset?token=...`,
/// working once, for 30 minutes).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotMeDone {
    pub session_ended: bool,
    pub new_password_link: String,
}

impl std::fmt::Debug for NotMeDone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotMeDone")
            .field("session_ended", &self.session_ended)
            .finish_non_exhaustive()
    }
}

/// What choosing a new password through a link ended.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetDone {
    pub sessions_ended: usize,
    pub api_tokens_revoked: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_names_what_it_waits_for_and_never_prints_its_secret() {
        let challenge = SignInChallenge {
            challenge: "the secret".into(),
            expires_at: Timestamp::from_millis(0),
            waits_for: SignInWaitsFor::NewPassword,
            setup: None,
        };

        let json = serde_json::to_value(&challenge).unwrap();

        assert_eq!(json["waits_for"], "new_password");
        assert!(json.get("setup").is_none());
        assert!(!format!("{challenge:?}").contains("the secret"));
    }

    #[test]
    fn a_new_password_request_prints_neither_its_password_nor_its_challenge() {
        let request: NewPasswordRequest = serde_json::from_value(serde_json::json!({
            "new_password": "a password of my own",
            "challenge": "the secret",
        }))
        .unwrap();

        let printed = format!("{request:?}");

        assert!(!printed.contains("a password of my own"), "{printed}");
        assert!(!printed.contains("the secret"), "{printed}");
    }
}
