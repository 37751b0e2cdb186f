//! Sends signed-out visitors of signed-in pages to the sign-in page, with
//! the reason when their session ended, before any rendering starts.

use api::messages::SignInReason;
use api::{ErrorCode, paths};
use auth::Authentication;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// Seconds a visitor told to reload waits first.
const RETRY_AFTER_SECS: &str = "1";

/// For the group of signed-in pages only (see `router`).
pub async fn guard_signed_in_pages(req: Request, next: Next) -> Response {
    let refusal = req
        .extensions()
        .get::<Authentication>()
        .and_then(|found| found.caller().err());
    match refusal {
        None => next.run(req).await,
        Some(refusal) if refusal.code.is_the_servers() => {
            could_not_check(refusal.code).into_response()
        }
        Some(refusal) => Redirect::to(login_for(refusal.code)).into_response(),
    }
}

/// When the session could not be looked up, the visitor is still signed in
/// as far as anyone knows: say so instead of sending them to sign in, with
/// the status of why (503 with `Retry-After` while the database is out of
/// reach).
fn could_not_check(code: ErrorCode) -> impl IntoResponse {
    let status =
        StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::RETRY_AFTER, RETRY_AFTER_SECS)],
        Html(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Try again - latchkey</title></head><body><main>\
             <h1>Something went wrong on our side</h1>\
             <p>Your session could not be checked just now. You are still signed in; \
             reload the page in a moment.</p></main></body></html>",
        ),
    )
}

/// The sign-in page, with a banner saying why when there is one to say.
pub fn login_for(code: ErrorCode) -> &'static str {
    SignInReason::for_refusal(code).map_or(paths::page::LOGIN, SignInReason::login_path)
}
