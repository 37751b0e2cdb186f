//! The address people reach this server at, which links in mail start
//! with: configured, never taken from a request's `Host`.

/// An `http://` or `https://` origin, maybe with a path, without a
/// trailing slash, query or fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// Accepts `http(s)://host[:port][/path]`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim().trim_end_matches('/');
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .ok_or_else(|| format!("{raw:?} is not an http:// or https:// address"))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty()
            || rest.contains(['?', '#', '@'])
            || rest.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(format!(
                "{raw:?} is not an address like https://latchkey.example.com"
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// `path` (starting with `/`) on this address.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for PublicUrl {
    fn default() -> Self {
        Self("http://127.0.0.1:3000".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_drops_its_trailing_slash_and_joins_paths() {
        let url = PublicUrl::parse("https://latchkey.example.com/").unwrap();
        assert_eq!(url.link("/login"), "https://latchkey.example.com/login");
        let url = PublicUrl::parse("http://127.0.0.1:3000/auth").unwrap();
        assert_eq!(url.link("/login"), "http://127.0.0.1:3000/auth/login");
    }

    #[test]
    fn a_public_url_is_refused_without_a_scheme_or_with_a_query_or_user() {
        for bad in [
            "latchkey.example.com",
            "ftp://x",
            "https://",
            "https://x?y",
            "https://u@x",
            "https://a b",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
