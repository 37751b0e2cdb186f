//! JSON-RPC 2.0: the account actions' method names, decoding a request, and
//! the response envelope. Pure, so it can be fuzzed without a server.

mod decode;
mod error;
mod method;
mod response;

pub use decode::{Call, MAX_BATCH, Refused, Request, decode, decode_value};
pub use error::{RpcError, RpcErrorData};
pub use method::Method;
pub use response::Response;
