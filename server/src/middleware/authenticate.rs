//! Resolves the caller once per request and attaches the answer for every
//! handler and server function to read.

use api::ApiError;
use auth::Authentication;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if is_static_asset(req.uri().path()) {
        return next.run(req).await;
    }
    let result = match state.cookies.read(req.headers()) {
        None => Err(ApiError::unauthenticated()),
        Some(token) => state
            .auth
            .authenticate(&token)
            .await
            .map_err(ApiError::from),
    };
    req.extensions_mut().insert(Authentication::new(result));
    next.run(req).await
}

/// Files of the built front end need no caller.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.ico"
}
