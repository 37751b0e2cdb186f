use api::paths;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::json;

use crate::helpers::{Cred, TestUser, assert_api_error, spawn_app};

/// Every kind of state-changing route; the server-function path is refused
/// by the router-wide layer before any route is matched.
const STATE_CHANGING_ROUTES: [&str; 7] = [
    paths::auth::SIGNUP,
    paths::auth::LOGIN,
    paths::auth::LOGOUT,
    paths::auth::PASSWORD,
    paths::account::MEMBERS,
    paths::RPC,
    "/api/fn/any_server_function",
];

#[tokio::test]
async fn a_cross_origin_post_is_refused_with_403() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let token = app.signed_up(&user).await;

    for path in STATE_CHANGING_ROUTES {
        for (header, value) in [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ] {
            let response = app
                .client
                .post(app.url(path))
                .header(header, value)
                .header("cookie", format!("__Host-session={token}"))
                .json(&user.signup_body())
                .send()
                .await
                .unwrap();
            assert_api_error(response, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }
    let still_signed_in = app.get(paths::page::SECURITY, Some(&token)).await;
    assert_eq!(still_signed_in.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_same_origin_browser_post_is_accepted() {
    let app = spawn_app().await;
    let user = TestUser::generate();

    let response = app
        .client
        .post(app.url(paths::auth::SIGNUP))
        .header("origin", format!("http://{}", app.addr))
        .json(&user.signup_body())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused_too() {
    let app = spawn_app().await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..80).map(|_| Ok(vec![b' '; 1024])).collect();

    let response = app
        .client
        .post(app.url(paths::auth::LOGIN))
        .header(CONTENT_TYPE, "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();

    assert_api_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn fields_with_invalid_values_are_named_in_the_error() {
    let app = spawn_app().await;

    let response = app
        .post_json(
            paths::auth::SIGNUP,
            &json!({"account_name": "Acme", "name": "Ada", "email": "not-an-email", "password": "long enough password"}),
            None,
        )
        .await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "invalid_params");
    assert_eq!(body["field"], "email");
}

#[tokio::test]
async fn unknown_api_paths_are_a_json_404() {
    let app = spawn_app().await;

    let response = app.get("/api/nothing/here", None).await;

    assert_api_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_token_in_the_query_string_authenticates_nothing() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let session = app.signed_up(&user).await;
    let (_, api_token) = app.api_token(&session, "query").await;

    for query in [
        format!("session={session}"),
        format!("__Host-session={session}"),
        format!("token={api_token}"),
        format!("access_token={api_token}"),
    ] {
        let page = app.get(&format!("/account/security?{query}"), None).await;
        assert_eq!(page.status(), StatusCode::SEE_OTHER, "{query}");
        let events = app.get(&format!("/api/events?{query}"), None).await;
        assert_eq!(events.status(), StatusCode::UNAUTHORIZED, "{query}");
        let rpc = app
            .client
            .post(app.url(&format!("/api/rpc?{query}")))
            .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "account_verify"}))
            .send()
            .await
            .unwrap();
        assert_eq!(rpc.status(), StatusCode::UNAUTHORIZED, "{query}");
    }
}

#[tokio::test]
async fn signing_in_with_a_planted_cookie_starts_a_fresh_session() {
    // Session fixation: the attacker plants their own valid cookie in the
    // victim's browser before the victim signs in.
    let app = spawn_app().await;
    let attacker = TestUser::generate();
    let planted = app.signed_up(&attacker).await;
    let victim = TestUser::generate();
    app.signed_up(&victim).await;

    let response = app
        .client
        .post(app.url(paths::auth::LOGIN))
        .header("cookie", format!("__Host-session={planted}"))
        .json(&json!({"email": victim.email, "password": victim.password}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let issued = crate::helpers::session_token(response.headers()).expect("a new cookie");
    assert_ne!(issued, planted);
    let planted_is = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&planted))
        .await;
    assert_eq!(
        planted_is["me"]["email"], attacker.email,
        "still the attacker's own"
    );
    let issued_is = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&issued))
        .await;
    assert_eq!(issued_is["me"]["email"], victim.email);
}

#[tokio::test]
async fn development_mode_refuses_to_listen_beyond_loopback() {
    let mut config = server::config::Config::defaults();
    config.dev = true;
    config.listen = "0.0.0.0:0".parse().unwrap();

    let built =
        server::startup::Application::build(&config, std::sync::Arc::new(auth::SystemClock)).await;

    assert!(matches!(
        built,
        Err(server::startup::StartupError::DevelopmentNotOnLoopback(_))
    ));
}

/// A server built (not run) on an empty database, with `--demo` on.
async fn built_with_demo(dev: bool) -> (server::startup::Application, auth::testing::TestDb) {
    let db = auth::testing::TestDb::new().await;
    let mut config = server::config::Config::defaults();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.database_url = db.url.clone();
    config.dev = dev;
    config.demo = true;
    let app = server::startup::Application::build(&config, std::sync::Arc::new(auth::SystemClock))
        .await
        .unwrap();
    (app, db)
}

#[tokio::test]
async fn a_production_start_never_creates_the_demo_account() {
    let (mut app, db) = built_with_demo(false).await;

    assert!(app.take_demo_account().is_none());
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db.db.reader())
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn a_development_start_creates_the_demo_account_on_an_empty_database() {
    let (mut app, _db) = built_with_demo(true).await;

    assert!(app.take_demo_account().is_some());
}
