//! Random secrets and their stored form. Secrets are neither `Debug`-printable
//! nor serializable; only their BLAKE3 hash is stored.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::AuthError;

/// Bytes of entropy in a session token.
const TOKEN_BYTES: usize = 32;
/// Length of a token's base64url text (no padding).
const TOKEN_TEXT_LEN: usize = 43;

/// `N` bytes from the operating system's random number generator.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

/// The secret a browser holds in its session cookie.
pub struct SessionToken(String);

impl SessionToken {
    pub(crate) fn generate() -> Result<Self, AuthError> {
        Ok(Self(URL_SAFE_NO_PAD.encode(random_bytes::<TOKEN_BYTES>()?)))
    }

    /// Accepts a cookie value only if it has the exact shape of a token, so
    /// junk never reaches the database.
    pub fn from_cookie_value(raw: &str) -> Option<Self> {
        let well_formed = raw.len() == TOKEN_TEXT_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(raw.to_owned()))
    }

    /// The value to put in the cookie.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken([redacted])")
    }
}

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_43_url_safe_characters_and_unique() {
        let a = SessionToken::generate().unwrap();
        let b = SessionToken::generate().unwrap();
        assert_eq!(a.expose().len(), TOKEN_TEXT_LEN);
        assert!(SessionToken::from_cookie_value(a.expose()).is_some());
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn hash_is_64_hex_digits_and_not_the_token() {
        let token = SessionToken::generate().unwrap();
        let hash = token.hash();
        assert_eq!(hash.as_str().len(), 64);
        assert!(hash.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!hash.as_str().contains(token.expose()));
        assert_eq!(
            hash,
            SessionToken::from_cookie_value(token.expose())
                .unwrap()
                .hash()
        );
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
            assert!(SessionToken::from_cookie_value(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn tokens_never_show_in_debug_output() {
        let token = SessionToken::generate().unwrap();
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
