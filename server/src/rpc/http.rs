//! `POST /api/rpc`: one JSON-RPC request, or a batch, per HTTP request.

use api::ApiError;
use api::rpc::{Response as RpcResponse, RpcError};
use auth::Authentication;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::Value;

use super::{Answer, answer};
use crate::extract::{Client, payload_too_large};
use crate::state::AppState;

pub async fn rpc_over_http(
    State(state): State<AppState>,
    Client(meta): Client,
    Extension(authentication): Extension<Authentication>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let error = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                payload_too_large()
            } else {
                ApiError::invalid_params("The request body could not be read.")
            };
            return rpc_error_response(RpcError::from_api(error));
        }
    };
    match answer(&state.auth, authentication.caller(), &meta, &body).await {
        Answer::One(status, response) => (status_code(status), Json(response)).into_response(),
        Answer::Batch(responses) => (StatusCode::OK, Json(responses)).into_response(),
        Answer::Nothing => StatusCode::NO_CONTENT.into_response(),
    }
}

/// A JSON-RPC error response with no request id to answer.
pub fn rpc_error_response(error: RpcError) -> Response {
    let status = status_code(error.http_status());
    (status, Json(RpcResponse::failure(Value::Null, error))).into_response()
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
