//! Live connections are bound to the session token they were opened with:
//! once rotation retires it and its grace passes, they end, and a copied
//! cookie can no longer keep a socket alive unseen.

use api::paths;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    Cred, TestApp, TestUser, assert_api_error, spawn_app, spawn_app_on_real_time, spawn_app_with,
};
use crate::live_client::PROMPTLY;

/// Rotates on every page load; a retired token keeps its grace for 1 s.
async fn rotating_app() -> TestApp {
    spawn_app_on_real_time(|config| {
        config.rotation_interval = Duration::ZERO;
        config.rotation_grace = Duration::from_secs(1);
    })
    .await
}

#[tokio::test]
async fn a_stream_and_a_socket_opened_with_a_rotated_out_cookie_end_after_its_grace() {
    // Arrange: a stream and a socket opened with the first cookie.
    let app = rotating_app().await;
    let first = app.signed_up(&TestUser::generate()).await;
    let mut events = app.open_events(Cred::Cookie(&first)).await;
    assert_eq!(events.next_event(PROMPTLY).await.unwrap().name, "session");
    let mut socket = app.open_socket(Cred::Cookie(&first), None).await.unwrap();

    // Act: the browser rotates and uses its new cookie.
    let rotated_at = std::time::Instant::now();
    app.rotated_and_presented(&first).await;

    // Assert: both end within the grace and a second, with no "revoked":
    // the session goes on, under the new cookie.
    let grace_and_a_second = Duration::from_secs(2) + PROMPTLY;
    assert_eq!(
        events.next_event(grace_and_a_second).await,
        None,
        "the stream ended"
    );
    let closed = socket.closed(grace_and_a_second).await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (4002, "credential rotated, reconnect")
    );
    assert!(
        rotated_at.elapsed() >= Duration::from_secs(1),
        "not before the grace ended"
    );
}

#[tokio::test]
async fn a_browser_reconnects_with_its_new_cookie_and_stays_signed_in() {
    let app = rotating_app().await;
    let first = app.signed_up(&TestUser::generate()).await;
    let mut events = app.open_events(Cred::Cookie(&first)).await;
    events.next_event(PROMPTLY).await;
    let current = app.rotated_and_presented(&first).await;
    assert_eq!(events.next_event(Duration::from_secs(4)).await, None);

    let mut again = app.open_events(Cred::Cookie(&current)).await;

    assert_eq!(again.next_event(PROMPTLY).await.unwrap().name, "session");
    assert_eq!(
        app.get(paths::account::ME, Some(&current)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn reconnecting_with_the_rotated_out_cookie_ends_the_session_everywhere() {
    // Arrange: the real browser moved on and has a stream open with its
    // current cookie; a copy of the first cookie stayed behind.
    let app = spawn_app_with(|config| {
        config.rotation_interval = Duration::from_secs(1);
        config.rotation_grace = Duration::from_secs(1);
    })
    .await;
    let first = app.signed_up(&TestUser::generate()).await;
    app.clock.advance(Duration::from_secs(1));
    let current = app.rotated_and_presented(&first).await;
    let mut browser = app.open_events(Cred::Cookie(&current)).await;
    browser.next_event(PROMPTLY).await;
    app.clock.advance(Duration::from_secs(1));

    // Act: the copy connects.
    let copy = app.try_open_events(Cred::Cookie(&first)).await;

    // Assert: taken; the browser's stream ends with the reason.
    assert_api_error(copy, StatusCode::UNAUTHORIZED, "session_taken").await;
    let last = browser.next_event(PROMPTLY).await.expect("a last event");
    assert_eq!(last.name, "session_revoked");
    assert_eq!(last.data["reason"], "token_reuse");
    let after = app.get(paths::account::ME, Some(&current)).await;
    assert_api_error(after, StatusCode::UNAUTHORIZED, "session_taken").await;
}

#[tokio::test]
async fn a_socket_opened_with_a_cookie_and_a_bearer_token_runs_as_the_session_and_rechecks_it() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let (token_id, secret) = app.api_token(&cookie, "script").await;
    let mut socket = app
        .open_socket_with(&[Cred::Cookie(&cookie), Cred::Bearer(&secret)], None)
        .await
        .unwrap();

    app.rpc_ok(
        "account_token_revoke",
        json!({"token_id": token_id}),
        Cred::Cookie(&cookie),
    )
    .await;
    let verified = socket.call("account_verify", json!({})).await;

    assert_eq!(verified["result"]["credential"], "session", "{verified}");
}
