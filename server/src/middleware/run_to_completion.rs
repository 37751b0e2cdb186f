//! A state-changing request runs to its end even when its client goes away
//! half-way. hyper drops a request's future when the connection closes; a
//! handler dropped between a commit and what must follow it (closing the
//! revoked sessions' live connections, the `NOTIFY` to other instances, the
//! audit write) would leave those undone while the change stands. So such a
//! request runs in a task of its own, which the connection only waits for.
//! Reads (GET, HEAD, OPTIONS) change nothing worth finishing for a client
//! that left, and skip the task.

use api::ApiError;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument as _;

use crate::error::HttpError;

pub async fn run_to_completion(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // The task keeps the request's span, so its log lines stay the request's.
    let handler = next.run(req).instrument(tracing::Span::current());
    match tokio::spawn(handler).await {
        Ok(response) => response,
        Err(err) => {
            tracing::error!(error = %err, "a request's handler failed");
            HttpError(ApiError::internal()).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use axum::Router;
    use axum::body::Body;
    use axum::routing::post;
    use futures_util::FutureExt as _;
    use tokio::sync::Notify;
    use tower::ServiceExt as _;

    use super::*;

    /// A handler that starts, waits to be let go, then records that it
    /// finished.
    fn app(started: Arc<Notify>, go_on: Arc<Notify>, finished: Arc<AtomicBool>) -> Router {
        Router::new()
            .route(
                "/change",
                post(move || async move {
                    started.notify_one();
                    go_on.notified().await;
                    finished.store(true, Ordering::SeqCst);
                }),
            )
            .layer(axum::middleware::from_fn(run_to_completion))
    }

    #[tokio::test]
    async fn a_change_whose_client_went_away_half_way_still_runs_to_its_end() {
        let (started, go_on) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let finished = Arc::new(AtomicBool::new(false));
        let request = Request::post("/change").body(Body::empty()).unwrap();
        let mut answering =
            Box::pin(app(started.clone(), go_on.clone(), finished.clone()).oneshot(request));

        // The handler is half-way when the client goes away.
        tokio::select! {
            () = started.notified() => {}
            _ = &mut answering => panic!("the handler waits"),
        }
        assert!(answering.as_mut().now_or_never().is_none());
        drop(answering);
        go_on.notify_one();

        tokio::time::timeout(std::time::Duration::from_secs(5), async {
            while !finished.load(Ordering::SeqCst) {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the handler finished although nobody waits for it");
    }
}
