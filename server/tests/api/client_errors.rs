//! `POST /api/client-errors`: a page whose WASM failed reports it.

use api::paths;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

async fn report(app: &TestApp, body: String, site: &str) -> StatusCode {
    app.client
        .post(app.url(paths::CLIENT_ERRORS))
        .header("content-type", "text/plain;charset=UTF-8")
        .header("sec-fetch-site", site)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

fn a_report() -> String {
    json!({
        "page": paths::page::SECURITY,
        "message": "panicked at tachys/src/hydration.rs: Unrecoverable hydration error",
        "during_start": true,
    })
    .to_string()
}

#[tokio::test]
async fn a_page_that_failed_to_start_is_heard_without_a_session() {
    let app = spawn_app().await;

    let status = report(&app, a_report(), "same-origin").await;

    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_report_from_another_sites_page_is_refused() {
    let app = spawn_app().await;

    let status = report(&app, a_report(), "cross-site").await;

    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_report_that_is_not_one_or_too_large_is_refused() {
    let app = spawn_app().await;

    let garbage = report(&app, "not json".to_owned(), "same-origin").await;
    let huge = json!({"page": "/", "message": "x".repeat(8 * 1024)}).to_string();
    let too_large = report(&app, huge, "same-origin").await;

    assert_eq!(garbage, StatusCode::BAD_REQUEST);
    assert_eq!(too_large, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_flood_of_reports_cannot_flood_the_log() {
    let app = spawn_app().await;

    let mut answers = Vec::new();
    for _ in 0..40 {
        answers.push(report(&app, a_report(), "same-origin").await);
    }

    let heard = answers
        .iter()
        .filter(|s| **s == StatusCode::NO_CONTENT)
        .count();
    assert_eq!(heard, 30, "{answers:?}");
    assert!(
        answers[30..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS)
    );
}
