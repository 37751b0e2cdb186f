//! JSON-RPC 2.0 over HTTP (`POST /api/rpc`) and WebSocket (`/api/ws`):
//! decode with `api::rpc`, run the account action in `auth`, answer.

mod dispatch;
mod http;
mod ws;

pub use dispatch::{Answer, answer};
pub use http::{rpc_error_response, rpc_over_http};
pub use ws::rpc_over_websocket;
