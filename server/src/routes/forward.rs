//! `GET /api/auth/forward`: forward authentication for the apps behind the
//! same reverse proxy (nginx `auth_request`, Caddy `forward_auth`, Traefik
//! `ForwardAuth`), asked before every request to them.
//!
//! A signed-in browser session gets 200 and who it is in `X-Latchkey-*`
//! headers; the session's cookie rotates and its activity counts as for a
//! page of Latchkey's own. Anything else gets 401 and, in
//! `X-Latchkey-Login`, the sign-in page to send the browser to, coming back
//! to the page it asked for (or, with `?redirect=true`, a 302 there itself).

use api::{ApiError, ErrorCode};
use auth::{Authentication, Caller};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::error::HttpError;
use crate::middleware::login_for;
use crate::return_to::{ProtectedOrigin, ReturnTo};
use crate::state::AppState;

/// The identity headers of a 200, for the protected app to read.
pub const USER: HeaderName = HeaderName::from_static("x-latchkey-user");
pub const EMAIL: HeaderName = HeaderName::from_static("x-latchkey-email");
pub const NAME: HeaderName = HeaderName::from_static("x-latchkey-name");
pub const ROLE: HeaderName = HeaderName::from_static("x-latchkey-role");
pub const ACCOUNT: HeaderName = HeaderName::from_static("x-latchkey-account");
/// On a 401: where to send the browser to sign in.
pub const LOGIN: HeaderName = HeaderName::from_static("x-latchkey-login");

/// Escaped in identity headers besides every byte outside printable ASCII:
/// `%` itself, so the value decodes back to exactly the stored text.
const ESCAPED: &AsciiSet = &CONTROLS.add(b'%');

#[derive(Debug, Default, serde::Deserialize)]
pub struct Ask {
    /// Answer a browser that is not signed in with a redirect (Caddy,
    /// Traefik pass it on) instead of a 401 (nginx needs that).
    #[serde(default)]
    redirect: bool,
}

pub async fn forward(
    State(state): State<AppState>,
    Query(ask): Query<Ask>,
    req: Request,
) -> Response {
    let caller = req
        .extensions()
        .get::<Authentication>()
        .map(Authentication::caller);
    // Its route group takes browser sessions only: an API token does not
    // sign in to a protected app.
    let refusal = match caller {
        Some(Ok(caller)) => return signed_in(caller),
        Some(Err(refusal)) => refusal,
        None => ApiError::unauthenticated(),
    };
    // The server's own trouble (the database out of reach): 503 or 500,
    // never a redirect to sign in, which would say the session ended.
    if refusal.code.is_the_servers() {
        return HttpError(refusal).into_response();
    }
    let login = login_path(req.headers(), refusal.code, &state.protected_origins);
    let Ok(location) = HeaderValue::from_str(&login) else {
        return HttpError(refusal).into_response();
    };
    let mut response = if ask.redirect {
        (StatusCode::FOUND, [(header::LOCATION, location.clone())]).into_response()
    } else {
        HttpError(refusal).into_response()
    };
    response.headers_mut().insert(LOGIN, location);
    response
}

/// 200 with who is signed in.
fn signed_in(caller: &Caller) -> Response {
    let me = caller.me();
    let identity = [
        (USER, me.user_id.as_str()),
        (EMAIL, me.email.as_str()),
        (NAME, me.name.as_str()),
        (ROLE, me.role.as_str()),
        (ACCOUNT, me.account_id.as_str()),
    ];
    let mut headers = HeaderMap::new();
    for (name, value) in identity {
        headers.insert(name, header_safe(value));
    }
    (StatusCode::OK, headers).into_response()
}

/// `value` as a header value that cannot carry a newline or any other
/// control character: those, `%` and non-ASCII are percent-encoded (UTF-8).
pub fn header_safe(value: &str) -> HeaderValue {
    let escaped = utf8_percent_encode(value, ESCAPED).to_string();
    // Only printable ASCII is left, which is always a valid header value.
    HeaderValue::from_str(&escaped).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The sign-in page for this refusal: with why, when there is something to
/// say, and with the page the browser asked for when it may go back there
/// (a GET on a protected origin).
fn login_path(headers: &HeaderMap, code: ErrorCode, protected: &[ProtectedOrigin]) -> String {
    let login = login_for(code);
    let Some(back) = asked_for(headers, protected) else {
        return login.to_owned();
    };
    let next = back.login_path();
    match login.split_once('?') {
        Some((_, reason)) => format!("{next}&{reason}"),
        None => next,
    }
}

/// The page the proxy says the browser asked for, from `X-Forwarded-Proto`,
/// `-Host`, `-Uri` and `-Method`, when it is one to come back to.
fn asked_for(headers: &HeaderMap, protected: &[ProtectedOrigin]) -> Option<ReturnTo> {
    let read = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let method = read("x-forwarded-method").unwrap_or("GET");
    if !matches!(method, "GET" | "HEAD") {
        return None;
    }
    let origin =
        ProtectedOrigin::of_forwarded(read("x-forwarded-proto")?, read("x-forwarded-host")?)?;
    let uri = read("x-forwarded-uri").filter(|uri| uri.starts_with('/'))?;
    ReturnTo::parse(&format!("{origin}{uri}"), protected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_values_never_carry_a_newline() {
        let value = header_safe("Eve\r\nX-Latchkey-Role: owner");
        assert_eq!(value.to_str().unwrap(), "Eve%0D%0AX-Latchkey-Role: owner");
        assert_eq!(header_safe("Zoë 100%").to_str().unwrap(), "Zo%C3%AB 100%25");
    }

    fn forwarded(method: &str, uri: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "wiki.example.com"),
            ("x-forwarded-uri", uri),
            ("x-forwarded-method", method),
        ] {
            headers.insert(name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn the_login_path_returns_to_a_get_on_a_protected_origin_with_the_reason() {
        let wiki = [ProtectedOrigin::parse("https://wiki.example.com").unwrap()];
        let headers = forwarded("GET", "/page?a=1&b=2");

        assert_eq!(
            login_path(&headers, ErrorCode::Unauthenticated, &wiki),
            "/login?next=https%3A%2F%2Fwiki.example.com%2Fpage%3Fa%3D1%26b%3D2"
        );
        assert_eq!(
            login_path(&headers, ErrorCode::SessionExpired, &wiki),
            "/login?next=https%3A%2F%2Fwiki.example.com%2Fpage%3Fa%3D1%26b%3D2&reason=session_expired"
        );
        assert_eq!(
            login_path(&headers, ErrorCode::Unauthenticated, &[]),
            "/login"
        );
        let post = forwarded("POST", "/page");
        assert_eq!(
            login_path(&post, ErrorCode::Unauthenticated, &wiki),
            "/login"
        );
    }
}
