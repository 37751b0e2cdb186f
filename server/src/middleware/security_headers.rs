//! Response headers that tell browsers what a page may do: a Content
//! Security Policy with a fresh nonce for the page's own inline scripts, no
//! framing, no MIME sniffing, no referrer, and no caching of anything but
//! the built front end.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

/// The built front end (WASM, JS, CSS): a file
/// with its content's hash in its name (`latchkey.<hash>.wasm`, as
/// cargo-leptos names them) never changes, so a browser keeps it for a year
/// without asking; one without (a build without hashes) it keeps but asks
/// about each time (`no-cache`: a 304 when unchanged).
const HASHED_ASSETS_CACHING: &str = "public, max-age=31536000, immutable";
const ASSETS_CACHING: &str = "no-cache";

/// For everything that is not a page (JSON, the live stream, files): load
/// nothing, be framed by nobody.
const NOT_A_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Whether the file `path` names has a content hash in its name, as
/// cargo-leptos writes them: `name.<22 base64url characters>.ext`.
fn has_hashed_name(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let mut parts = file.rsplit('.');
    let (Some(_ext), Some(hash), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !name.is_empty()
        && hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The nonce of this request's page, for its inline hydration scripts.
#[derive(Clone, Debug)]
pub struct PageNonce(pub Nonce);

/// What every response gets: no MIME sniffing, no referrer, no framing; and
/// unless its route said otherwise, a policy that loads nothing and no
/// caching.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(NOT_A_PAGE_POLICY));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// For the routes that render pages: a fresh nonce for the page's inline
/// scripts, named in its Content-Security-Policy (when what went out is a
/// page at all; a redirect gets the policy that loads nothing).
pub async fn page_policy(mut req: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    req.extensions_mut().insert(PageNonce(nonce.clone()));
    let mut response = next.run(req).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if is_page && let Ok(policy) = HeaderValue::from_str(&page_policy_for(&nonce)) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// For the built front end: kept for good when its name carries its hash,
/// else asked about each time; and the same path answers brotli, gzip or
/// plain by what was accepted, which a cache between must know.
pub async fn built_files_caching(req: Request, next: Next) -> Response {
    let is_hashed = has_hashed_name(req.uri().path());
    let mut response = next.run(req).await;
    let caching = if is_hashed {
        HASHED_ASSETS_CACHING
    } else {
        ASSETS_CACHING
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(caching));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// A page runs its own scripts (the WASM bundle and the inline hydration
/// scripts carrying the nonce) and talks only to this server.
fn page_policy_for(nonce: &Nonce) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_no_inline_script_without_the_nonce() {
        let nonce = Nonce::from_value("abc123");
        let policy = page_policy_for(&nonce);
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(HeaderValue::from_str(&policy).is_ok());
    }

    #[test]
    fn only_files_named_with_their_hash_are_kept_for_good() {
        for hashed in [
            "/pkg/latchkey.Xk3_9aB-cDeFgHiJkLmNoP.wasm",
            "/pkg/latchkey.Xk3_9aB-cDeFgHiJkLmNoP.js",
        ] {
            assert!(has_hashed_name(hashed), "{hashed}");
        }
        for plain in [
            "/pkg/latchkey.wasm",
            "/pkg/latchkey.css",
            "/pkg/.Xk3_9aB-cDeFgHiJkLmNoP.js",
            "/pkg/latchkey.Xk3_9aB-cDeFgHiJkLmNo.js",
            "/pkg/latchkey.Xk3_9aB+cDeFgHiJkLmNoP.js",
        ] {
            assert!(!has_hashed_name(plain), "{plain}");
        }
    }
}
