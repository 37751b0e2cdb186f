//! Sends signed-out visitors of signed-in pages to the sign-in page, with
//! the reason when their session ended, before any rendering starts.

use api::ErrorCode;
use auth::Authentication;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// Pages under this prefix need a signed-in caller.
const SIGNED_IN_PREFIX: &str = "/account/";

pub async fn guard_signed_in_pages(req: Request, next: Next) -> Response {
    if req.method() != Method::GET || !req.uri().path().starts_with(SIGNED_IN_PREFIX) {
        return next.run(req).await;
    }
    let refusal = req
        .extensions()
        .get::<Authentication>()
        .and_then(|found| found.caller().err());
    match refusal {
        None => next.run(req).await,
        Some(refusal) => Redirect::to(login_for(refusal.code)).into_response(),
    }
}

/// The sign-in page, with a banner saying why when there is one to say.
pub fn login_for(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::SessionExpired => "/login?reason=session_expired",
        ErrorCode::SessionTaken => "/login?reason=session_taken",
        ErrorCode::SessionRevoked => "/login?reason=revoked",
        _ => "/login",
    }
}
