//! Machine-readable descriptions of the API, for tools: public, like the
//! code they are generated from.

use std::sync::OnceLock;

use axum::Json;
use serde_json::Value;

/// `GET /api/openrpc.json`: the JSON-RPC methods, their params, results
/// and an example of each (see `api::openrpc`).
pub async fn openrpc() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    Json(
        DOCUMENT
            .get_or_init(|| api::openrpc::document(env!("CARGO_PKG_VERSION")))
            .clone(),
    )
}
