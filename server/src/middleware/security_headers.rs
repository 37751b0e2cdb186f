//! Response headers that tell browsers what a page may do: a Content
//! Security Policy with a fresh nonce for the page's own inline scripts, no
//! framing, no MIME sniffing, no referrer, and no caching of anything but
//! the built front end.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

/// Where the built front end (WASM, JS, CSS) is served. A file with its
/// content's hash in its name (`latchkey.<hash>.wasm`, as cargo-leptos names
/// them) never changes, so a browser keeps it for a year without asking; one
/// without (a build without hashes) it keeps but asks about each time
/// (`no-cache`: a 304 when unchanged).
const ASSETS: &str = "/pkg/";
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

pub async fn security_headers(mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_asset = path.starts_with(ASSETS);
    let is_hashed = is_asset && has_hashed_name(path);
    let cacheable = is_asset || crate::routes::script::is_script(path);
    // Only a page needs a nonce; JSON, streams and files never get one.
    let nonce = (!cacheable && !path.starts_with("/api/")).then(Nonce::new);
    if let Some(nonce) = &nonce {
        req.extensions_mut().insert(PageNonce(nonce.clone()));
    }
    let mut response = next.run(req).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    let policy = match nonce.filter(|_| is_page) {
        Some(nonce) => HeaderValue::from_str(&page_policy(&nonce)).ok(),
        None => Some(HeaderValue::from_static(NOT_A_PAGE_POLICY)),
    };
    let headers = response.headers_mut();
    if let Some(policy) = policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    if is_asset {
        let caching = if is_hashed {
            HASHED_ASSETS_CACHING
        } else {
            ASSETS_CACHING
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(caching));
        // The same path answers brotli, gzip or plain by what was accepted,
        // which a cache between must know.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    } else if !cacheable {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
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

/// A page runs its own scripts (the WASM bundle and the inline hydration
/// scripts carrying the nonce) and talks only to this server.
fn page_policy(nonce: &Nonce) -> String {
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
        let policy = page_policy(&nonce);
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
