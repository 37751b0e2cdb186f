//! What people type: email addresses, names and passwords, each parsed once
//! into a type that can only hold a valid value.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// Fewer characters than this make a password too easy to guess.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// More than this is refused so hashing cost stays bounded.
pub const PASSWORD_MAX_CHARS: usize = 256;
const EMAIL_MAX_CHARS: usize = 254;
const NAME_MAX_CHARS: usize = 100;

/// A value a person typed was not acceptable. `field` names the form field so
/// the UI can show the message beside it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    pub field: &'static str,
    pub message: String,
}

impl InputError {
    pub(crate) fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl From<InputError> for crate::ApiError {
    fn from(err: InputError) -> Self {
        crate::ApiError {
            field: Some(err.field.to_owned()),
            ..crate::ApiError::invalid_params(err.message)
        }
    }
}

/// A syntactically plausible email address, trimmed, lowercased and in
/// Unicode NFC, so that one person cannot hold two accounts by changing case
/// or by typing "é" as one code point in one and as "e" plus a combining
/// accent in the other.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        // NFC last: lowercasing does not promise to keep a string composed.
        let email: String = raw.trim().to_lowercase().nfc().collect();
        let invalid = || InputError::new("email", crate::messages::ENTER_AN_EMAIL);
        if email.is_empty() || email.chars().count() > EMAIL_MAX_CHARS {
            return Err(invalid());
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed {
            Ok(Self(email))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's or a team's display name: trimmed, in Unicode NFC, 1 to 100
/// characters, no control characters and no invisible ones (see
/// [`is_invisible_or_bidi`]), so a name cannot reorder the text around it
/// where it is shown nor pass for another name that looks the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, InputError> {
        let name: String = raw.trim().nfc().collect();
        if name.is_empty() {
            return Err(InputError::new(field, "This field is required."));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(InputError::new(
                field,
                format!("Use at most {NAME_MAX_CHARS} characters."),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(InputError::new(field, "Remove the control characters."));
        }
        if name.chars().any(is_invisible_or_bidi) {
            return Err(InputError::new(
                field,
                "Remove the invisible or text-direction characters.",
            ));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters that are not control characters (`char::is_control` lets them
/// through) yet either change the direction of the text after them, so a name
/// like "Ada\u{202E}nimda" shows as "Adaadmin", or show nothing at all, so
/// "Ada" and "A\u{200B}da" look alike in a members list.
fn is_invisible_or_bidi(c: char) -> bool {
    matches!(
        c,
        // Bidirectional embeddings, overrides and isolates, and the marks.
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            // Zero-width space, non-joiner, joiner, word joiner and the BOM.
            | '\u{200B}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

/// A password as received. It can be read only through [`Password::expose`],
/// never printed (its `Debug` is redacted) and never serialized.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Password(SecretString);

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Password {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Password".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "writeOnly": true})
    }
}

impl Password {
    pub fn new(raw: String) -> Self {
        Self(SecretString::from(raw))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Checks the rules for a password someone is choosing now. Passwords
    /// that already exist are verified against their hash, not these rules.
    pub fn check_new(&self, field: &'static str) -> Result<(), InputError> {
        let chars = self.expose().chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(InputError::new(
                field,
                format!("Use at least {PASSWORD_MIN_CHARS} characters."),
            ));
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(InputError::new(
                field,
                format!("Use at most {PASSWORD_MAX_CHARS} characters."),
            ));
        }
        Ok(())
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

/// `POST /api/auth/signup`: a new account with its first user as owner.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Deserialize)]
pub struct SignupRequest {
    pub account_name: String,
    pub name: String,
    pub email: String,
    pub password: Password,
}

/// `POST /api/account/members`: the owner adds a member with a first password.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Deserialize)]
pub struct NewMemberRequest {
    pub name: String,
    pub email: String,
    pub password: Password,
}

/// `POST /api/auth/login`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: Password,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        let email = EmailAddress::parse("  Ada@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ada@example.com");
    }

    #[test]
    fn malformed_emails_are_rejected_with_the_field_named() {
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "a da@example.com",
            "ada@.com",
            "ada@x.",
        ] {
            let err = EmailAddress::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad:?}");
        }
        assert!(EmailAddress::parse(&format!("{}@x.io", "a".repeat(65))).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Ada ", "name").unwrap().as_str(),
            "Ada"
        );
        assert_eq!(DisplayName::parse("   ", "name").unwrap_err().field, "name");
        assert!(DisplayName::parse(&"x".repeat(101), "name").is_err());
        assert!(DisplayName::parse("a\u{0}b", "name").is_err());
    }

    #[test]
    fn a_name_with_a_right_to_left_override_is_refused() {
        let err = DisplayName::parse("Ada\u{202E}nimda", "name").unwrap_err();
        assert_eq!(err.field, "name");
        assert!(err.message.contains("text-direction"), "{}", err.message);
    }

    #[test]
    fn a_name_with_a_zero_width_space_is_refused() {
        let err = DisplayName::parse("A\u{200B}da", "account_name").unwrap_err();
        assert_eq!(err.field, "account_name");
        assert!(err.message.contains("invisible"), "{}", err.message);
    }

    #[test]
    fn every_listed_invisible_or_bidi_character_is_refused_in_a_name() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{200B}', '\u{200C}',
            '\u{200D}', '\u{2060}', '\u{FEFF}',
        ] {
            assert!(
                DisplayName::parse(&format!("Ada{c}Lovelace"), "name").is_err(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn a_composed_and_a_decomposed_accent_make_the_same_name() {
        let composed = DisplayName::parse("Ren\u{e9}e", "name").unwrap();
        let decomposed = DisplayName::parse("Rene\u{301}e", "name").unwrap();
        assert_eq!(composed, decomposed);
        assert_eq!(decomposed.as_str(), "Ren\u{e9}e");
    }

    #[test]
    fn a_composed_and_a_decomposed_accent_make_the_same_email() {
        let composed = EmailAddress::parse("ren\u{e9}@example.com").unwrap();
        let decomposed = EmailAddress::parse("Rene\u{301}@example.com").unwrap();
        assert_eq!(composed, decomposed);
        assert_eq!(decomposed.as_str(), "ren\u{e9}@example.com");
    }

    #[test]
    fn new_passwords_need_ten_to_256_characters() {
        assert!(Password::new("short".into()).check_new("password").is_err());
        assert!(
            Password::new("long enough!".into())
                .check_new("password")
                .is_ok()
        );
        assert!(
            Password::new("x".repeat(257))
                .check_new("password")
                .is_err()
        );
    }

    #[test]
    fn passwords_never_show_in_debug_output() {
        let request: LoginRequest =
            serde_json::from_str(r#"{"email":"a@b.c","password":"hunter2hunter2"}"#).unwrap();
        let printed = format!("{request:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
    }
}
