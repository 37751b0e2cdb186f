//! The `OpenAPI` document tells the truth. What a client can send to an
//! operation of `/api/openapi.json` (each documented example, in each
//! documented content type and with each documented credential, and each
//! refusal it can provoke: no credential, a wrong password, a malformed or
//! empty body of each content type, a body of another type, one too large,
//! a request from another site's page) is answered with a status the
//! document lists for the operation, and with the headers and the body (or
//! none) it lists for that status. The operations are read from the
//! document, so one added there is held to it here.

mod cases;
mod judge;
mod operation;

use api::paths;
use std::num::NonZeroU32;

use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    Cred, TestApp, TestUser, reset_by_operator, spawn_app, spawn_app_on_real_time, spawn_app_with,
    validator, with_cred,
};
use cases::{Case, encoded, example_cases, form_of, refusal_cases};
use judge::{Truth, served_document, with_payload};
use operation::{FORM, JSON, Who, operations, request_examples};

#[tokio::test]
async fn every_documented_example_is_answered_as_the_document_says() {
    // Arrange
    let app = spawn_app().await;
    let document = served_document(&app).await;
    let mut truth = Truth::new(&app, &document);

    // Act: each example in each content type, with each credential.
    for operation in operations(&document) {
        let (cases, unsendable) = example_cases(&operation);
        truth.wrong.extend(unsendable);
        for (name, content_type, example, schema) in request_examples(&operation) {
            let fits = validator(&document, &schema).iter_errors(&example).count() == 0;
            if !fits {
                truth.wrong.push(format!(
                    "{}: example {name} as {content_type} does not fit its own schema",
                    operation.name()
                ));
            }
        }
        for case in cases {
            truth.send(&operation, case).await;
        }
    }

    // Assert
    truth.assert_true();
}

#[tokio::test]
async fn every_refusal_a_client_can_provoke_is_answered_as_the_document_says() {
    // Arrange
    let app = spawn_app().await;
    let document = served_document(&app).await;
    let mut truth = Truth::new(&app, &document);

    // Act
    for operation in operations(&document) {
        for case in refusal_cases(&operation) {
            truth.send(&operation, case).await;
        }
    }

    // Assert
    truth.assert_true();
}

/// The code an authenticator app holding `secret` shows now.
fn code_now(app: &TestApp, secret: &str) -> String {
    let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, secret).unwrap();
    let totp = totp_rs::Builder::new().with_secret(bytes).build().unwrap();
    totp.generate(u64::try_from(app.clock_now() / 1000).unwrap())
        .to_string()
}

/// A new user with an authenticator app set up; its secret.
async fn user_with_an_app(app: &TestApp, user: &TestUser) -> String {
    let cookie = app.signed_up(user).await;
    let setup = app
        .rpc_ok("account_totp_setup_start", json!({}), Cred::Cookie(&cookie))
        .await;
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let confirm = json!({"code": code_now(app, &secret)});
    app.rpc_ok("account_totp_setup_confirm", confirm, Cred::Cookie(&cookie))
        .await;
    app.clock.advance(std::time::Duration::from_secs(30));
    secret
}

#[tokio::test]
async fn each_step_of_a_sign_in_with_a_second_factor_is_answered_as_the_document_says() {
    // Arrange
    let app = spawn_app().await;
    let document = served_document(&app).await;
    let mut truth = Truth::new(&app, &document);
    let user = TestUser::generate();
    let secret = user_with_an_app(&app, &user).await;
    let login = truth.operation(&Method::POST, paths::auth::LOGIN);
    let code = truth.operation(&Method::POST, paths::auth::LOGIN_CODE);
    let password = json!({"email": user.email, "password": user.password});

    // Act: by JSON, the challenge in the body; by form, in a cookie.
    let asked = app.post_json(paths::auth::LOGIN, &password, None).await;
    let asked: Value = asked.json().await.unwrap();
    let challenge = asked["challenge"].as_str().unwrap().to_owned();
    let case = Case::new("the password, by JSON", Who::Nobody)
        .body(JSON, serde_json::to_vec(&password).unwrap())
        .expecting(StatusCode::OK);
    truth.send(&login, case).await;
    for (what, sent) in [
        ("a wrong code, by JSON", "000000".to_owned()),
        ("the right code, by JSON", code_now(&app, &secret)),
    ] {
        let body = json!({"code": sent, "challenge": challenge});
        let case = Case::new(what, Who::Nobody).body(JSON, serde_json::to_vec(&body).unwrap());
        truth.send(&code, case).await;
    }
    let form = form_of(&password).unwrap();
    let asked = app
        .client
        .post(app.url(paths::auth::LOGIN))
        .header(CONTENT_TYPE, FORM)
        .body(form)
        .send()
        .await
        .unwrap();
    let cookie = testkit::cookie_pair(asked.headers(), "__Host-sign-in").expect("a challenge");
    app.clock.advance(std::time::Duration::from_secs(30));
    for (what, sent) in [
        ("a wrong code, by form", "000000".to_owned()),
        ("the right code, by form", code_now(&app, &secret)),
        (
            "a code for an ended sign-in, by form",
            code_now(&app, &secret),
        ),
    ] {
        let case = Case::new(what, Who::Nobody).body(FORM, format!("code={sent}").into_bytes());
        let request = app.client.post(app.url(&code.path)).header(COOKIE, &cookie);
        truth
            .judge_request(&code, &case, with_payload(request, &case))
            .await;
    }

    // Assert
    truth.assert_true();
}

#[tokio::test]
async fn each_step_of_a_sign_in_after_an_operators_reset_is_answered_as_the_document_says() {
    // Arrange: two users whose passwords the operator reset (the command
    // runs on the real clock, so the server does too).
    let app = spawn_app_on_real_time(|_| {}).await;
    let document = served_document(&app).await;
    let mut truth = Truth::new(&app, &document);
    let login = truth.operation(&Method::POST, paths::auth::LOGIN);
    let new_password = truth.operation(&Method::POST, paths::auth::LOGIN_PASSWORD);
    let mut given = Vec::new();
    for _ in 0..2 {
        let user = TestUser::generate();
        app.signed_up(&user).await;
        let (_, password) = reset_by_operator(&app, &user.email).await;
        given.push(json!({"email": user.email, "password": password}));
    }

    // Act: by JSON, the challenge in the body; by form, in a cookie.
    let asked = app.post_json(paths::auth::LOGIN, &given[0], None).await;
    let asked: Value = asked.json().await.unwrap();
    let challenge = asked["challenge"].as_str().unwrap().to_owned();
    let case = Case::new("the operator's password, by JSON", Who::Nobody)
        .body(JSON, serde_json::to_vec(&given[0]).unwrap())
        .expecting(StatusCode::OK);
    truth.send(&login, case).await;
    for (what, sent, due) in [
        (
            "a too short password, by JSON",
            "short",
            StatusCode::BAD_REQUEST,
        ),
        (
            "a password of one's own, by JSON",
            "a password of my very own",
            StatusCode::OK,
        ),
    ] {
        let body = json!({"new_password": sent, "challenge": challenge});
        let case = Case::new(what, Who::Nobody)
            .body(JSON, serde_json::to_vec(&body).unwrap())
            .expecting(due);
        truth.send(&new_password, case).await;
    }
    let asked = app
        .client
        .post(app.url(paths::auth::LOGIN))
        .header(CONTENT_TYPE, FORM)
        .body(form_of(&given[1]).unwrap())
        .send()
        .await
        .unwrap();
    let cookie = testkit::cookie_pair(asked.headers(), "__Host-sign-in").expect("a challenge");
    for (what, sent) in [
        ("a too short password, by form", "short"),
        (
            "a password of one's own, by form",
            "a password of my very own",
        ),
        (
            "a password for an ended sign-in, by form",
            "a password of my very own",
        ),
    ] {
        let body = form_of(&json!({"new_password": sent})).unwrap();
        let case = Case::new(what, Who::Nobody)
            .body(FORM, body)
            .expecting(StatusCode::SEE_OTHER);
        let request = app
            .client
            .post(app.url(&new_password.path))
            .header(COOKIE, &cookie);
        truth
            .judge_request(&new_password, &case, with_payload(request, &case))
            .await;
    }

    // Assert
    truth.assert_true();
}

#[tokio::test]
async fn rate_limited_and_busy_answers_are_as_the_document_says() {
    // Arrange: one sign-in an hour per email, and one live connection per
    // credential.
    let app = spawn_app_with(|config| {
        config.login_rate_per_email_hour = NonZeroU32::new(1).unwrap();
        config.live_per_credential = 1;
    })
    .await;
    let document = served_document(&app).await;
    let mut truth = Truth::new(&app, &document);
    let login = truth.operation(&Method::POST, paths::auth::LOGIN);
    let events = truth.operation(&Method::GET, paths::EVENTS);
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    let attempt = json!({"email": user.email, "password": "not the password at all"});

    // Act: a second attempt, by JSON and by form; a second live stream; a
    // flood of sign-ins of others, more than the password hashing takes.
    for (content_type, due) in [
        (JSON, StatusCode::UNAUTHORIZED),
        (JSON, StatusCode::TOO_MANY_REQUESTS),
        (FORM, StatusCode::SEE_OTHER),
    ] {
        let body = encoded(content_type, &attempt).unwrap();
        let case = Case::new(format!("a wrong password as {content_type}"), Who::Nobody)
            .body(content_type, body)
            .expecting(due);
        truth.send(&login, case).await;
    }
    let first = app.get(paths::EVENTS, Some(&cookie)).await;
    assert_eq!(first.status(), StatusCode::OK);
    let case =
        Case::new("a second live stream", Who::Session).expecting(StatusCode::TOO_MANY_REQUESTS);
    let request = with_cred(
        app.client.get(app.url(paths::EVENTS)),
        Cred::Cookie(&cookie),
    );
    truth.judge_request(&events, &case, request).await;
    drop(first);
    let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let flood = (0..10 * workers + 20).map(|n| {
        let email = format!("flood{n}@example.com");
        let someone = json!({"email": email, "password": "not the password at all"});
        app.client
            .post(app.url(paths::auth::LOGIN))
            .json(&someone)
            .send()
    });
    let answers = futures_util::future::join_all(flood).await;
    let mut busy = 0;
    for answer in answers {
        let answer = answer.unwrap();
        busy += usize::from(answer.status() == StatusCode::SERVICE_UNAVAILABLE);
        let case = Case::new("one of a flood", Who::Nobody).body(JSON, Vec::new());
        truth.judge(&login, &case, answer).await;
    }

    // Assert
    assert!(busy > 0, "a flood of sign-ins was all taken in");
    truth.assert_true();
}
