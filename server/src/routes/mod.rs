//! HTTP routes outside Leptos: the sign-in lifecycle and API fallbacks.

pub mod account;
mod answers;
pub mod auth;
pub mod client_errors;
pub mod docs;
pub mod forward;
pub mod invitation;
pub mod passkey;
pub mod probes;
pub mod recovery;
pub mod script;
pub mod sign_in_steps;
pub mod verify_email;

use api::{ApiError, ErrorCode, paths};
use axum::response::{IntoResponse, Redirect};

use crate::error::HttpError;

/// `GET /`: the security page is the home page.
pub async fn home() -> Redirect {
    Redirect::to(paths::page::SECURITY)
}

/// Any unknown `/api/...` path: a JSON 404, not an HTML page.
pub async fn api_not_found() -> impl IntoResponse {
    HttpError(ApiError::new(
        ErrorCode::NotFound,
        "There is no API at this path.",
    ))
}
