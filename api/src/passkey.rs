//! Passkeys (WebAuthn) as the API shows them: the list, the name a user
//! gives one, and the two halves of a ceremony. What the browser and the
//! authenticator exchange stays JSON here: only the server reads it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::inputs::InputError;
use crate::{PasskeyId, Timestamp};

/// Longest name of a passkey, in characters.
pub const PASSKEY_NAME_MAX_CHARS: usize = 60;
/// Passkeys one user may register.
pub const MAX_PASSKEYS_PER_USER: usize = 10;

/// A registered passkey; never its key.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyInfo {
    pub passkey_id: PasskeyId,
    pub name: String,
    pub created_at: Timestamp,
    /// When it last signed in or confirmed it was you; `None` before.
    pub last_used_at: Option<Timestamp>,
}

/// What a user calls a passkey ("Work laptop"): 1 to 60 characters, spaces
/// around it dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let name = raw.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > PASSKEY_NAME_MAX_CHARS || name.chars().any(char::is_control) {
            return Err(InputError::new(
                "name",
                "Give the passkey a name of 1 to 60 characters, like \"Work laptop\".",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The first half of a ceremony: `options` for the browser's
/// `navigator.credentials.create()` or `.get()` (the WebAuthn JSON, ready
/// for `PublicKeyCredential.parseCreationOptionsFromJSON` or
/// `parseRequestOptionsFromJSON`), and the `ceremony` to send back with its
/// answer within five minutes, once.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Serialize, Deserialize)]
pub struct PasskeyCeremony {
    pub ceremony: String,
    pub options: Value,
}

impl std::fmt::Debug for PasskeyCeremony {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasskeyCeremony([redacted])")
    }
}

/// The browser's answer to a ceremony: its `credential` as JSON (what
/// `PublicKeyCredential.toJSON()` gives).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Serialize, Deserialize)]
pub struct PasskeyAssertion {
    pub ceremony: String,
    pub credential: Value,
}

impl std::fmt::Debug for PasskeyAssertion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasskeyAssertion([redacted])")
    }
}

/// `account_passkey_register_finish`: the new credential and its name.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasskeyRegisterParams {
    pub name: String,
    #[serde(flatten)]
    pub answer: PasskeyAssertion,
}

/// `account_passkey_remove`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasskeyRemoveParams {
    pub passkey_id: PasskeyId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passkey_name_is_trimmed_and_bounded() {
        assert_eq!(
            PasskeyName::parse("  Work laptop ").unwrap().as_str(),
            "Work laptop"
        );
        for wrong in ["", "   ", &"x".repeat(61), "tab\there"] {
            assert_eq!(
                PasskeyName::parse(wrong).unwrap_err().field,
                "name",
                "{wrong:?}"
            );
        }
        assert!(PasskeyName::parse(&"é".repeat(60)).is_ok());
    }

    #[test]
    fn ceremonies_and_answers_are_never_printed() {
        let ceremony = PasskeyCeremony {
            ceremony: "secret-token".into(),
            options: serde_json::json!({}),
        };
        assert!(!format!("{ceremony:?}").contains("secret-token"));
    }
}
