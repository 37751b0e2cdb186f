//! What people type: email addresses, names and passwords, each parsed once
//! into a type that can only hold a valid value.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

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
    fn new(field: &'static str, message: impl Into<String>) -> Self {
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

/// A syntactically plausible email address, trimmed and lowercased so that
/// one person cannot hold two accounts by changing case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let email = raw.trim().to_lowercase();
        let invalid = || InputError::new("email", "Enter an email address like name@example.com.");
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

/// A person's or a team's display name: trimmed, 1 to 100 characters, no
/// control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, InputError> {
        let name = raw.trim();
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
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as received. It can be read only through [`Password::expose`],
/// never printed (its `Debug` is redacted) and never serialized.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Password(SecretString);

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
#[derive(Debug, Deserialize)]
pub struct SignupRequest {
    pub account_name: String,
    pub name: String,
    pub email: String,
    pub password: Password,
}

/// `POST /api/account/members`: the owner adds a member with a first password.
#[derive(Debug, Deserialize)]
pub struct NewMemberRequest {
    pub name: String,
    pub email: String,
    pub password: Password,
}

/// `POST /api/auth/login`.
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
