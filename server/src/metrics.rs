//! Prometheus metrics, served on their own address (`--metrics-listen`),
//! never on the public one. The `metrics` facade's recorder is one per
//! process; every server in it renders the same registry.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use api::paths;
use auth::Auth;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

/// Histogram buckets in seconds, from a cheap request to a slow hash.
const BUCKETS: &[f64] = &[
    0.000_1, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

static HANDLE: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// The process's recorder, installed on first use.
pub fn recorder() -> Result<PrometheusHandle, String> {
    let mut installed = HANDLE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = installed.as_ref() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets(BUCKETS)
        .map_err(|err| err.to_string())?
        .install_recorder()
        .map_err(|err| err.to_string())?;
    *installed = Some(handle.clone());
    Ok(handle)
}

/// Serves `GET /metrics` on `listener` until the process stops.
pub async fn serve(
    listener: TcpListener,
    handle: PrometheusHandle,
    auth: Auth,
) -> std::io::Result<()> {
    let page = Router::new()
        .route(paths::METRICS, get(render))
        .with_state((handle, auth));
    axum::serve(listener, page).await
}

async fn render(State((handle, auth)): State<(PrometheusHandle, Auth)>) -> String {
    for (pool, size, idle) in auth.db().pool_use() {
        #[allow(clippy::cast_precision_loss, reason = "pools of a few dozen")]
        {
            metrics::gauge!("latchkey_db_connections", "pool" => pool, "state" => "idle")
                .set(idle as f64);
            metrics::gauge!("latchkey_db_connections", "pool" => pool, "state" => "in_use")
                .set(size.saturating_sub(idle) as f64);
        }
    }
    if let Ok(outbox) = auth.outbox_counts().await {
        #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        {
            metrics::gauge!("latchkey_mail_outbox", "state" => "waiting")
                .set(outbox.waiting as f64);
            metrics::gauge!("latchkey_mail_outbox", "state" => "failed").set(outbox.failed as f64);
        }
    }
    handle.render()
}

/// Counts every request by its route template (never the raw path), its
/// method (never one a client made up) and its status, and times it. A
/// request no route matched (a built file, a page that does not exist) is
/// `unmatched`.
pub async fn count_requests(request: Request, next: Next) -> Response {
    // Braces written as `:name` (`/api/{*rest}` is `/api/:*rest`), which
    // every text-format parser takes.
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || "unmatched".to_owned(),
        |path| path.as_str().replace('{', ":").replace('}', ""),
    );
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("latchkey_http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("latchkey_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// A request's method as a label: one of the methods HTTP defines, or
/// `other`. Any token is a valid method, so taking it as it came would let
/// each client add series without end; every label read from a request is
/// one of a fixed set (the route is its template or `unmatched`).
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "CONNECT" => "CONNECT",
        "OPTIONS" => "OPTIONS",
        "TRACE" => "TRACE",
        "PATCH" => "PATCH",
        _ => "other",
    }
}

/// One more, or one fewer, open live connection of `credential` kind.
pub fn live_connections(credential: &'static str, change: f64) {
    metrics::gauge!("latchkey_live_connections", "credential" => credential).increment(change);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_label_is_a_method_http_defines_or_other() {
        let label = |text: &str| method_label(&Method::from_bytes(text.as_bytes()).unwrap());

        assert_eq!(label("GET"), "GET");
        assert_eq!(label("PATCH"), "PATCH");
        assert_eq!(label("FOO"), "other");
        assert_eq!(label("get"), "other", "methods are case-sensitive");
    }
}
