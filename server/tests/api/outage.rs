//! PostgreSQL going away under a signed-in user: every request is answered
//! at once (503 `unavailable`, `Retry-After`), no cookie is cleared, and
//! the session, an earlier revoke and an open stream carry on once it is
//! back. The server reaches PostgreSQL through a proxy the test cuts: the
//! server's connections break at once, and new ones are taken and dropped,
//! as when the database's host goes away. On SQLite there is nothing to
//! cut, and these tests pass without doing anything.

use std::time::Duration;

use api::paths;
use auth::testing::POSTGRES_URL_VAR;
use reqwest::header::{RETRY_AFTER, SET_COOKIE};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use testkit::CutProxy;

use crate::helpers::{Cred, TestApp, TestUser, assert_rpc_error, spawn_app_with};
use crate::live_client::PROMPTLY;

/// What "at once" means for a request while the database is gone.
const AT_ONCE: Duration = Duration::from_secs(1);
/// How soon after the database's return requests are served again.
const BACK_WITHIN: Duration = Duration::from_secs(5);

/// A server on a fresh PostgreSQL database reached through a proxy; `None`
/// when the suite runs on SQLite.
async fn behind_a_proxy() -> Option<(TestApp, CutProxy)> {
    let server_url = std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|url| !url.is_empty())?;
    let proxy = CutProxy::in_front_of(&server_url).await.unwrap();
    let app = spawn_app_with(|config| {
        config.database_url = proxy.reroute(&config.database_url);
    })
    .await;
    Some((app, proxy))
}

/// `request`, which must be answered within `AT_ONCE`.
async fn at_once(request: impl Future<Output = Response>) -> Response {
    tokio::time::timeout(AT_ONCE, request)
        .await
        .expect("answered within a second")
}

/// 503 `unavailable` with `Retry-After` and no `Set-Cookie`.
async fn assert_unavailable(response: Response, what: &str) {
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{what}");
    assert!(response.headers().contains_key(RETRY_AFTER), "{what}");
    assert!(
        !response.headers().contains_key(SET_COOKIE),
        "{what}: no cookie is cleared for it"
    );
    let is_json = response
        .headers()
        .get("content-type")
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if is_json {
        let body: Value = response.json().await.unwrap();
        let code = body["error"]["data"]["code"]
            .as_str()
            .or(body["code"].as_str());
        assert_eq!(code, Some("unavailable"), "{what}: {body}");
    }
}

#[tokio::test]
async fn with_the_database_gone_every_request_is_answered_at_once_and_all_carries_on_after() {
    let Some((app, proxy)) = behind_a_proxy().await else {
        return;
    };
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    let revoked = app.logged_in(&user).await;
    let revoked_id = app.session_id_of(&revoked).await;
    app.revoke_session(&cookie, &revoked_id).await;
    let mut events = app.open_events(Cred::Cookie(&cookie)).await;
    events.next_event(PROMPTLY).await;

    proxy.cut();

    // Again and again: the first few wait out the pool, the breaker answers
    // the rest without asking.
    for _ in 0..4 {
        let verify = app.rpc("account_verify", json!({}), Cred::Cookie(&cookie));
        let (status, body) = tokio::time::timeout(AT_ONCE, verify)
            .await
            .expect("answered within a second");
        assert_rpc_error(
            status,
            &body,
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
        );
    }
    let rpc = at_once(app.post_rpc_body(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "account_verify"}).to_string(),
        Cred::Cookie(&cookie),
    ))
    .await;
    assert_unavailable(rpc, "JSON-RPC").await;
    let page = at_once(app.get(paths::page::SECURITY, Some(&cookie))).await;
    assert_unavailable(page, "the security page").await;
    let forward = at_once(app.get(paths::auth::FORWARD, Some(&cookie))).await;
    assert_unavailable(forward, "forward authentication").await;
    let sign_in = at_once(app.login(&user)).await;
    assert_unavailable(sign_in, "signing in").await;
    let stale = at_once(app.get(paths::account::ME, Some(&revoked))).await;
    assert_unavailable(stale, "a revoked session, which nothing may serve").await;

    proxy.restore();

    let back = tokio::time::timeout(BACK_WITHIN, async {
        loop {
            let (status, _) = app
                .rpc("account_verify", json!({}), Cred::Cookie(&cookie))
                .await;
            if status == StatusCode::OK {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    assert!(back.is_ok(), "served again within five seconds");
    let still_revoked = app.get(paths::account::ME, Some(&revoked)).await;
    assert_eq!(still_revoked.status(), StatusCode::UNAUTHORIZED);
    app.rpc_ok(
        "account_policy_set",
        json!({"preset": "strict"}),
        Cred::Cookie(&cookie),
    )
    .await;
    // The stream opened before the outage is still open, and still told.
    let mut heard = Vec::new();
    while let Some(event) = events.next_event(BACK_WITHIN).await {
        heard.push(event.name);
        if heard.last().is_some_and(|name| name == "policy_updated") {
            break;
        }
    }
    assert_eq!(
        heard.last().map(String::as_str),
        Some("policy_updated"),
        "{heard:?}"
    );
}
