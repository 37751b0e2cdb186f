//! Every refusal reaches API clients as the API's own error: a `{code,
//! message}` JSON body (a JSON-RPC error on `/api/rpc`) with the status that
//! belongs to the code. Two kinds of answer need help to get there:
//!
//! - the framework's own refusals, in plain text: a body over the limit
//!   (413) and a method the address does not take (405); their other
//!   headers (such as `Allow`) are kept;
//! - a server function's error, which Leptos always sends as 500 whatever
//!   it says: it gets its code's status (its browser stub treats every 4xx
//!   and 5xx as an error, so it reads the same error either way).
//!
//! A `busy` refusal (503), from any route, also says when to come back.

use api::rpc::RpcError;
use api::{ApiError, ErrorCode};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

use crate::error::HttpError;
use crate::extract::payload_too_large;
use crate::rpc;

/// A server function's error body is one small `ApiError`.
const SERVER_FN_ERROR_LIMIT_BYTES: usize = 16 * 1024;

/// Seconds a client told `busy` waits before trying again.
const BUSY_RETRY_AFTER_SECS: u32 = 1;

/// How a group of routes words the refusals made outside its handlers (a
/// body too large, a method its route does not take): as the HTTP API's
/// errors, or as JSON-RPC's.
#[derive(Clone, Copy, Debug)]
pub enum ErrorShape {
    Http,
    JsonRpc,
}

pub async fn uniform_error_answers(
    State(shape): State<ErrorShape>,
    req: Request,
    next: Next,
) -> Response {
    let mut response = in_the_apis_words(shape, req, next).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE
        && !response.headers().contains_key(header::RETRY_AFTER)
    {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(BUSY_RETRY_AFTER_SECS),
        );
    }
    response
}

async fn in_the_apis_words(shape: ErrorShape, req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return with_the_codes_status(response).await;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    let error = match response.status() {
        _ if is_json => return response,
        StatusCode::PAYLOAD_TOO_LARGE => payload_too_large(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            ErrorCode::MethodNotAllowed,
            "This address does not take that HTTP method.",
        ),
        _ => return response,
    };
    let (mut parts, _) = response.into_parts();
    let json = match shape {
        ErrorShape::JsonRpc => rpc::rpc_error_response(RpcError::from_api(error)),
        ErrorShape::Http => HttpError(error).into_response(),
    };
    let (json_parts, body) = json.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.extend(json_parts.headers);
    parts.status = json_parts.status;
    Response::from_parts(parts, body)
}

async fn with_the_codes_status(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, SERVER_FN_ERROR_LIMIT_BYTES).await else {
        return HttpError(ApiError::internal()).into_response();
    };
    if let Ok(error) = serde_json::from_slice::<ApiError>(&bytes) {
        parts.status = StatusCode::from_u16(error.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}
