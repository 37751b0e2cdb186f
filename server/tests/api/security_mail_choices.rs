//! Each person's choice of security mail over JSON-RPC: a browser session
//! turns the mail about new devices off and no such mail leaves until it
//! turns it back on; an API token reads the choices but cannot make them;
//! the mail that protects the account cannot be turned off.

use api::paths;
use reqwest::StatusCode;
use reqwest::header::USER_AGENT;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestApp, TestUser, spawn_app};
use crate::password_reset::app_sending_to;
use crate::smtp_sink::SmtpSink;
use crate::verify_email::verified_by_mail;

const WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0";
const MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15";

/// The user signs in from a browser that says it is `agent`.
async fn signs_in_as(app: &TestApp, user: &TestUser, agent: &str) {
    let response = app
        .client
        .post(app.url(paths::auth::LOGIN))
        .header(USER_AGENT, agent)
        .json(&json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// The browser session `cookie` turns the mail about new devices on or
/// off: the answer.
async fn set_new_device_mail(app: &TestApp, cookie: &str, on: bool) -> Value {
    app.rpc_ok(
        "account_security_mail_set",
        json!({"kind": "new_device", "on": on}),
        Cred::Cookie(cookie),
    )
    .await
}

/// The caller's choices (`account_security_mail_get`).
async fn choices(app: &TestApp, cred: Cred<'_>) -> Value {
    app.rpc_ok("account_security_mail_get", json!({}), cred)
        .await
}

/// The caller tries to turn `kind`'s mail off: the status and the answer.
async fn turn_off(app: &TestApp, cred: Cred<'_>, kind: &str) -> (StatusCode, Value) {
    app.rpc(
        "account_security_mail_set",
        json!({"kind": kind, "on": false}),
        cred,
    )
    .await
}

/// `kind`'s entry in an `account_security_mail_get` answer.
fn entry<'a>(choices: &'a Value, kind: &str) -> &'a Value {
    choices["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["kind"] == kind)
        .unwrap_or_else(|| panic!("{kind} in {choices}"))
}

#[tokio::test]
async fn new_device_mail_turned_off_sends_none_until_it_is_turned_back_on() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    verified_by_mail(&app, &mut sink, &user).await;

    // Act: off, a new browser; on, another new browser.
    let off = set_new_device_mail(&app, &cookie, false).await;
    let read = choices(&app, Cred::Cookie(&cookie)).await;
    signs_in_as(&app, &user, WINDOWS).await;
    let on = set_new_device_mail(&app, &cookie, true).await;
    signs_in_as(&app, &user, MAC).await;

    // Assert: the first mail to leave is about the second browser.
    assert_eq!(
        off,
        json!({"kind": "new_device", "on": false, "may_turn_off": true})
    );
    assert_eq!(entry(&read, "new_device")["on"], false);
    assert_eq!(read["sends_mail"], true);
    assert_eq!(on["on"], true);
    let mail = sink.next().await;
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("New sign-in to your Latchkey account")
    );
    let body = mail.decoded_body();
    assert!(body.contains("Safari"), "{body}");
    assert!(!body.contains("Windows"), "{body}");
}

#[tokio::test]
async fn an_api_token_reads_the_choices_but_cannot_make_them() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let (_, secret) = app.api_token(&cookie, "script").await;

    let read = choices(&app, Cred::Bearer(&secret)).await;
    let (status, refused) = turn_off(&app, Cred::Bearer(&secret), "new_device").await;

    assert_eq!(entry(&read, "new_device")["on"], true);
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["error"]["data"]["code"], "forbidden");
    let after = choices(&app, Cred::Cookie(&cookie)).await;
    assert_eq!(entry(&after, "new_device")["on"], true, "nothing changed");
}

#[tokio::test]
async fn the_mail_that_protects_the_account_cannot_be_turned_off() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;

    let (status, refused) = turn_off(&app, Cred::Cookie(&cookie), "password_changed").await;
    let (_, unknown) = turn_off(&app, Cred::Cookie(&cookie), "newsletter").await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["data"]["code"], "invalid_params");
    assert_eq!(refused["error"]["data"]["field"], "kind");
    assert_eq!(unknown["error"]["data"]["code"], "invalid_params");
    let read = choices(&app, Cred::Cookie(&cookie)).await;
    let changed = entry(&read, "password_changed");
    assert_eq!(changed["on"], true);
    assert_eq!(changed["may_turn_off"], false);
}
