//! The session cookie and the cookie of a sign-in waiting for its second
//! factor: their names, attributes, and reading them back.

use auth::{ChallengeToken, SessionToken};
use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};

/// How the session cookie is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieMode {
    /// `__Host-session` with `HttpOnly`, `Secure`, `SameSite=Lax`, `Path=/`. The default.
    Secure,
    /// `session` without `Secure`, for plain-HTTP development on loopback.
    Development,
}

impl CookieMode {
    pub fn name(self) -> &'static str {
        match self {
            CookieMode::Secure => "__Host-session",
            CookieMode::Development => "session",
        }
    }

    /// The session cookie's attributes as `set` writes them (but its
    /// lifetime), as a device-bound session's configuration names them.
    pub fn attributes(self) -> &'static str {
        match self {
            CookieMode::Secure => "Path=/; Secure; HttpOnly; SameSite=Lax",
            CookieMode::Development => "Path=/; HttpOnly; SameSite=Lax",
        }
    }

    /// `Set-Cookie` for a session token that the browser keeps for `max_age_secs`.
    pub fn set(self, token: &SessionToken, max_age_secs: i64) -> HeaderValue {
        self.cookie(self.name(), token.expose(), SameSite::Lax, max_age_secs)
    }

    /// `Set-Cookie` that removes the session cookie.
    pub fn clear(self) -> HeaderValue {
        self.cookie(self.name(), "", SameSite::Lax, 0)
    }

    /// The session token in the request's cookies, if one of the right shape.
    pub fn read(self, headers: &HeaderMap) -> Option<SessionToken> {
        find(headers, self.name()).and_then(|value| SessionToken::parse(&value))
    }

    /// Whether a response already sets (or removes) the session cookie.
    pub fn is_set_in(self, response_headers: &HeaderMap) -> bool {
        response_headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| Cookie::parse(value).ok())
            .any(|cookie| cookie.name() == self.name())
    }

    /// The name of the cookie of a sign-in waiting for its second factor.
    pub fn challenge_name(self) -> &'static str {
        match self {
            CookieMode::Secure => "__Host-sign-in",
            CookieMode::Development => "sign-in",
        }
    }

    /// `Set-Cookie` for a sign-in waiting for its code: `SameSite=Strict`,
    /// so no other site's page can post a code with it.
    pub fn set_challenge(self, token: &ChallengeToken, max_age_secs: i64) -> HeaderValue {
        self.cookie(
            self.challenge_name(),
            token.expose(),
            SameSite::Strict,
            max_age_secs,
        )
    }

    /// `Set-Cookie` that removes the waiting sign-in's cookie.
    pub fn clear_challenge(self) -> HeaderValue {
        self.cookie(self.challenge_name(), "", SameSite::Strict, 0)
    }

    /// The waiting sign-in in the request's cookies, if one of the right
    /// shape.
    pub fn read_challenge(self, headers: &HeaderMap) -> Option<ChallengeToken> {
        find(headers, self.challenge_name()).and_then(|value| ChallengeToken::parse(&value))
    }

    fn cookie(
        self,
        name: &str,
        value: &str,
        same_site: SameSite,
        max_age_secs: i64,
    ) -> HeaderValue {
        let cookie = Cookie::build((name.to_owned(), value.to_owned()))
            .http_only(true)
            .secure(self == CookieMode::Secure)
            .same_site(same_site)
            .path("/")
            .max_age(cookie::time::Duration::seconds(max_age_secs.max(0)));
        header_value(&cookie.build())
    }
}

/// The value of the request's cookie named `name`.
fn find(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

fn header_value(cookie: &Cookie<'_>) -> HeaderValue {
    // A cookie built from a base64url token and fixed attributes is always a
    // valid header value; an empty value is the safe fallback.
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        headers
    }

    #[test]
    fn secure_cookie_has_every_protective_attribute() {
        let token = SessionToken::parse(&"a".repeat(43)).unwrap();
        let value = CookieMode::Secure.set(&token, 60);
        let text = value.to_str().unwrap();
        assert!(text.starts_with("__Host-session="), "{text}");
        for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=60"] {
            assert!(text.contains(attribute), "{attribute} missing in {text}");
        }
        assert!(!text.contains("Domain"), "{text}");
    }

    #[test]
    fn development_cookie_drops_the_prefix_and_secure() {
        let token = SessionToken::parse(&"a".repeat(43)).unwrap();
        let text = CookieMode::Development
            .set(&token, 60)
            .to_str()
            .unwrap()
            .to_owned();
        assert!(text.starts_with("session="), "{text}");
        assert!(!text.contains("Secure"), "{text}");
        assert!(text.contains("HttpOnly"), "{text}");
    }

    #[test]
    fn the_waiting_sign_in_cookie_is_strict_and_read_apart_from_the_session() {
        let token = ChallengeToken::parse(&"c".repeat(43)).unwrap();
        let text = CookieMode::Secure.set_challenge(&token, 300);
        let text = text.to_str().unwrap();
        assert!(text.starts_with("__Host-sign-in="), "{text}");
        for attribute in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=300",
        ] {
            assert!(text.contains(attribute), "{attribute} missing in {text}");
        }
        let both = headers(&format!(
            "__Host-session={}; __Host-sign-in={}",
            "s".repeat(43),
            "c".repeat(43)
        ));
        assert_eq!(
            CookieMode::Secure.read_challenge(&both).unwrap().expose(),
            "c".repeat(43)
        );
        assert_eq!(
            CookieMode::Secure.read(&both).unwrap().expose(),
            "s".repeat(43)
        );
    }

    #[test]
    fn reads_only_its_own_well_formed_cookie() {
        let good = "b".repeat(43);
        let found =
            CookieMode::Secure.read(&headers(&format!("theme=dark; __Host-session={good}")));
        assert_eq!(found.unwrap().expose(), good);
        assert!(
            CookieMode::Secure
                .read(&headers(&format!("session={good}")))
                .is_none()
        );
        assert!(
            CookieMode::Secure
                .read(&headers("__Host-session=short"))
                .is_none()
        );
        assert!(
            CookieMode::Secure
                .read(&headers(&format!("__Host-session={}", "x".repeat(5000))))
                .is_none()
        );
        assert!(CookieMode::Secure.read(&HeaderMap::new()).is_none());
    }

    fn is_token_shaped(text: &str) -> bool {
        text.len() == 43
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }

    // `make fuzz` runs these (`fuzz_` in the name) with many more cases.
    proptest::proptest! {
        #[test]
        fn fuzz_cookie_header_bytes_never_panic_and_yield_only_token_shaped_values(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..6000),
        ) {
            if let Ok(value) = HeaderValue::from_bytes(&bytes) {
                let mut headers = HeaderMap::new();
                headers.insert(header::COOKIE, value);
                for mode in [CookieMode::Secure, CookieMode::Development] {
                    if let Some(token) = mode.read(&headers) {
                        proptest::prop_assert!(is_token_shaped(token.expose()));
                    }
                }
            }
        }

        #[test]
        fn fuzz_cookie_pairs_find_the_session_only_under_its_own_name(
            before in "[ -~]{0,40}",
            name in proptest::prop_oneof![
                proptest::strategy::Just("__Host-session".to_owned()),
                proptest::strategy::Just("session".to_owned()),
                "[!-~]{0,16}",
            ],
            value in proptest::prop_oneof!["[A-Za-z0-9_-]{43}", "[ -~]{0,60}"],
        ) {
            let text = format!("{before}; {name}={value}");
            let Ok(value_header) = HeaderValue::from_str(&text) else {
                return Ok(());
            };
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, value_header);
            if let Some(token) = CookieMode::Secure.read(&headers) {
                proptest::prop_assert!(is_token_shaped(token.expose()));
                let pair = format!("__Host-session={}", token.expose());
                proptest::prop_assert!(text.contains(&pair));
            }
        }
    }
}
