//! JSON-RPC 2.0 over HTTP (`POST /api/rpc`) and WebSocket (`/api/ws`, whose
//! socket `live::ws` serves): decode with `api::rpc`, run the account
//! action in `auth`, answer.

mod dispatch;
mod http;

pub use dispatch::{Answer, answer};
pub use http::{rpc_error_response, rpc_over_http};
