//! A request id for every request: the `request` span that every log line
//! of the request is written in carries it, and the answer names it in
//! `X-Request-Id`, so a user's report can be found in the log. The id is
//! ours: one sent by the client is not trusted to be unique or clean.

use std::hash::BuildHasher as _;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument as _;

/// This process's part of every id, so ids of several instances differ.
static PROCESS: LazyLock<u64> = LazyLock::new(|| std::hash::RandomState::new().hash_one(0_u8));
static NEXT: AtomicU64 = AtomicU64::new(0);

/// A new id: 16 hex digits of this process, then a counter.
fn next_id() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{:016x}-{n:x}", *PROCESS)
}

/// Runs the request in its `request` span and names the id in the answer.
pub async fn request_id(request: Request, next: Next) -> Response {
    let id = next_id();
    // At the error level, so that a filter of any level keeps it and every
    // line the request writes names its id.
    let span = tracing::error_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_name_the_process() {
        let (a, b) = (next_id(), next_id());
        assert_ne!(a, b);
        assert_eq!(a.split('-').next(), b.split('-').next());
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-'), "{a}");
    }
}
