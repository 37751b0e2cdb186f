//! Where a browser goes back to after signing in (`?next=`): a path on this
//! host, or a URL on one of the protected apps' origins
//! (`--protected-origins`). Anything else is dropped, so the sign-in page
//! can never send someone to another site.

use std::fmt;

use api::paths;
use url::Url;

/// An origin (`scheme://host[:port]`) whose pages Latchkey protects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectedOrigin(String);

impl ProtectedOrigin {
    /// Parses `https://wiki.example.com` (no path, query or user); for the
    /// command line.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = Url::parse(raw).map_err(|err| format!("{raw} is not a URL: {err}"))?;
        let bare = matches!(url.path(), "" | "/")
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        if !matches!(url.scheme(), "http" | "https") || !bare || url.host().is_none() {
            return Err(format!(
                "{raw} is not an origin: give scheme, host and port only, e.g. https://wiki.example.com"
            ));
        }
        Ok(Self(url.origin().ascii_serialization()))
    }

    /// The origin of `scheme://host` as a proxy forwards them, when it is a
    /// well-formed one.
    pub fn of_forwarded(scheme: &str, host: &str) -> Option<Self> {
        Self::parse(&format!("{scheme}://{host}")).ok()
    }
}

impl fmt::Display for ProtectedOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A checked place to return to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnTo(String);

impl ReturnTo {
    /// `raw` when it is a path on this host (`/wiki/page?x=1`) or an http(s)
    /// URL on a protected origin; `None` for anything else: another site,
    /// `//host`, a backslash, control characters, a user in the URL.
    pub fn parse(raw: &str, protected: &[ProtectedOrigin]) -> Option<Self> {
        // Browsers drop tabs and newlines and read `\` as `/`, so these
        // could turn `/\evil.example` into `//evil.example`.
        if raw.is_empty() || raw.chars().any(|c| c.is_control() || c == '\\' || c == ' ') {
            return None;
        }
        if raw.starts_with('/') {
            return (!raw.starts_with("//")).then(|| Self(raw.to_owned()));
        }
        let url = Url::parse(raw).ok()?;
        let plain = matches!(url.scheme(), "http" | "https")
            && url.username().is_empty()
            && url.password().is_none();
        let origin = ProtectedOrigin(url.origin().ascii_serialization());
        (plain && protected.contains(&origin)).then(|| Self(url.into()))
    }

    /// The sign-in page, returning here afterwards.
    pub fn login_path(&self) -> String {
        self.on(paths::page::LOGIN)
    }

    /// `page` of the sign-in (the password or the code), returning here
    /// afterwards.
    pub fn on(&self, page: &str) -> String {
        let next: String = url::form_urlencoded::byte_serialize(self.0.as_bytes()).collect();
        format!("{page}?next={next}")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wiki() -> Vec<ProtectedOrigin> {
        vec![ProtectedOrigin::parse("https://wiki.example.com").unwrap()]
    }

    #[test]
    fn paths_on_this_host_and_urls_on_protected_origins_are_kept() {
        for good in [
            "/account/security",
            "/wiki/page?x=1&y=2#top",
            "https://wiki.example.com/page?x=1",
            "https://WIKI.example.com:443/",
        ] {
            assert!(ReturnTo::parse(good, &wiki()).is_some(), "{good}");
        }
    }

    #[test]
    fn other_sites_and_disguised_ones_are_dropped() {
        for bad in [
            "https://evil.example/",
            "http://wiki.example.com/",
            "https://wiki.example.com.evil.example/",
            "https://wiki.example.com@evil.example/",
            "https://user@wiki.example.com/",
            "//evil.example/",
            "/\\evil.example/",
            "/\t/evil.example/",
            "javascript:alert(1)",
            "data:text/html,hi",
            "wiki.example.com",
            "",
        ] {
            assert_eq!(ReturnTo::parse(bad, &wiki()), None, "{bad}");
        }
    }

    #[test]
    fn the_login_path_carries_the_place_encoded() {
        let back = ReturnTo::parse("https://wiki.example.com/a?b=c&d=e", &wiki()).unwrap();
        assert_eq!(
            back.login_path(),
            "/login?next=https%3A%2F%2Fwiki.example.com%2Fa%3Fb%3Dc%26d%3De"
        );
    }

    #[test]
    fn protected_origins_are_bare_origins() {
        assert_eq!(
            ProtectedOrigin::parse("https://Wiki.Example.com:443")
                .unwrap()
                .to_string(),
            "https://wiki.example.com"
        );
        for bad in [
            "https://wiki.example.com/path",
            "ftp://x.example",
            "wiki",
            "https://u@x.example",
        ] {
            assert!(ProtectedOrigin::parse(bad).is_err(), "{bad}");
        }
    }
}
