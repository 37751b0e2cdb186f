//! `POST /api/client-errors`: a page whose WASM panicked says so (see the
//! `frontend` crate), so the failure reaches the server's log instead of
//! staying in one browser's console.
//!
//! Anyone can send one, so what is logged is bounded: one line, cut to a
//! fixed length, with control characters replaced, and at most a few
//! reports a minute for the whole instance (past that they are dropped).

use std::num::NonZeroU32;

use api::{ApiError, ErrorCode};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Deserialize;

use crate::error::HttpError;
use crate::extract::Client;
use crate::state::AppState;

/// Largest report read; a longer body is refused before it is parsed.
pub const MAX_REPORT_BYTES: usize = 4 * 1024;

/// Reports logged a minute, for the whole instance.
const REPORTS_PER_MINUTE: NonZeroU32 = NonZeroU32::new(30).unwrap();

const MAX_MESSAGE_CHARS: usize = 2000;
const MAX_PAGE_CHARS: usize = 200;

/// What bounds how many reports reach the log (kept in the app state).
pub fn report_limit() -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::per_minute(REPORTS_PER_MINUTE))
}

#[derive(Deserialize)]
struct Report {
    page: String,
    message: String,
    #[serde(default)]
    during_start: bool,
}

pub async fn client_error(
    State(state): State<AppState>,
    Client(meta): Client,
    body: Bytes,
) -> Result<StatusCode, HttpError> {
    let report = serde_json::from_slice::<Report>(&body)
        .map_err(|_| ApiError::invalid_params("Send a report as JSON: {page, message}."))?;
    if state.client_reports.check().is_err() {
        return Err(ApiError::new(
            ErrorCode::RateLimited,
            "Too many reports just now; this one was dropped.",
        )
        .into());
    }
    tracing::error!(
        page = %one_line(&report.page, MAX_PAGE_CHARS),
        during_start = report.during_start,
        client = meta.ip.as_deref().unwrap_or("unknown"),
        "a browser page failed: {}",
        one_line(&report.message, MAX_MESSAGE_CHARS),
    );
    Ok(StatusCode::NO_CONTENT)
}

/// At most `max` characters, none of them a line break or other control
/// character, so a report cannot forge log lines.
fn one_line(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_cannot_forge_log_lines_or_grow_without_end() {
        assert_eq!(
            one_line("boom\nINFO forged\r\u{1b}[2J", 100),
            "boom INFO forged  [2J"
        );
        assert_eq!(one_line(&"x".repeat(5000), 10).len(), 10);
    }
}
