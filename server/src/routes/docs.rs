//! Machine-readable descriptions of the API, for tools: public, like the
//! code they are generated from.

use std::sync::OnceLock;

use axum::Json;
use serde_json::Value;

/// `GET /api/openrpc.json`: the JSON-RPC methods, their params, results
/// and an example of each (see `api::openrpc`).
pub async fn openrpc() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    made_once(&DOCUMENT, api::openrpc::document)
}

/// `GET /api/openapi.json`: the HTTP routes outside JSON-RPC (see
/// `api::openapi`).
pub async fn openapi() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    made_once(&DOCUMENT, api::openapi::document)
}

/// A document made for this version the first time it is asked for.
fn made_once(document: &'static OnceLock<Value>, make: fn(&str) -> Value) -> Json<Value> {
    Json(
        document
            .get_or_init(|| make(env!("CARGO_PKG_VERSION")))
            .clone(),
    )
}
