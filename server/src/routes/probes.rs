//! Probes for the orchestrator: `GET /healthz` (the process serves) and
//! `GET /readyz` (it can do its work). No credentials, no activity, no
//! detail beyond a reason code.

use std::time::Duration;

use api::{OutboxState, ProbeAnswer};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// Longest the database may take to answer the readiness probe.
const DATABASE_PATIENCE: Duration = Duration::from_secs(2);

/// The process is up and serving; asks nothing of the database.
pub async fn healthz() -> Json<ProbeAnswer> {
    Json(ProbeAnswer::ok())
}

/// The database answers and its migrations are current, and on PostgreSQL
/// the change feed is listening; otherwise 503 with the first reason.
/// Ready, it also reports the mail outbox (waiting, failed).
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<ProbeAnswer>) {
    let database = tokio::time::timeout(DATABASE_PATIENCE, state.auth.db().readiness())
        .await
        .unwrap_or(Err(auth::NotReady::Database));
    let reason = match database {
        Err(not_ready) => Some(not_ready.code()),
        Ok(()) if !state.feed.hears_the_others() => Some("change_feed"),
        Ok(()) => None,
    };
    let outbox = match reason {
        Some(_) => None,
        None => tokio::time::timeout(DATABASE_PATIENCE, state.auth.outbox_counts())
            .await
            .ok()
            .and_then(Result::ok)
            .map(|counts| OutboxState {
                waiting: counts.waiting,
                failed: counts.failed,
            }),
    };
    match reason {
        None => (StatusCode::OK, Json(ProbeAnswer::ok().with_outbox(outbox))),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(ProbeAnswer::not_ready(reason)),
        ),
    }
}
