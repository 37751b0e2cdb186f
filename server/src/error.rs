//! The one place where errors become HTTP responses.

use api::ApiError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An API error on its way out: a `{code, message}` JSON body with the
/// status that belongs to the code.
#[derive(Debug)]
pub struct HttpError(pub ApiError);

impl From<ApiError> for HttpError {
    fn from(err: ApiError) -> Self {
        Self(err)
    }
}

impl From<auth::AuthError> for HttpError {
    fn from(err: auth::AuthError) -> Self {
        Self(err.into())
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // A 503 always says when to come back (a second, unless it says).
        let retry_after = self
            .0
            .retry_after_seconds
            .or((status == StatusCode::SERVICE_UNAVAILABLE).then_some(1));
        let mut response = (status, Json(self.0)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
