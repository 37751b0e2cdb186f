//! The headers of Device Bound Session Credentials, as Chromium speaks
//! them: RFC 9651 structured fields, written with `sfv`.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use sfv::{KeyRef, ListSerializer, StringRef, TokenRef, key_ref, token_ref};

/// On a response that opens a session: where and how to register a key.
pub const REGISTRATION: HeaderName = HeaderName::from_static("secure-session-registration");
/// On a refresh answered 403: the challenge to sign, for which session.
pub const CHALLENGE: HeaderName = HeaderName::from_static("secure-session-challenge");
/// On a registration or refresh request: the signed proof.
pub const RESPONSE: HeaderName = HeaderName::from_static("secure-session-response");
/// On a refresh request: which bound session it is for.
pub const SESSION_ID: HeaderName = HeaderName::from_static("sec-secure-session-id");

const ES256: &TokenRef = token_ref("ES256");
const PATH: &KeyRef = key_ref("path");
const CHALLENGE_KEY: &KeyRef = key_ref("challenge");
const ID: &KeyRef = key_ref("id");

/// `(ES256);path="<path>";challenge="<challenge>"`: register a key at
/// `path`, signing `challenge`. `None` for values that are no structured
/// strings (ours never are).
pub fn registration(path: &str, challenge: &str) -> Option<HeaderValue> {
    let mut list = ListSerializer::new();
    {
        let mut algorithms = list.inner_list();
        algorithms.bare_item(ES256);
        algorithms
            .finish()
            .parameter(PATH, StringRef::from_str(path).ok()?)
            .parameter(CHALLENGE_KEY, StringRef::from_str(challenge).ok()?);
    }
    HeaderValue::from_str(&list.finish()?).ok()
}

/// `"<challenge>";id="<session identifier>"`.
pub fn challenge(challenge: &str, session_identifier: &str) -> Option<HeaderValue> {
    let value = sfv::ItemSerializer::new()
        .bare_item(StringRef::from_str(challenge).ok()?)
        .parameter(ID, StringRef::from_str(session_identifier).ok()?)
        .finish();
    HeaderValue::from_str(&value).ok()
}

/// The session identifier a refresh names. Chromium sends it as it was
/// given, unquoted (so one that starts with a digit is no structured
/// token); a quoted one is read too. Ours are base64url: anything else is
/// no identifier of ours.
pub fn session_identifier(headers: &HeaderMap) -> Option<String> {
    let raw = unquoted(headers.get(SESSION_ID)?.to_str().ok()?);
    let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    (!raw.is_empty() && raw.bytes().all(base64url)).then(|| raw.to_owned())
}

/// The proof a request carries (a compact JWS, whitespace trimmed).
pub fn proof(headers: &HeaderMap) -> Option<&str> {
    let raw = unquoted(headers.get(RESPONSE)?.to_str().ok()?);
    (!raw.is_empty()).then_some(raw)
}

/// A header's value trimmed, without the quotes of a structured string
/// that some browser versions put around it.
fn unquoted(raw: &str) -> &str {
    let raw = raw.trim();
    raw.strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registration_header_offers_es256_at_its_path_with_the_challenge() {
        let value = registration("/dbsc/register", "c1-_x").unwrap();

        assert_eq!(value, r#"(ES256);path="/dbsc/register";challenge="c1-_x""#);
    }

    #[test]
    fn the_challenge_header_names_the_session_identifier() {
        let value = challenge("c2", "s-1").unwrap();

        assert_eq!(value, r#""c2";id="s-1""#);
    }

    #[test]
    fn a_session_identifier_is_read_quoted_or_bare_even_when_it_starts_with_a_digit_and_garbage_is_none()
     {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(SESSION_ID, HeaderValue::from_str(value).unwrap());
            session_identifier(&headers)
        };

        assert_eq!(with(r#""abc_123""#).as_deref(), Some("abc_123"));
        assert_eq!(with("abc123").as_deref(), Some("abc123"));
        assert_eq!(with("06Sog-_x").as_deref(), Some("06Sog-_x"));
        assert_eq!(with("-x_").as_deref(), Some("-x_"));
        assert_eq!(with("1.5"), None);
        assert_eq!(with("(a b)"), None);
        assert_eq!(with(r#""""#), None);
        assert_eq!(session_identifier(&HeaderMap::new()), None);
    }

    #[test]
    fn a_proof_is_read_bare_or_quoted() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RESPONSE, HeaderValue::from_str(value).unwrap());
            proof(&headers).map(str::to_owned)
        };

        assert_eq!(with("a.b.c").as_deref(), Some("a.b.c"));
        assert_eq!(with("\"a.b.c\"").as_deref(), Some("a.b.c"));
        assert_eq!(with(" "), None);
    }
}
