//! Sends signed-out visitors of signed-in pages to the sign-in page, before
//! any rendering starts.

use api::ErrorCode;
use auth::Authentication;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::state::AppState;

/// Pages under this prefix need a signed-in caller.
const SIGNED_IN_PREFIX: &str = "/account/";

pub async fn guard_signed_in_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::GET || !req.uri().path().starts_with(SIGNED_IN_PREFIX) {
        return next.run(req).await;
    }
    let refusal = req
        .extensions()
        .get::<Authentication>()
        .and_then(|found| found.caller().err());
    let Some(refusal) = refusal else {
        return next.run(req).await;
    };
    let target = match refusal.code {
        ErrorCode::SessionExpired => "/login?reason=session_expired",
        _ => "/login",
    };
    let mut response = Redirect::to(target).into_response();
    if state.cookies.read(req.headers()).is_some() {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, state.cookies.clear());
    }
    response
}
