//! Public identifiers. Each is 16 random bytes as 32 lowercase hex digits,
//! made on the server; the browser and scripts only ever echo them back, so
//! anything else is rejected at the edge.

use serde::{Deserialize, Serialize};

/// The length of every identifier in hex digits.
const ID_HEX_LEN: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be {ID_HEX_LEN} lowercase hex digits")]
pub struct IdError {
    what: &'static str,
}

fn check_id(raw: &str, what: &'static str) -> Result<(), IdError> {
    let ok = raw.len() == ID_HEX_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok { Ok(()) } else { Err(IdError { what }) }
}

macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses an identifier received from outside.
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                check_id(raw, $what).map(|()| Self(raw.to_owned()))
            }

            /// Builds an identifier from 16 bytes of randomness.
            pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
                use std::fmt::Write as _;
                let mut hex = String::with_capacity(ID_HEX_LEN);
                for byte in bytes {
                    let _ = write!(hex, "{byte:02x}");
                }
                Self(hex)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": "^[0-9a-f]{32}$",
                    "description": concat!("A ", $what, ": 32 lowercase hexadecimal digits."),
                })
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(raw: String) -> Result<Self, IdError> {
                check_id(&raw, $what).map(|()| Self(raw))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

hex_id!(
    /// The stable public id of a session (never its secret token).
    SessionId,
    "a session id"
);
hex_id!(
    /// The id of a user.
    UserId,
    "a user id"
);
hex_id!(
    /// The id of an account (a team).
    AccountId,
    "an account id"
);
hex_id!(
    /// The public id of an API token (never its secret).
    TokenId,
    "a token id"
);
hex_id!(
    /// The id of a security notice, to acknowledge it by.
    NoticeId,
    "a notice id"
);
hex_id!(
    /// The id of a registered passkey (not its WebAuthn credential id).
    PasskeyId,
    "a passkey id"
);
hex_id!(
    /// The public id of a pending invitation (never the secret in its link).
    InvitationId,
    "an invitation id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_make_a_parseable_id() {
        let id = SessionId::from_random_bytes([0xab; 16]);
        assert_eq!(id.as_str(), "ab".repeat(16));
        assert_eq!(SessionId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn ids_of_the_wrong_shape_are_rejected() {
        for bad in [
            "",
            "abc",
            &"A".repeat(32),
            &"g".repeat(32),
            &"a".repeat(33),
            "' OR 1=1 --                     ",
        ] {
            assert!(SessionId::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn deserializing_validates() {
        let ok: Result<UserId, _> = serde_json::from_str(&format!("\"{}\"", "0".repeat(32)));
        assert!(ok.is_ok());
        let bad: Result<UserId, _> = serde_json::from_str("\"nope\"");
        assert!(bad.is_err());
    }
}
