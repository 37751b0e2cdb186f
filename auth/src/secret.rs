//! Random secrets and their stored form. Secrets are neither `Debug`-printable
//! nor serializable; only their BLAKE3 hash is stored.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::AuthError;

/// Bytes of entropy in a session or API token.
const TOKEN_BYTES: usize = 32;
/// Length of a token's base64url text (no padding).
const TOKEN_TEXT_LEN: usize = 43;
/// What every API token starts with, so people and secret scanners can
/// recognise one.
pub const API_TOKEN_PREFIX: &str = "lk_";

fn random_token_text() -> Result<String, AuthError> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<TOKEN_BYTES>()?))
}

fn is_token_text(raw: &str) -> bool {
    raw.len() == TOKEN_TEXT_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `N` bytes from the operating system's random number generator.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

/// What every secret has: shown only when asked (`expose`), stored and
/// compared only as its hash, never printed. With `random`, also made from
/// 32 random bytes (`generate`) and accepted only in the exact shape of one
/// (`parse`), so junk never reaches the database.
macro_rules! secret {
    ($name:ident, random) => {
        impl $name {
            pub(crate) fn generate() -> Result<Self, AuthError> {
                random_token_text().map(Self)
            }

            /// Accepts a value only if it has the exact shape of one.
            pub fn parse(raw: &str) -> Option<Self> {
                is_token_text(raw).then(|| Self(raw.to_owned()))
            }
        }
        secret!($name);
    };
    ($name:ident) => {
        impl $name {
            /// The secret itself, to send to whoever holds it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            pub fn hash(&self) -> TokenHash {
                TokenHash::of(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

/// The secret a browser holds in its session cookie.
pub struct SessionToken(String);
secret!(SessionToken, random);

/// The secret of a personal API token: `lk_` and 43 base64url characters.
pub struct ApiTokenSecret(String);
secret!(ApiTokenSecret);

impl ApiTokenSecret {
    pub(crate) fn generate() -> Result<Self, AuthError> {
        Ok(Self(format!("{API_TOKEN_PREFIX}{}", random_token_text()?)))
    }

    /// Accepts an `Authorization: Bearer` value only if it has the exact
    /// shape of an API token.
    pub fn from_bearer(raw: &str) -> Option<Self> {
        let body = raw.strip_prefix(API_TOKEN_PREFIX)?;
        is_token_text(body).then(|| Self(raw.to_owned()))
    }
}

/// The secret of a sign-in waiting for its second factor: a browser holds
/// it in a short-lived cookie, a script gets it in the sign-in answer. It
/// opens nothing but the form for the code. Also the challenges a device
/// signs to bind its session and renew its cookie.
#[derive(Clone)]
pub struct ChallengeToken(String);
secret!(ChallengeToken, random);

/// The identifier a device names its bound session by in its refreshes
/// (DBSC's `session_identifier`): a random secret of its own, never the
/// session's public id, so nobody who saw that id can send proofs for the
/// session, or end it by sending bad ones.
pub struct DeviceSessionId(String);
secret!(DeviceSessionId, random);

/// The secret in a link to choose a new password, sent by mail: single
/// use, short-lived, stored only as its hash.
pub struct ResetToken(String);
secret!(ResetToken, random);

/// The secret in the "This wasn't me" link of the mail about a sign-in from
/// a new device: single use, stored only as its hash.
pub struct ReportToken(String);
secret!(ReportToken, random);
/// The secret in the link of an invitation to join an account, sent by
/// mail: single use, seven days, stored only as its hash.
pub struct InvitationToken(String);
secret!(InvitationToken, random);

/// The secret in a link that verifies an address, sent by mail to it:
/// single use, 24 hours, stored only as its hash.
pub struct VerifyToken(String);
secret!(VerifyToken, random);

/// The BLAKE3 hash of a secret, as 64 lowercase hex digits: the only form
/// in which a token is stored or compared.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    fn of(secret: &str) -> Self {
        Self(blake3::hash(secret.as_bytes()).to_hex().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A hash as storage holds it.
    pub(crate) fn from_stored(hex: &str) -> Self {
        Self(hex.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_43_url_safe_characters_and_unique() {
        let a = SessionToken::generate().unwrap();
        let b = SessionToken::generate().unwrap();
        assert_eq!(a.expose().len(), TOKEN_TEXT_LEN);
        assert!(SessionToken::parse(a.expose()).is_some());
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn hash_is_64_hex_digits_and_not_the_token() {
        let token = SessionToken::generate().unwrap();
        let hash = token.hash();
        assert_eq!(hash.as_str().len(), 64);
        assert!(hash.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!hash.as_str().contains(token.expose()));
        assert_eq!(hash, SessionToken::parse(token.expose()).unwrap().hash());
    }

    #[test]
    fn malformed_cookie_values_are_refused() {
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
            &"é".repeat(43),
        ] {
            assert!(SessionToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn api_tokens_are_prefixed_and_parse_back_only_in_shape() {
        let token = ApiTokenSecret::generate().unwrap();
        assert!(token.expose().starts_with("lk_"));
        assert_eq!(token.expose().len(), 46);
        assert_eq!(
            ApiTokenSecret::from_bearer(token.expose()).unwrap().hash(),
            token.hash()
        );
        for bad in [
            "",
            "lk_",
            "lk_short",
            &token.expose()[3..],
            &format!("{}x", token.expose()),
        ] {
            assert!(ApiTokenSecret::from_bearer(bad).is_none(), "{bad:?}");
        }
        assert!(!format!("{token:?}").contains(token.expose()));
    }

    #[test]
    fn tokens_never_show_in_debug_output() {
        let token = SessionToken::generate().unwrap();
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
