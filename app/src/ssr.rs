//! Server-only helpers for server functions: the `Auth` service and the
//! caller that the server's middleware resolved for this request.

use api::ApiError;
use auth::{Auth, Authentication, Caller};
use leptos::prelude::use_context;

/// The domain service, provided as context by the server.
pub fn auth() -> Result<Auth, ApiError> {
    use_context::<Auth>().ok_or_else(|| {
        leptos::logging::error!("Auth missing from the Leptos context");
        ApiError::internal()
    })
}

/// The signed-in caller of this request, or why there is none.
pub fn caller() -> Result<Caller, ApiError> {
    let parts = use_context::<http::request::Parts>().ok_or_else(ApiError::internal)?;
    parts.extensions.get::<Authentication>().map_or_else(
        || Err(ApiError::unauthenticated()),
        |found| found.caller().cloned(),
    )
}
