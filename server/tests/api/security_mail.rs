//! Security notices by mail, through a real SMTP conversation with a sink
//! on a loopback port; and "This wasn't me" from the mail about a sign-in
//! from a new device: opening the link changes nothing, its button ends
//! that browser's session and its stream at once, the clicking browser
//! stays, and another site cannot press it.

use api::paths;
use reqwest::StatusCode;
use reqwest::header::USER_AGENT;
use serde_json::json;

use crate::helpers::{Cred, TestApp, TestUser, location, session_token};
use crate::live_client::PROMPTLY;
use crate::password_reset::{PUBLIC_URL, app_sending_to};
use crate::smtp_sink::{Received, SmtpSink};
use crate::verify_email::verified_by_mail;

const NEW_DEVICE: &str = "New sign-in to your Latchkey account";
const ELSEWHERE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0";

/// The user signs in from a browser they never used: its session.
async fn signed_in_elsewhere(app: &TestApp, user: &TestUser) -> String {
    let response = app
        .client
        .post(app.url(paths::auth::LOGIN))
        .header(USER_AGENT, ELSEWHERE)
        .json(&json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    session_token(response.headers()).expect("a session")
}

/// The token of the mail's "This wasn't me" link, which starts with the
/// public URL.
fn not_me_token(mail: &Received) -> String {
    mail.token_of_link(&format!("{PUBLIC_URL}{}", paths::page::LOGIN_NOT_ME))
}

#[tokio::test]
async fn this_wasnt_me_in_the_new_device_mail_ends_that_session_and_its_stream_at_once() {
    // Arrange: signed up here, then signed in elsewhere with a page open.
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    let mine = app.signed_up(&user).await;
    verified_by_mail(&app, &mut sink, &user).await;
    let theirs = signed_in_elsewhere(&app, &user).await;
    let mut stream = app.open_events(Cred::Cookie(&theirs)).await;
    stream.next_event(PROMPTLY).await.expect("the first event");

    // Act: the mail, its link opened, then its button pressed.
    let mail = sink.next_about(NEW_DEVICE).await;
    let token = not_me_token(&mail);
    let opened = app
        .get(
            &format!("{}?token={token}", paths::page::LOGIN_NOT_ME),
            None,
        )
        .await;
    let opened_status = opened.status();
    let still_there = app.get(paths::account::ME, Some(&theirs)).await.status();
    let pressed = app
        .post_form(paths::auth::NOT_ME, &[("token", &token)])
        .await;

    // Assert
    assert_eq!(mail.rcpt_to, [format!("TO:<{}>", user.email)]);
    assert!(mail.decoded_body().contains("Chrome on Windows"));
    assert_eq!(opened_status, StatusCode::OK);
    assert_eq!(
        still_there,
        StatusCode::OK,
        "opening the link changes nothing"
    );
    assert_eq!(pressed.status(), StatusCode::SEE_OTHER);
    let next = location(&pressed);
    assert!(
        next.starts_with(&format!("{}?token=", paths::page::LOGIN_RESET))
            && next.ends_with("&reported=1"),
        "{next}"
    );
    let last = stream.next_event(PROMPTLY).await.expect("told at once");
    assert_eq!(last.name, "session_revoked");
    assert_eq!(
        app.get(paths::account::ME, Some(&theirs)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(paths::account::ME, Some(&mine)).await.status(),
        StatusCode::OK,
        "the clicking browser stays"
    );
}

#[tokio::test]
async fn this_wasnt_me_answers_a_script_with_the_new_password_link_and_works_once() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    verified_by_mail(&app, &mut sink, &user).await;
    signed_in_elsewhere(&app, &user).await;
    let token = not_me_token(&sink.next_about(NEW_DEVICE).await);

    // Act
    let first = app
        .post_json(paths::auth::NOT_ME, &json!({"token": token}), None)
        .await;
    let first_status = first.status();
    let done: serde_json::Value = first.json().await.unwrap();
    let second = app
        .post_json(paths::auth::NOT_ME, &json!({"token": token}), None)
        .await;

    // Assert
    assert_eq!(first_status, StatusCode::OK);
    assert_eq!(done["session_ended"], true);
    let link = done["new_password_link"].as_str().unwrap();
    assert!(link.starts_with(&format!("{}?token=", paths::page::LOGIN_RESET)));
    assert_eq!(second.status(), StatusCode::BAD_REQUEST);
    let refused: serde_json::Value = second.json().await.unwrap();
    assert_eq!(refused["field"], "token");
}

#[tokio::test]
async fn another_sites_page_cannot_press_this_wasnt_me() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    verified_by_mail(&app, &mut sink, &user).await;
    let theirs = signed_in_elsewhere(&app, &user).await;
    let token = not_me_token(&sink.next_about(NEW_DEVICE).await);

    // Act
    let response = app
        .client
        .post(app.url(paths::auth::NOT_ME))
        .header("origin", "https://evil.example")
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(paths::account::ME, Some(&theirs)).await.status(),
        StatusCode::OK
    );
}
