use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    Cred, TestApp, TestUser, assert_api_error, session_set_cookie, session_token, spawn_app_with,
};
use crate::live_client::PROMPTLY;
use server::Config;
use server::config::ClockSource;

/// A server that rotates tokens after 1 s and honours old ones for 1 s.
async fn fast_rotating_app() -> TestApp {
    spawn_app_with(|config| {
        config.rotation_interval = Duration::from_secs(1);
        config.rotation_grace = Duration::from_secs(1);
    })
    .await
}

#[tokio::test]
async fn a_page_load_after_the_rotation_interval_sets_a_new_cookie() {
    let app = fast_rotating_app().await;
    let old = app.signed_up(&TestUser::generate()).await;
    app.clock.advance(Duration::from_secs(1));

    let page = app.get("/account/security", Some(&old)).await;

    assert_eq!(page.status(), StatusCode::OK);
    let new = session_token(page.headers()).expect("a rotated cookie");
    assert_ne!(new, old);
    let cookie = session_set_cookie(page.headers()).unwrap();
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    let with_new = app.get("/account/security", Some(&new)).await;
    assert_eq!(with_new.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_old_cookie_after_the_grace_gets_session_taken_and_the_new_one_is_signed_out_too() {
    // Arrange: rotate once, then let the grace period pass.
    let app = fast_rotating_app().await;
    let old = app.signed_up(&TestUser::generate()).await;
    app.clock.advance(Duration::from_secs(1));
    let new = app.rotated_and_presented(&old).await;
    app.clock.advance(Duration::from_millis(1500));

    // Act: someone presents the old cookie.
    let reuse = app
        .post_json("/api/auth/password", &json!({}), Some(&old))
        .await;

    // Assert
    assert_api_error(reuse, StatusCode::UNAUTHORIZED, "session_taken").await;
    let holder = app.get("/account/security", Some(&new)).await;
    assert_eq!(holder.status(), StatusCode::SEE_OTHER);
    assert_eq!(holder.headers()["location"], "/login?reason=session_taken");
    let cleared = session_set_cookie(holder.headers()).expect("the dead cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

#[tokio::test]
async fn the_old_cookie_within_the_grace_still_works() {
    let app = fast_rotating_app().await;
    let old = app.signed_up(&TestUser::generate()).await;
    app.clock.advance(Duration::from_secs(1));
    let page = app.get("/account/security", Some(&old)).await;
    assert!(session_token(page.headers()).is_some());
    app.clock.advance(Duration::from_millis(500));

    let parallel = app.get("/account/security", Some(&old)).await;

    assert_eq!(parallel.status(), StatusCode::OK);
    assert!(
        session_set_cookie(parallel.headers()).is_none(),
        "no second rotation, no clearing"
    );
}

#[tokio::test]
async fn after_a_stolen_session_the_next_sign_in_shows_the_notice_once() {
    let app = fast_rotating_app().await;
    let user = TestUser::generate();
    let old = app.signed_up(&user).await;
    app.clock.advance(Duration::from_secs(1));
    app.rotated_and_presented(&old).await;
    app.clock.advance(Duration::from_secs(2));
    app.get("/account/security", Some(&old)).await;

    let login = app.login(&user).await;
    let token = session_token(login.headers()).unwrap();
    let first = app.page_text("/account/security", &token).await;
    app.acknowledge_notices(&token).await;
    let second = app.page_text("/account/security", &token).await;

    assert!(
        first.contains("used from somewhere else"),
        "no notice after sign-in"
    );
    assert!(
        !second.contains("used from somewhere else"),
        "the notice was shown twice"
    );
}

#[tokio::test]
async fn changing_the_password_signs_out_the_other_sessions() {
    let app = spawn_app_with(|_| {}).await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    let login = app.login(&user).await;
    let other = session_token(login.headers()).unwrap();

    let response = app
        .post_json(
            "/api/auth/password",
            &json!({"current_password": user.password, "new_password": "a new and long passphrase"}),
            Some(&here),
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["other_sessions_ended"], 1);
    assert_eq!(body["api_tokens_revoked"], 0);
    assert_eq!(
        app.get("/account/security", Some(&here)).await.status(),
        StatusCode::OK
    );
    let ended = app.get("/account/security", Some(&other)).await;
    assert_eq!(ended.headers()["location"], "/login?reason=revoked");
}

#[tokio::test]
async fn a_password_change_can_revoke_the_api_tokens_and_close_their_sockets() {
    let app = spawn_app_with(|_| {}).await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    let (_, secret) = app.api_token(&here, "deploy").await;
    let mut socket = app.open_socket(Cred::Bearer(&secret), None).await.unwrap();

    let response = app
        .post_json(
            "/api/auth/password",
            &json!({
                "current_password": user.password,
                "new_password": "a new and long passphrase",
                "revoke_api_tokens": true,
            }),
            Some(&here),
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["api_tokens_revoked"], 1);
    let closed = socket.closed(PROMPTLY).await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (4001, "token revoked")
    );
    let (status, _) = app
        .rpc("account_verify", json!({}), Cred::Bearer(&secret))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_out_everyone_else_can_revoke_their_api_tokens_and_close_their_sockets() {
    let app = spawn_app_with(|_| {}).await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let member = app.added_member(&owner, "Max").await;
    let member_session = app.logged_in(&member).await;
    let (_, members_secret) = app.api_token(&member_session, "deploy").await;
    let (_, owners_secret) = app.api_token(&owner, "mine").await;
    let mut socket = app
        .open_socket(Cred::Bearer(&members_secret), None)
        .await
        .unwrap();

    let ended = app
        .rpc_ok(
            "account_sessions_revoke",
            json!({"scope": "others", "revoke_api_tokens": true}),
            Cred::Cookie(&owner),
        )
        .await;

    assert_eq!(ended, json!({"count": 1, "tokens": 1}));
    let closed = socket.closed(PROMPTLY).await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (4001, "token revoked")
    );
    let (status, _) = app
        .rpc("account_verify", json!({}), Cred::Bearer(&members_secret))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .rpc("account_verify", json!({}), Cred::Bearer(&owners_secret))
        .await;
    assert_eq!(status, StatusCode::OK, "the owner's own token stays");
}

#[tokio::test]
async fn after_a_password_change_the_next_sign_in_elsewhere_is_told_once() {
    let app = spawn_app_with(|_| {}).await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    let new_password = "a new and long passphrase";
    let changed = app
        .post_json(
            "/api/auth/password",
            &json!({"current_password": user.password, "new_password": new_password}),
            Some(&here),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let login = app
        .post_json(
            "/api/auth/login",
            &json!({"email": user.email, "password": new_password}),
            None,
        )
        .await;
    let elsewhere = session_token(login.headers()).unwrap();

    let mut pages = Vec::new();
    for cookie in [&here, &elsewhere, &elsewhere] {
        let page = app.get("/account/security", Some(cookie)).await;
        pages.push(page.text().await.unwrap());
        app.acknowledge_notices(cookie).await;
    }
    let [own, first, second] = &pages[..] else {
        unreachable!("three pages")
    };

    let told = "Your password was changed";
    assert!(!own.contains(told), "not to the session that changed it");
    assert!(first.contains(told), "no notice after signing in elsewhere");
    assert!(!second.contains(told), "the notice was shown twice");
}

#[tokio::test]
async fn a_wrong_current_password_is_refused_naming_the_field() {
    let app = spawn_app_with(|_| {}).await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;

    let response = app
        .post_json(
            "/api/auth/password",
            &json!({"current_password": "not it at all", "new_password": "a new and long passphrase"}),
            Some(&here),
        )
        .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "invalid_params");
    assert_eq!(body["field"], "current_password");
}

#[tokio::test]
async fn changing_the_password_needs_a_session() {
    let app = spawn_app_with(|_| {}).await;

    let response = app
        .post_json(
            "/api/auth/password",
            &json!({"current_password": "x", "new_password": "a new and long passphrase"}),
            None,
        )
        .await;

    assert_api_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn the_sessions_list_shows_the_client_a_trusted_proxy_forwarded() {
    let app = spawn_app_with(|config| {
        config.trusted_proxies = vec![std::net::IpAddr::from([127, 0, 0, 1])];
    })
    .await;
    let user = TestUser::generate();
    let response = app
        .client
        .post(app.url("/api/auth/signup"))
        .header("x-forwarded-for", "198.51.100.1, 203.0.113.7")
        .json(&user.signup_body())
        .send()
        .await
        .expect("request");
    let cookie = session_token(response.headers()).expect("session cookie");

    let sessions = app
        .rpc_ok("account_session_list", json!({}), Cred::Cookie(&cookie))
        .await;

    assert_eq!(sessions[0]["ip"], "203.0.113.7", "{sessions}");
}

#[tokio::test]
async fn a_rotation_whose_cookie_never_arrived_leaves_the_old_cookie_signed_in() {
    // Arrange: a page load rotates, and its response is lost on the way.
    let app = fast_rotating_app().await;
    let old = app.signed_up(&TestUser::generate()).await;
    app.clock.advance(Duration::from_secs(1));
    let lost = app.get("/account/security", Some(&old)).await;
    assert!(session_token(lost.headers()).is_some(), "it rotated");

    // Act: the browser comes back with the cookie it has, after the grace.
    app.clock.advance(Duration::from_secs(3));
    let api = app.get("/api/account/me", Some(&old)).await;
    let page = app.get("/account/security", Some(&old)).await;

    // Assert: still signed in, and given a cookie in place of the lost one.
    assert_eq!(api.status(), StatusCode::OK);
    assert_eq!(page.status(), StatusCode::OK);
    let replacement = session_token(page.headers()).expect("a new cookie");
    assert_eq!(
        app.get("/api/account/me", Some(&replacement))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn server_functions_rotate_while_api_calls_and_the_live_stream_never_do() {
    // What each route group is decides this, not its path (see startup).
    let app = fast_rotating_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    app.clock.advance(Duration::from_secs(1));

    let api = app.get("/api/account/me", Some(&cookie)).await;
    let stream = app.try_open_events(Cred::Cookie(&cookie)).await;
    let server_fn = app.call_server_fn("load_policy", &cookie, &[]).await;

    assert_eq!(api.status(), StatusCode::OK);
    assert!(
        session_set_cookie(api.headers()).is_none(),
        "an API call rotated"
    );
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(
        session_set_cookie(stream.headers()).is_none(),
        "the stream rotated"
    );
    assert_eq!(server_fn.status(), StatusCode::OK);
    assert!(
        session_token(server_fn.headers()).is_some(),
        "the server function did not rotate"
    );
}

#[tokio::test]
async fn an_instance_whose_clock_runs_ahead_still_honours_the_grace_of_a_rotation_made_on_another()
{
    // Both instances set their clocks by the database's, so B's own clock,
    // five minutes ahead, cannot make a token in its grace look stolen.
    let by_the_database = |config: &mut Config| {
        config.clock = ClockSource::Database;
        config.rotation_interval = Duration::from_secs(1);
        config.rotation_grace = Duration::from_secs(10);
    };
    let a = spawn_app_with(by_the_database).await;
    let b = a
        .another_instance_ahead(Duration::from_mins(5), by_the_database)
        .await;
    let old = a.signed_up(&TestUser::generate()).await;
    a.clock.advance(Duration::from_secs(1));
    let new = a.rotated_and_presented(&old).await;
    a.clock.advance(Duration::from_secs(2));

    let parallel = b.get("/account/security", Some(&old)).await;

    assert_eq!(
        parallel.status(),
        StatusCode::OK,
        "{:?}",
        parallel.headers().get("location")
    );
    let holder = a.get("/account/security", Some(&new)).await;
    assert_eq!(holder.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_change_password_form_goes_back_to_its_card_with_the_outcome() {
    let app = spawn_app_with(|_| {}).await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    let elsewhere = app.logged_in(&user).await;
    let new_password = "a new and long passphrase";

    let wrong = app
        .post_form_as(
            "/api/auth/password",
            &[
                ("current_password", "not the password"),
                ("new_password", new_password),
            ],
            &here,
        )
        .await;
    let changed = app
        .post_form_as(
            "/api/auth/password",
            &[
                ("current_password", user.password.as_str()),
                ("new_password", new_password),
                ("revoke_api_tokens", "true"),
            ],
            &here,
        )
        .await;

    assert_eq!(wrong.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        wrong.headers()["location"],
        "/account/security?form=password&error=invalid_params&field=current_password"
    );
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        changed.headers()["location"],
        "/account/security?password=changed"
    );
    let page = app
        .page_text("/account/security?password=changed", &here)
        .await;
    assert!(page.contains("Password changed."), "no outcome on the page");
    let ended = app.get("/account/security", Some(&elsewhere)).await;
    assert_eq!(ended.headers()["location"], "/login?reason=revoked");
}
