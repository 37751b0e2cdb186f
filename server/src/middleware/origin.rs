//! Refuses state-changing requests sent by other sites' pages (CSRF).
//!
//! Browsers mark every request with `Sec-Fetch-Site` and every non-GET
//! request with `Origin`; other clients (scripts) send neither and cannot
//! carry a victim's cookie, so they pass.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use api::{ApiError, ErrorCode};

use crate::error::HttpError;
use crate::state::AppState;

pub async fn refuse_cross_origin(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if is_cross_origin(req.method(), req.headers(), &state.trusted_origins) {
        tracing::warn!(path = %req.uri().path(), "refused a cross-origin request");
        return HttpError(ApiError::new(
            ErrorCode::Forbidden,
            "This request came from another site and was refused.",
        ))
        .into_response();
    }
    next.run(req).await
}

/// True for a state-changing request that a browser sent from a page that
/// is not ours.
pub fn is_cross_origin(method: &Method, headers: &HeaderMap, trusted_origins: &[String]) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        && origin_is_foreign(headers, trusted_origins)
}

/// True when a browser marked the request as coming from a page of another
/// site (by `Sec-Fetch-Site`, else by an `Origin` that is not this host).
/// Requests without either come from scripts, not pages.
pub fn origin_is_foreign(headers: &HeaderMap, trusted_origins: &[String]) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if origin.is_some_and(|origin| trusted_origins.iter().any(|trusted| trusted == origin)) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match origin {
        None => false,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            let authority = origin.split_once("://").map(|(_, authority)| authority);
            authority.is_none() || authority != host
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(!is_cross_origin(&Method::GET, &h, &[]));
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(!is_cross_origin(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-origin")]),
            &[]
        ));
        assert!(!is_cross_origin(
            &Method::POST,
            &headers(&[("sec-fetch-site", "none")]),
            &[]
        ));
        assert!(is_cross_origin(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-site")]),
            &[]
        ));
        assert!(is_cross_origin(
            &Method::POST,
            &headers(&[("sec-fetch-site", "cross-site")]),
            &[]
        ));
    }

    #[test]
    fn without_fetch_metadata_the_origin_must_match_the_host() {
        let same = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        let other = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        let opaque = headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]);
        assert!(!is_cross_origin(&Method::POST, &same, &[]));
        assert!(is_cross_origin(&Method::POST, &other, &[]));
        assert!(is_cross_origin(&Method::POST, &opaque, &[]));
    }

    #[test]
    fn clients_without_origin_or_fetch_metadata_are_scripts_and_pass() {
        assert!(!is_cross_origin(
            &Method::POST,
            &headers(&[("host", "x")]),
            &[]
        ));
    }

    #[test]
    fn trusted_origins_pass() {
        let h = headers(&[
            ("origin", "https://app.example"),
            ("sec-fetch-site", "same-site"),
        ]);
        assert!(!is_cross_origin(
            &Method::POST,
            &h,
            &["https://app.example".to_owned()]
        ));
    }
}
