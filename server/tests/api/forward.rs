//! `GET /api/auth/forward` (what a reverse proxy asks before each request to
//! a protected app), the sign-in page's `next`, and `/latchkey.js`.

use api::paths;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use serde_json::json;

use crate::helpers::{
    Cred, SESSION_COOKIE, TestApp, TestUser, session_token, spawn_app_with, with_cred,
};
use server::return_to::ProtectedOrigin;

const WIKI: &str = "https://wiki.example.com";

async fn wiki_app(configure: impl FnOnce(&mut server::Config)) -> TestApp {
    spawn_app_with(|config| {
        config.protected_origins = vec![ProtectedOrigin::parse(WIKI).unwrap()];
        configure(config);
    })
    .await
}

/// What the proxy sends for a browser asking for `method uri` on the wiki.
async fn forward(
    app: &TestApp,
    cred: Cred<'_>,
    method: &str,
    uri: &str,
    query: &str,
) -> reqwest::Response {
    with_cred(
        app.client
            .get(app.url(&format!("/api/auth/forward{query}"))),
        cred,
    )
    .header("x-forwarded-proto", "https")
    .header("x-forwarded-host", "wiki.example.com")
    .header("x-forwarded-method", method)
    .header("x-forwarded-uri", uri)
    .send()
    .await
    .unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map_or("", |value| value.to_str().unwrap())
}

#[tokio::test]
async fn a_signed_in_browser_gets_200_and_who_it_is() {
    let app = wiki_app(|_| {}).await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let user_id = app.user_id_of(&cookie).await;

    let answer = forward(&app, Cred::Cookie(&cookie), "GET", "/page", "").await;

    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(header(&answer, "x-latchkey-user"), user_id);
    assert!(header(&answer, "x-latchkey-email").contains('@'));
    assert_eq!(header(&answer, "x-latchkey-name"), "Ada Lovelace");
    assert_eq!(header(&answer, "x-latchkey-role"), "owner");
    assert!(!header(&answer, "x-latchkey-account").is_empty());
    assert_eq!(header(&answer, CACHE_CONTROL.as_str()), "no-store");
}

#[tokio::test]
async fn a_name_cannot_smuggle_a_header_to_the_protected_app() {
    let app = wiki_app(|_| {}).await;
    let user = TestUser::generate();
    for name in [
        "Eve\r\nX-Latchkey-Role: owner",
        "Eve\nX-Latchkey-Role: owner",
    ] {
        let mut body = user.signup_body();
        body["name"] = json!(name);
        let refused = app.post_json(paths::auth::SIGNUP, &body, None).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{name:?}");
    }
    let mut body = user.signup_body();
    body["name"] = json!("Zoë 100% <script>");
    let signed_up = app.post_json(paths::auth::SIGNUP, &body, None).await;
    let cookie = session_token(signed_up.headers()).unwrap();

    let answer = forward(&app, Cred::Cookie(&cookie), "GET", "/", "").await;

    assert_eq!(
        header(&answer, "x-latchkey-name"),
        "Zo%C3%AB 100%25 <script>"
    );
    assert_eq!(
        answer.headers().get_all("x-latchkey-role").iter().count(),
        1
    );
}

#[tokio::test]
async fn without_a_session_the_answer_says_where_to_sign_in_and_come_back() {
    let app = wiki_app(|_| {}).await;

    let anonymous = forward(&app, Cred::Nothing, "GET", "/page?a=1&b=2", "").await;
    let redirected = forward(&app, Cred::Nothing, "GET", "/page", "?redirect=true").await;
    let a_post = forward(&app, Cred::Nothing, "POST", "/page", "").await;

    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&anonymous, "x-latchkey-login"),
        "/login?next=https%3A%2F%2Fwiki.example.com%2Fpage%3Fa%3D1%26b%3D2"
    );
    assert_eq!(redirected.status(), StatusCode::FOUND);
    assert_eq!(
        header(&redirected, LOCATION.as_str()),
        "/login?next=https%3A%2F%2Fwiki.example.com%2Fpage"
    );
    assert_eq!(a_post.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&a_post, "x-latchkey-login"),
        paths::page::LOGIN,
        "a POST cannot be replayed"
    );
}

#[tokio::test]
async fn a_page_of_an_unprotected_host_is_not_a_place_to_come_back_to() {
    let app = wiki_app(|_| {}).await;

    let answer = with_cred(app.client.get(app.url(paths::auth::FORWARD)), Cred::Nothing)
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "evil.example")
        .header("x-forwarded-uri", "/phish")
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&answer, "x-latchkey-login"), paths::page::LOGIN);
}

#[tokio::test]
async fn a_revoked_session_is_refused_with_the_reason_and_its_cookie_cleared() {
    let app = wiki_app(|_| {}).await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    app.rpc_ok(
        "account_session_revoke_all",
        json!({"except_current": false}),
        Cred::Cookie(&cookie),
    )
    .await;

    let answer = forward(&app, Cred::Cookie(&cookie), "GET", "/page", "").await;

    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&answer, "x-latchkey-login"),
        "/login?next=https%3A%2F%2Fwiki.example.com%2Fpage&reason=revoked"
    );
    let cleared = header(&answer, "set-cookie");
    assert!(
        cleared.starts_with(&format!("{SESSION_COOKIE}=;")),
        "{cleared}"
    );
}

#[tokio::test]
async fn an_api_token_does_not_sign_in_to_a_protected_app() {
    let app = wiki_app(|_| {}).await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let (_, secret) = app.api_token(&cookie, "script").await;

    let answer = forward(&app, Cred::Bearer(&secret), "GET", "/page", "").await;

    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_cookie_rotates_and_activity_counts_through_the_proxy() {
    let app = wiki_app(|config| config.rotation_interval = Duration::ZERO).await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let before = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&cookie))
        .await;
    app.clock.advance(Duration::from_mins(2));

    let answer = forward(&app, Cred::Cookie(&cookie), "GET", "/page", "").await;

    assert_eq!(answer.status(), StatusCode::OK);
    let rotated = session_token(answer.headers()).expect("a new cookie");
    assert_ne!(rotated, cookie);
    assert_eq!(answer.headers().get_all("set-cookie").iter().count(), 1);
    let after = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&rotated))
        .await;
    assert!(after["idle_ends_at"].as_i64() > before["idle_ends_at"].as_i64());
}

#[tokio::test]
async fn signing_in_goes_back_to_a_protected_page_and_never_to_another_site() {
    let app = wiki_app(|_| {}).await;
    let user = TestUser::generate();
    app.signup(&user).await;
    let sign_in = |next: &'static str, password: String| {
        let email = user.email.clone();
        let app = &app;
        async move {
            app.post_form(
                paths::auth::LOGIN,
                &[("email", &email), ("password", &password), ("next", next)],
            )
            .await
        }
    };

    let back = sign_in("https://wiki.example.com/page?a=1", user.password.clone()).await;
    let elsewhere = sign_in("https://evil.example/", user.password.clone()).await;
    let wrong = sign_in("https://wiki.example.com/page", "not the password".into()).await;

    assert_eq!(
        header(&back, LOCATION.as_str()),
        "https://wiki.example.com/page?a=1"
    );
    assert_eq!(header(&elsewhere, LOCATION.as_str()), paths::page::SECURITY);
    assert_eq!(
        header(&wrong, LOCATION.as_str()),
        "/login?next=https%3A%2F%2Fwiki.example.com%2Fpage&error=unauthenticated"
    );
}

#[tokio::test]
async fn the_script_is_served_as_javascript_and_cached_briefly() {
    let app = wiki_app(|_| {}).await;

    let script = app.get(paths::LATCHKEY_JS, None).await;

    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(
        header(&script, CONTENT_TYPE.as_str()),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        header(&script, CACHE_CONTROL.as_str()),
        "public, max-age=300"
    );
    assert_eq!(header(&script, "x-content-type-options"), "nosniff");
    let body = script.text().await.unwrap();
    assert!(body.contains("new EventSource(config.events)"));
    assert!(body.contains(&format!(r#""events":"{}""#, paths::EVENTS)));
}
