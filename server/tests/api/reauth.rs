//! Re-authentication over the wire: sensitive calls after the window answer
//! `reauth_required` until `account_password_confirm` succeeds.

use api::paths;
use std::num::NonZeroU32;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;

use crate::helpers::{Cred, SESSION_COOKIE, TestUser, assert_rpc_error, spawn_app, spawn_app_with};

const PAST_THE_WINDOW: Duration = Duration::from_mins(16);

#[tokio::test]
async fn after_the_window_a_sensitive_call_needs_the_password_confirmed_first() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    app.clock.advance(PAST_THE_WINDOW);
    let create = json!({"name": "ci"});

    let (status, body) = app
        .rpc(
            "account_token_create",
            create.clone(),
            Cred::Cookie(&cookie),
        )
        .await;
    assert_rpc_error(status, &body, StatusCode::FORBIDDEN, "reauth_required");
    assert_eq!(body["error"]["code"], -32_013);
    let (status, body) = app
        .rpc(
            "account_password_confirm",
            json!({"password": "a wrong guess"}),
            Cred::Cookie(&cookie),
        )
        .await;
    assert_rpc_error(status, &body, StatusCode::BAD_REQUEST, "invalid_params");
    assert_eq!(body["error"]["data"]["field"], "password");

    let confirmed = app
        .rpc_ok(
            "account_password_confirm",
            json!({"password": user.password}),
            Cred::Cookie(&cookie),
        )
        .await;

    assert_eq!(
        confirmed["until"].as_i64(),
        Some(app.clock_now() + 15 * 60 * 1000)
    );
    app.rpc_ok("account_token_create", create, Cred::Cookie(&cookie))
        .await;
}

#[tokio::test]
async fn adding_a_member_by_form_after_the_window_goes_back_asking_for_the_password() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    app.clock.advance(PAST_THE_WINDOW);

    let response = app
        .client
        .post(app.url(paths::account::MEMBERS))
        .header(COOKIE, format!("{SESSION_COOKIE}={cookie}"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("name", "Bob"),
            ("email", "bob@example.com"),
            ("password", "a long first password"),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/account/security/team?error=reauth_required"
    );
}

#[tokio::test]
async fn guessing_the_password_to_confirm_is_rate_limited_like_signing_in() {
    let app =
        spawn_app_with(|config| config.login_rate_per_email_hour = NonZeroU32::new(36).unwrap())
            .await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let guess = json!({"password": "a wrong guess"});
    for _ in 0..3 {
        let (status, _) = app
            .rpc(
                "account_password_confirm",
                guess.clone(),
                Cred::Cookie(&cookie),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }

    let (status, body) = app
        .rpc("account_password_confirm", guess, Cred::Cookie(&cookie))
        .await;

    assert_rpc_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}
