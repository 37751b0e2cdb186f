//! Verified addresses over the wire, with the mail going through a real
//! SMTP conversation to a sink: signing up mails a link (from
//! `--public-url`) to the address; opening it changes nothing, its button
//! verifies the address, once. Changing one's address mails a link to the
//! new one and tells the old one; the link changes it.

use api::paths;
use auth::mail::VERIFY_SUBJECT;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Cred, TestApp, TestUser, location};
use crate::password_reset::{PUBLIC_URL, app_sending_to};
use crate::smtp_sink::{Received, SmtpSink};

const CHANGING: &str = "Your Latchkey address is being changed";

/// The token of the mail's link, which starts with the public URL.
fn verify_token(mail: &Received) -> String {
    mail.token_of_link(&format!("{PUBLIC_URL}{}", paths::page::LOGIN_VERIFY_EMAIL))
}

/// Verifies the user's address with the link its sign-up mailed to
/// `sink`, as a script would: for tests of the mail that follows, which
/// goes only to a verified address.
pub async fn verified_by_mail(app: &TestApp, sink: &mut SmtpSink, user: &TestUser) {
    let mail = sink.next_about(VERIFY_SUBJECT).await;
    let token = verify_token(&mail);
    let response = app
        .post_json(paths::auth::VERIFY_EMAIL, &json!({"token": token}), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", user.email);
}

#[tokio::test]
async fn signing_up_mails_a_link_whose_page_changes_nothing_and_whose_button_verifies() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;

    // Act
    let mail = sink.next_about(VERIFY_SUBJECT).await;
    let token = verify_token(&mail);
    let before = app
        .rpc_ok("account_email_get", json!({}), Cred::Cookie(&cookie))
        .await;
    let page = app
        .get(
            &format!("{}?token={token}", paths::page::LOGIN_VERIFY_EMAIL),
            None,
        )
        .await;
    let page_status = page.status();
    let html = page.text().await.unwrap();
    let still = app
        .rpc_ok("account_email_get", json!({}), Cred::Cookie(&cookie))
        .await;
    let pressed = app
        .post_form(paths::auth::VERIFY_EMAIL, &[("token", &token)])
        .await;
    let after = app
        .rpc_ok("account_email_get", json!({}), Cred::Cookie(&cookie))
        .await;
    let again = app
        .post_json(paths::auth::VERIFY_EMAIL, &json!({"token": token}), None)
        .await;

    // Assert
    assert_eq!(mail.rcpt_to, [format!("TO:<{}>", user.email)]);
    assert_eq!(before["verified_at"], serde_json::Value::Null);
    assert_eq!(before["pending"]["email"], user.email.as_str());
    assert_eq!(page_status, StatusCode::OK);
    assert!(html.contains(&user.email), "the page shows the address");
    assert_eq!(
        still["verified_at"],
        serde_json::Value::Null,
        "a GET changes nothing"
    );
    assert_eq!(pressed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&pressed),
        format!("{}?verified=1", paths::page::LOGIN_VERIFY_EMAIL)
    );
    assert!(after["verified_at"].is_number());
    assert_eq!(
        again.status(),
        StatusCode::BAD_REQUEST,
        "the link works once"
    );
    let refused: serde_json::Value = again.json().await.unwrap();
    assert_eq!(refused["field"], "token");
}

#[tokio::test]
async fn an_ended_link_shows_the_same_page_as_an_unknown_one() {
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let token = verify_token(&sink.next_about(VERIFY_SUBJECT).await);
    app.post_json(paths::auth::VERIFY_EMAIL, &json!({"token": token}), None)
        .await;

    let used_up = app
        .get(
            &format!("{}?token={token}", paths::page::LOGIN_VERIFY_EMAIL),
            None,
        )
        .await;
    let unknown = app
        .get(
            &format!(
                "{}?token={}",
                paths::page::LOGIN_VERIFY_EMAIL,
                "A".repeat(43)
            ),
            None,
        )
        .await;

    for page in [used_up, unknown] {
        let html = page.text().await.unwrap();
        assert!(html.contains(app::VERIFY_LINK_ENDED), "{html}");
    }
}

#[tokio::test]
async fn a_change_mails_the_new_address_tells_the_old_and_the_link_changes_it() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    verified_by_mail(&app, &mut sink, &user).await;
    let new_email = format!("new-{}", user.email);

    // Act
    let pending = app
        .rpc_ok(
            "account_email_change",
            json!({"new_email": new_email, "current_password": user.password}),
            Cred::Cookie(&cookie),
        )
        .await;
    let to_new = sink.next_about(VERIFY_SUBJECT).await;
    let told = sink.next_about(CHANGING).await;
    let verified = app
        .post_json(
            paths::auth::VERIFY_EMAIL,
            &json!({"token": verify_token(&to_new)}),
            None,
        )
        .await;
    let verified_status = verified.status();
    let verified: serde_json::Value = verified.json().await.unwrap();
    let status = app
        .rpc_ok("account_email_get", json!({}), Cred::Cookie(&cookie))
        .await;

    // Assert
    assert_eq!(pending["email"], new_email.as_str());
    assert_eq!(to_new.rcpt_to, [format!("TO:<{new_email}>")]);
    assert_eq!(told.rcpt_to, [format!("TO:<{}>", user.email)]);
    assert!(told.decoded_body().contains(&new_email));
    assert_eq!(verified_status, StatusCode::OK);
    assert_eq!(verified["changed"], true);
    assert_eq!(status["email"], new_email.as_str());
}

#[tokio::test]
async fn a_change_to_a_taken_address_is_refused_with_email_taken() {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    let other = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    app.signed_up(&other).await;

    let (status, body) = app
        .rpc(
            "account_email_change",
            json!({"new_email": other.email, "current_password": user.password}),
            Cred::Cookie(&cookie),
        )
        .await;

    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["data"]["code"], "email_taken");
}
