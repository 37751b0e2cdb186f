//! Resolves the caller once per request and attaches the answer for every
//! handler and server function to read. This is also where a session's token
//! rotates: the new cookie goes out on this response, before any Leptos
//! handler streams a page (which could no longer add headers).

use api::ApiError;
use auth::{Access, Authentication};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::extract::client_meta;
use crate::state::AppState;

pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if is_static_asset(req.uri().path()) {
        return next.run(req).await;
    }
    let Some(token) = state.cookies.read(req.headers()) else {
        req.extensions_mut()
            .insert(Authentication::new(Err(ApiError::unauthenticated())));
        return next.run(req).await;
    };
    let access = access_for(req.method(), req.uri().path());
    let meta = client_meta(&req);
    let resolved = state.auth.authenticate(&token, access, &meta).await;
    let (authentication, set_cookie) = match resolved {
        Ok(resolved) => {
            let set_cookie = resolved.rotated.map(|new_token| {
                let remaining = resolved
                    .caller
                    .deadlines
                    .absolute_ends_at
                    .millis_since(state.auth.now());
                state.cookies.set(&new_token, remaining / 1000)
            });
            (Authentication::new(Ok(resolved.caller)), set_cookie)
        }
        // The cookie is no good any more: tell the browser to drop it.
        Err(err) => (
            Authentication::new(Err(err.into())),
            Some(state.cookies.clear()),
        ),
    };
    req.extensions_mut().insert(authentication);
    let mut response = next.run(req).await;
    if let Some(cookie) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Page loads and server functions are activity and may rotate the token;
/// API calls are activity only; the live stream is neither.
fn access_for(method: &Method, path: &str) -> Access {
    if path.starts_with("/api/fn/") {
        Access::Interactive
    } else if path == "/api/events" {
        Access::Passive
    } else if path.starts_with("/api/") || method != Method::GET {
        Access::Api
    } else {
        Access::Interactive
    }
}

/// Files of the built front end need no caller.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.ico"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_server_functions_may_rotate_api_calls_may_not_streams_are_passive() {
        assert_eq!(
            access_for(&Method::GET, "/account/security"),
            Access::Interactive
        );
        assert_eq!(
            access_for(&Method::POST, "/api/fn/current_user123"),
            Access::Interactive
        );
        assert_eq!(access_for(&Method::POST, "/api/rpc"), Access::Api);
        assert_eq!(access_for(&Method::POST, "/api/auth/logout"), Access::Api);
        assert_eq!(access_for(&Method::GET, "/api/events"), Access::Passive);
    }
}
