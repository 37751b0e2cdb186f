use api::paths;
use std::net::IpAddr;
use std::num::NonZeroU32;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, TestUser, assert_api_error, spawn_app, spawn_app_with};

#[tokio::test]
async fn too_many_sign_ins_for_one_email_are_rate_limited_with_retry_after() {
    let app =
        spawn_app_with(|config| config.login_rate_per_email_hour = NonZeroU32::new(36).unwrap())
            .await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let attempt = json!({"email": user.email, "password": "wrong password!"});
    for _ in 0..3 {
        let response = app.post_json(paths::auth::LOGIN, &attempt, None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }

    let limited = app.post_json(paths::auth::LOGIN, &attempt, None).await;

    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=100).contains(&retry_after), "{retry_after}");
    assert_api_error(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let right_password = app.login(&user).await;
    assert_eq!(
        right_password.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the limit holds for the right password too"
    );
}

#[tokio::test]
async fn too_many_attempts_from_one_address_are_rate_limited() {
    let app = spawn_app_with(|config| config.login_rate_per_ip = NonZeroU32::new(2).unwrap()).await;

    for n in 0..2 {
        let attempt =
            json!({"email": format!("nobody{n}@example.com"), "password": "wrong password!"});
        let response = app.post_json(paths::auth::LOGIN, &attempt, None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = app.signup(&TestUser::generate()).await;

    assert_api_error(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn a_rate_limited_form_goes_back_with_the_reason() {
    let app =
        spawn_app_with(|config| config.login_rate_per_email_hour = NonZeroU32::new(1).unwrap())
            .await;
    let form = [
        ("email", "ada@example.com"),
        ("password", "wrong password!"),
    ];
    app.post_form(paths::auth::LOGIN, &form).await;

    let limited = app.post_form(paths::auth::LOGIN, &form).await;

    assert_eq!(limited.status(), StatusCode::SEE_OTHER);
    assert_eq!(limited.headers()["location"], "/login?error=rate_limited");
}

/// Two failed sign-ins "from" `client` (as the proxy would forward them).
async fn failed_sign_ins_forwarded_for(app: &TestApp, client: &str) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for n in 0..2 {
        let attempt =
            json!({"email": format!("nobody{n}@example.com"), "password": "wrong password!"});
        let response = app
            .client
            .post(app.url(paths::auth::LOGIN))
            .header("x-forwarded-for", client)
            .json(&attempt)
            .send()
            .await
            .expect("request");
        statuses.push(response.status());
    }
    statuses
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let app = spawn_app_with(|config| {
        config.login_rate_per_ip = NonZeroU32::new(2).unwrap();
        config.trusted_proxies = vec![IpAddr::from([127, 0, 0, 1])];
    })
    .await;

    let first = failed_sign_ins_forwarded_for(&app, "203.0.113.7").await;
    let second = failed_sign_ins_forwarded_for(&app, "203.0.113.8").await;

    assert_eq!(first, [StatusCode::UNAUTHORIZED; 2]);
    assert_eq!(second, [StatusCode::UNAUTHORIZED; 2]);
}

#[tokio::test]
async fn a_forwarded_address_from_an_untrusted_peer_does_not_escape_the_limit() {
    let app = spawn_app_with(|config| config.login_rate_per_ip = NonZeroU32::new(2).unwrap()).await;

    failed_sign_ins_forwarded_for(&app, "203.0.113.7").await;
    let second = failed_sign_ins_forwarded_for(&app, "203.0.113.8").await;

    assert_eq!(second, [StatusCode::TOO_MANY_REQUESTS; 2]);
}

#[tokio::test]
async fn guessing_the_current_password_is_rate_limited_like_signing_in() {
    let app =
        spawn_app_with(|config| config.login_rate_per_email_hour = NonZeroU32::new(36).unwrap())
            .await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    let guess =
        json!({"current_password": "a wrong guess", "new_password": "a new and long passphrase"});
    for _ in 0..3 {
        let response = app
            .post_json(paths::auth::PASSWORD, &guess, Some(&cookie))
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }

    let limited = app
        .post_json(paths::auth::PASSWORD, &guess, Some(&cookie))
        .await;

    assert_api_error(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn a_flood_of_sign_ins_is_refused_at_once_as_busy_not_queued_without_end() {
    // Arrange: one account, and a hundred sign-ins at the same moment (the
    // per-address and per-email limits are generous in tests).
    let app = spawn_app().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let body = serde_json::json!({"email": user.email, "password": user.password});

    // Act
    let flood = (0..100).map(|_| {
        app.client
            .post(app.url(paths::auth::LOGIN))
            .json(&body)
            .send()
    });
    let answers = futures_util::future::join_all(flood).await;

    // Assert: some were told to come back, with when; the rest signed in;
    // and once it is over, signing in works at once.
    let mut busy = 0;
    for answer in answers {
        let answer = answer.unwrap();
        match answer.status() {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert_eq!(answer.headers()["retry-after"], "1");
                let body: serde_json::Value = answer.json().await.unwrap();
                assert_eq!(body["code"], "busy", "{body}");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(busy > 0, "a hundred hashes at once were all queued");
    let after = app.post_json(paths::auth::LOGIN, &body, None).await;
    assert_eq!(after.status(), StatusCode::OK);
}
