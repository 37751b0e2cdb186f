//! Device Bound Session Credentials over HTTP: the headers, the
//! registration and refresh routes.

pub mod headers;
mod routes;

pub use routes::{refresh, register};
