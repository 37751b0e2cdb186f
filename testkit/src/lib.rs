//! What the server's tests and the benchmarks share: the server binary run
//! as its own process, reading the cookies a response set, a device that
//! signs proofs as a browser binding its session does, and a proxy that
//! cuts the database away.

mod device;
pub mod process;
mod proxy;

pub use device::TestDevice;
pub use process::ServerProcess;
pub use proxy::CutProxy;

use reqwest::header::{HeaderMap, SET_COOKIE};

/// Any error, for test and benchmark plumbing.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Our server's session cookie.
pub const SESSION_COOKIE: &str = "__Host-session";

/// The whole `Set-Cookie` header that sets the cookie called `name`.
pub fn set_cookie_header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| {
            value
                .split(';')
                .next()
                .and_then(|pair| pair.split_once('='))
                .is_some_and(|(key, _)| key.trim() == name)
        })
}

/// `name=value` of the cookie called `name` that a response set.
pub fn cookie_pair(headers: &HeaderMap, name: &str) -> Option<String> {
    let header = set_cookie_header(headers, name)?;
    header.split(';').next().map(|pair| pair.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn the_named_cookie_is_picked_from_the_set_cookie_headers() {
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("theme=dark; Path=/"));
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("__Host-session=abc; HttpOnly; Secure"),
        );
        assert_eq!(
            cookie_pair(&headers, SESSION_COOKIE).as_deref(),
            Some("__Host-session=abc")
        );
        assert_eq!(
            set_cookie_header(&headers, SESSION_COOKIE),
            Some("__Host-session=abc; HttpOnly; Secure")
        );
        assert_eq!(cookie_pair(&headers, "id"), None);
        assert_eq!(cookie_pair(&headers, "__Host"), None);
    }
}
