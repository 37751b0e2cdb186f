//! Verified addresses: signing up mails a link that verifies the address;
//! until it is used, no other mail goes there. The link works once, for
//! 24 hours, and a newer one ends it. Changing one's address takes the
//! password and a browser session, mails a link to the new address, tells
//! the old one, and changes nothing until the link is used.

use std::time::Duration;

use api::rpc::Method;
use api::{
    ApiError, EmailChangeParams, EmailStatus, ErrorCode, Password, PasswordChange,
    PendingVerification,
};
use auth::mail::VERIFY_SUBJECT;
use auth::testing::TestAuth;
use auth::{AuthError, Caller, SessionSettings, Via};

use crate::helpers::{
    PASSWORD, ada, by_token, caller, change_password, logged_in, meta, new_token, refused,
    signed_up, signed_up_unverified, signs_in_with, test_auth, token_in_link,
    verification_mailed_to,
};
use crate::outbox::delivered;

const ADA: &str = "ada@example.com";
const NEW: &str = "ada@new.example.com";

fn link_ended(err: AuthError) -> bool {
    let api = ApiError::from(err);
    api.code == ErrorCode::InvalidParams && api.field.as_deref() == Some("token")
}

fn code_of(err: AuthError) -> ErrorCode {
    ApiError::from(err).code
}

/// Ada, signed up, her address not verified yet.
async fn unverified_ada(t: &TestAuth) -> Caller {
    let session = signed_up_unverified(t, ADA).await;
    caller(t, &session.token).await
}

/// `me`'s address and its verification (`account_email_get`).
async fn email_status(t: &TestAuth, me: &Caller) -> EmailStatus {
    let admitted = t.auth.admit(me, Method::EmailGet, Via::Api).await.unwrap();
    admitted.user().email_status().await.unwrap()
}

/// `me` has the link sent again (`account_email_verification_send`).
async fn send_again(t: &TestAuth, me: &Caller) -> Result<PendingVerification, AuthError> {
    let admitted = t
        .auth
        .admit(me, Method::EmailVerificationSend, Via::Api)
        .await?;
    admitted
        .user()
        .send_verification_again(&admitted.session()?)
        .await
}

/// `me` asks to change their address (`account_email_change`).
async fn change_email(
    t: &TestAuth,
    me: &Caller,
    new_email: &str,
    password: &str,
) -> Result<PendingVerification, AuthError> {
    let admitted = t.auth.admit(me, Method::EmailChange, Via::Api).await?;
    let params = EmailChangeParams {
        new_email: new_email.into(),
        current_password: Password::new(password.into()),
    };
    admitted
        .user()
        .change_email(&admitted.session()?, params, &meta())
        .await
}

#[tokio::test]
async fn signing_up_mails_a_link_and_the_address_is_unverified_until_it_is_used() {
    // Arrange
    let t = test_auth().await;
    let me = unverified_ada(&t).await;

    // Act
    let before = email_status(&t, &me).await;
    let sent = delivered(&t).await;
    let token = token_in_link(&sent[0], api::paths::page::LOGIN_VERIFY_EMAIL);
    let shown = t.auth.email_verification(&token).await.unwrap();
    let verified = t.auth.verify_email(&token, &meta()).await.unwrap();
    let after = email_status(&t, &me).await;

    // Assert
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, ADA);
    assert_eq!(sent[0].subject, VERIFY_SUBJECT);
    assert!(before.verified_at.is_none() && before.sends_mail);
    assert_eq!(before.pending.unwrap().email, ADA);
    assert_eq!(shown.email, ADA);
    assert_eq!(verified.email, ADA);
    assert!(!verified.changed);
    assert!(after.verified_at.is_some());
    assert!(after.pending.is_none());
}

#[tokio::test]
async fn a_verification_link_works_once() {
    let t = test_auth().await;
    unverified_ada(&t).await;
    let token = verification_mailed_to(&t, ADA).await.unwrap();
    t.auth.verify_email(&token, &meta()).await.unwrap();

    let again = t.auth.verify_email(&token, &meta()).await;
    let page = t.auth.email_verification(&token).await;

    assert!(link_ended(again.unwrap_err()));
    assert!(link_ended(page.unwrap_err()));
}

#[tokio::test]
async fn a_verification_link_ends_after_24_hours() {
    let t = test_auth().await;
    let me = unverified_ada(&t).await;
    let token = verification_mailed_to(&t, ADA).await.unwrap();
    t.clock.advance(Duration::from_hours(24));

    let late = t.auth.verify_email(&token, &meta()).await;

    assert!(link_ended(late.unwrap_err()));
    assert!(email_status(&t, &me).await.verified_at.is_none());
}

#[tokio::test]
async fn a_newer_link_ends_the_older_one() {
    // Arrange
    let t = test_auth().await;
    let me = unverified_ada(&t).await;
    let first = verification_mailed_to(&t, ADA).await.unwrap();
    t.clock.advance(Duration::from_mins(1));

    // Act
    send_again(&t, &me).await.unwrap();
    let second = verification_mailed_to(&t, ADA).await.unwrap();
    let by_first = t.auth.verify_email(&first, &meta()).await;
    let by_second = t.auth.verify_email(&second, &meta()).await;

    // Assert
    assert!(link_ended(by_first.unwrap_err()));
    assert!(by_second.is_ok());
    assert_ne!(first, second);
}

#[tokio::test]
async fn an_unknown_or_malformed_link_answers_like_an_ended_one() {
    let t = test_auth().await;
    unverified_ada(&t).await;

    for raw in ["", "not a token", &"A".repeat(43)] {
        assert!(link_ended(
            t.auth.verify_email(raw, &meta()).await.unwrap_err()
        ));
        assert!(link_ended(
            t.auth.email_verification(raw).await.unwrap_err()
        ));
    }
}

#[tokio::test]
async fn anothers_link_verifies_only_their_own_address() {
    // Arrange: Eve signs up too, and uses her own link.
    let t = test_auth().await;
    let me = unverified_ada(&t).await;
    let eve = signed_up_unverified(&t, "eve@example.com").await;
    let eve = caller(&t, &eve.token).await;
    let eves = verification_mailed_to(&t, "eve@example.com").await.unwrap();

    // Act
    let verified = t.auth.verify_email(&eves, &meta()).await.unwrap();

    // Assert
    assert_eq!(verified.email, "eve@example.com");
    assert!(email_status(&t, &eve).await.verified_at.is_some());
    assert!(email_status(&t, &me).await.verified_at.is_none());
}

#[tokio::test]
async fn no_mail_but_the_verification_goes_to_an_unverified_address() {
    // Arrange
    let t = test_auth().await;
    let me = unverified_ada(&t).await;
    verification_mailed_to(&t, ADA).await.unwrap();
    let elsewhere = logged_in(&t, ADA).await;
    let elsewhere = caller(&t, &elsewhere.token).await;

    // Act: a notice (a password change), and an ask for a new password.
    let change = PasswordChange {
        current_password: Password::new(PASSWORD.into()),
        new_password: Password::new("another long password".into()),
        revoke_api_tokens: false,
    };
    change_password(&t, &me, change).await.unwrap();
    t.auth.request_password_reset(ADA, &meta()).await.unwrap();
    let sent = delivered(&t).await;

    // Assert: the page tells it; no mail leaves, and the ask is answered.
    assert!(sent.is_empty(), "{sent:?}");
    let asks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM password_reset_asks")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(asks, 0);
    let resets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM password_resets")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(resets, 0, "no link to choose a new password");
    drop(elsewhere);
}

#[tokio::test]
async fn once_verified_the_address_gets_its_mail() {
    let t = test_auth().await;
    signed_up(&t, ADA).await;

    t.auth.request_password_reset(ADA, &meta()).await.unwrap();
    let sent = delivered(&t).await;

    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].subject, "Choose a new password for Latchkey");
}

#[tokio::test]
async fn an_unverified_persons_notice_is_stored_for_the_page() {
    let t = test_auth().await;
    let me = unverified_ada(&t).await;
    let change = PasswordChange {
        current_password: Password::new(PASSWORD.into()),
        new_password: Password::new("another long password".into()),
        revoke_api_tokens: false,
    };

    change_password(&t, &me, change).await.unwrap();

    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM security_notices WHERE kind = 'password_changed'")
            .fetch_one(t.db.db.reader())
            .await
            .unwrap();
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn the_link_is_sent_again_at_most_once_a_minute() {
    // Arrange
    let t = test_auth().await;
    let me = unverified_ada(&t).await;

    // Act
    let too_soon = send_again(&t, &me).await;
    t.clock.advance(Duration::from_mins(1));
    let later = send_again(&t, &me).await;

    // Assert
    let err = ApiError::from(too_soon.unwrap_err());
    assert_eq!(err.code, ErrorCode::RateLimited);
    assert!(err.retry_after_seconds.is_some());
    assert!(err.message.contains("minute"), "{}", err.message);
    assert_eq!(later.unwrap().email, ADA);
}

#[tokio::test]
async fn a_verified_address_has_nothing_to_send_again() {
    let t = test_auth().await;
    let me = ada(&t).await;

    let err = send_again(&t, &me).await.unwrap_err();

    assert_eq!(code_of(err), ErrorCode::InvalidParams);
}

#[tokio::test]
async fn sending_again_and_changing_the_address_need_a_browser_session() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let token = new_token(&t, &me, "script").await;
    let script = by_token(&t, &token).await;

    for method in [Method::EmailVerificationSend, Method::EmailChange] {
        let err = refused(&t, &script, method).await;
        assert_eq!(code_of(err), ErrorCode::Forbidden, "{}", method.name());
    }
}

#[tokio::test]
async fn changing_the_address_mails_the_new_one_tells_the_old_and_waits_for_the_link() {
    // Arrange
    let t = test_auth().await;
    let me = ada(&t).await;

    // Act
    let pending = change_email(&t, &me, NEW, PASSWORD).await.unwrap();
    let sent = delivered(&t).await;
    let status = email_status(&t, &me).await;

    // Assert: a link to the new address, a notice to the old one.
    assert_eq!(pending.email, NEW);
    let to_new = sent
        .iter()
        .find(|m| m.to == NEW)
        .expect("a mail to the new address");
    assert_eq!(to_new.subject, VERIFY_SUBJECT);
    assert!(to_new.text.contains(ADA));
    let to_old = sent
        .iter()
        .find(|m| m.to == ADA)
        .expect("a mail to the old address");
    assert_eq!(to_old.subject, "Your Latchkey address is being changed");
    assert!(to_old.text.contains(NEW));
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(status.email, ADA, "nothing changes before the link is used");
    assert_eq!(status.pending.unwrap().email, NEW);
    assert!(signs_in_with(&t, ADA, PASSWORD).await);
    assert!(!signs_in_with(&t, NEW, PASSWORD).await);

    // Act: the link from the new address's mail.
    let token = token_in_link(to_new, api::paths::page::LOGIN_VERIFY_EMAIL);
    let verified = t.auth.verify_email(&token, &meta()).await.unwrap();

    // Assert: the new address is hers, and verified.
    assert!(verified.changed);
    assert_eq!(verified.email, NEW);
    let status = email_status(&t, &me).await;
    assert_eq!(status.email, NEW);
    assert!(status.verified_at.is_some() && status.pending.is_none());
    assert!(signs_in_with(&t, NEW, PASSWORD).await);
    assert!(!signs_in_with(&t, ADA, PASSWORD).await);
    let kinds = crate::helpers::audited_kinds(&t).await;
    assert!(
        kinds.contains(&"email_change_requested".to_owned()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"email_changed".to_owned()), "{kinds:?}");
}

#[tokio::test]
async fn changing_the_address_needs_the_right_password() {
    let t = test_auth().await;
    let me = ada(&t).await;

    let err = change_email(&t, &me, NEW, "not my password")
        .await
        .unwrap_err();

    assert!(matches!(err, AuthError::WrongPassword));
    assert!(delivered(&t).await.is_empty(), "no mail");
    assert!(email_status(&t, &me).await.pending.is_none());
}

#[tokio::test]
async fn an_address_another_account_has_is_refused_with_its_own_code() {
    let t = test_auth().await;
    let me = ada(&t).await;
    signed_up(&t, "grace@example.com").await;

    let err = change_email(&t, &me, "grace@example.com", PASSWORD)
        .await
        .unwrap_err();

    let err = ApiError::from(err);
    assert_eq!(err.code, ErrorCode::EmailTaken);
    assert_eq!(err.field.as_deref(), Some("new_email"));
    assert!(delivered(&t).await.is_empty(), "no mail");
}

#[tokio::test]
async fn an_address_taken_before_the_link_is_used_is_refused_then() {
    // Arrange: Ada asks for NEW; then someone signs up with it.
    let t = test_auth().await;
    let me = ada(&t).await;
    change_email(&t, &me, NEW, PASSWORD).await.unwrap();
    let token = verification_mailed_to(&t, NEW).await.unwrap();
    signed_up_unverified(&t, NEW).await;

    // Act
    let err = t.auth.verify_email(&token, &meta()).await.unwrap_err();

    // Assert
    assert_eq!(code_of(err), ErrorCode::EmailTaken);
    assert_eq!(email_status(&t, &me).await.email, ADA);
    assert!(link_ended(
        t.auth.verify_email(&token, &meta()).await.unwrap_err()
    ));
}

#[tokio::test]
async fn a_server_that_sends_no_mail_writes_no_link_and_changes_no_address() {
    let t = TestAuth::new(SessionSettings {
        sends_mail: false,
        ..SessionSettings::default()
    })
    .await;
    let me = unverified_ada(&t).await;

    let status = email_status(&t, &me).await;
    let change = change_email(&t, &me, NEW, PASSWORD).await;

    assert!(!status.sends_mail && status.pending.is_none());
    assert_eq!(code_of(change.unwrap_err()), ErrorCode::MailOff);
    assert_eq!(t.auth.outbox_counts().await.unwrap().waiting, 0);
}

#[tokio::test]
async fn a_member_an_owner_added_counts_as_verified() {
    let t = test_auth().await;
    let demo = crate::helpers::demo(&t).await;
    let member = caller(&t, &demo.member.token).await;

    assert!(email_status(&t, &member).await.verified_at.is_some());
}
