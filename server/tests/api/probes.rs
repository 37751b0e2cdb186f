//! The orchestrator's probes: `/healthz` and `/readyz`.

use api::paths;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, TestUser, session_set_cookie, spawn_app};
use crate::live_client::PROMPTLY;

async fn probe(app: &TestApp, path: &str, cookie: Option<&str>) -> (StatusCode, Value) {
    let response = app.get(path, cookie).await;
    assert!(
        session_set_cookie(response.headers()).is_none(),
        "a probe set or cleared a cookie"
    );
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

/// Asks `/readyz` until it answers `want` (on PostgreSQL a new instance is
/// ready once its change feed listens); the last answer.
pub async fn readiness_becomes(app: &TestApp, want: StatusCode, within: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let (status, body) = probe(app, paths::READYZ, None).await;
        if status == want {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/readyz still answers {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn both_probes_answer_ok_without_credentials() {
    let app = spawn_app().await;
    readiness_becomes(&app, StatusCode::OK, PROMPTLY).await;

    let (status, body) = probe(&app, paths::HEALTHZ, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, serde_json::json!({"status": "ok"}));
    // Ready, it also reports the mail outbox.
    let (status, body) = probe(&app, paths::READYZ, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        serde_json::json!({"status": "ok", "outbox": {"waiting": 0, "failed": 0}})
    );
}

#[tokio::test]
async fn with_the_database_gone_the_process_is_live_but_not_ready() {
    let app = spawn_app().await;

    app.server_db.as_ref().unwrap().close().await;

    let (live, _) = probe(&app, paths::HEALTHZ, None).await;
    assert_eq!(live, StatusCode::OK);
    let (ready, body) = probe(&app, paths::READYZ, None).await;
    assert_eq!(ready, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["reason"], "database");
}

#[tokio::test]
async fn a_schema_older_than_the_build_is_not_ready() {
    let app = spawn_app().await;

    app.db.db.execute_write(sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    ))
    .await
    .unwrap();

    let (ready, body) = probe(&app, paths::READYZ, None).await;
    assert_eq!(ready, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["reason"], "migrations");
}

#[tokio::test]
async fn probes_ignore_cookies_and_are_never_rate_limited() {
    // A stale cookie is neither cleared nor counted; a flood of probes from
    // one address is all answered.
    let app = spawn_app().await;
    readiness_becomes(&app, StatusCode::OK, PROMPTLY).await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    app.post_json(paths::auth::LOGOUT, &serde_json::json!({}), Some(&cookie))
        .await;

    for _ in 0..200 {
        let (status, _) = probe(&app, paths::READYZ, Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
    }
}
