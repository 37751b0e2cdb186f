//! Server-only helpers for server functions: the `Auth` service, and the
//! caller and client that the server's middleware resolved for this request.

use api::ApiError;
use auth::{Auth, Authentication, Caller, ClientMeta};
use leptos::prelude::use_context;

/// The domain service, provided as context by the server.
pub fn auth() -> Result<Auth, ApiError> {
    use_context::<Auth>().ok_or_else(|| {
        leptos::logging::error!("Auth missing from the Leptos context");
        ApiError::internal()
    })
}

fn request() -> Result<http::request::Parts, ApiError> {
    use_context::<http::request::Parts>().ok_or_else(ApiError::internal)
}

/// The signed-in caller of this request, or why there is none.
pub fn caller() -> Result<Caller, ApiError> {
    request()?.extensions.get::<Authentication>().map_or_else(
        || Err(ApiError::unauthenticated()),
        |found| found.caller().cloned(),
    )
}

/// Where this request came from, for audit records.
pub fn client() -> ClientMeta {
    request()
        .ok()
        .and_then(|parts| parts.extensions.get::<ClientMeta>().cloned())
        .unwrap_or_default()
}

/// The caller and the service, for an action.
pub fn acting() -> Result<(Auth, Caller, ClientMeta), ApiError> {
    Ok((auth()?, caller()?, client()))
}
