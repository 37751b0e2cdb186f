//! Security notices go by mail too, and the mail about a sign-in from a
//! new device carries "This wasn't me", which ends that session at once
//! and opens a link to choose a new password: single use, a week, its own
//! user's session only.

use std::time::Duration;

use api::rpc::Method;
use api::{
    ErrorCode, MemberRemoveParams, MemberRoleSetParams, NewMemberRequest, Password, PasswordChange,
    Role,
};
use auth::mail::OutgoingMail;
use auth::testing::TestAuth;
use auth::{Access, AuthError, ClientMeta, NewSession, SessionSettings, Via};

use crate::helpers::{
    PASSWORD, add_member, audited_kinds, caller, change_password, login_request, meta, resolve,
    signed_up, test_auth, token_in_link,
};
use crate::outbox::delivered;

/// A browser the user has not signed in from before.
fn elsewhere() -> ClientMeta {
    ClientMeta::new(
        Some("198.51.100.7".into()),
        Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0"),
    )
}

/// Ada signed up, then signed in from elsewhere: that session, and the
/// mail about it.
async fn new_device_sign_in(t: &TestAuth) -> (NewSession, NewSession, OutgoingMail) {
    let first = signed_up(t, "ada@example.com").await;
    delivered(t).await;
    let other = t
        .auth
        .login(login_request("ada@example.com", PASSWORD), elsewhere())
        .await
        .unwrap()
        .session()
        .unwrap();
    let mut sent = delivered(t).await;
    assert_eq!(sent.len(), 1, "one mail: {sent:?}");
    (first, other, sent.remove(0))
}

fn link_ended(err: AuthError) -> bool {
    let api = api::ApiError::from(err);
    api.code == ErrorCode::InvalidParams && api.field.as_deref() == Some("token")
}

#[tokio::test]
async fn a_sign_in_from_a_new_device_is_mailed_with_where_and_when() {
    let t = test_auth().await;
    let (_, _, mail) = new_device_sign_in(&t).await;

    assert_eq!(mail.to, "ada@example.com");
    assert_eq!(mail.subject, "New sign-in to your Latchkey account");
    assert!(mail.text.contains("Chrome on Windows"), "{}", mail.text);
    assert!(mail.text.contains("198.51.100.7"), "{}", mail.text);
    assert!(mail.text.contains("UTC"), "{}", mail.text);
    assert!(mail.text.contains("/login/not-me?token="));
}

#[tokio::test]
async fn this_wasnt_me_ends_that_session_at_once_and_opens_a_new_password_link() {
    let t = test_auth().await;
    let (first, other, mail) = new_device_sign_in(&t).await;
    let token = token_in_link(&mail, "/login/not-me");

    let reported = t.auth.report_session(&token, &elsewhere()).await.unwrap();

    assert!(reported.session_ended);
    assert!(
        resolve(&t, &other.token, Access::Api).await.is_err(),
        "the reported session ended"
    );
    assert!(
        resolve(&t, &first.token, Access::Api).await.is_ok(),
        "the one that clicked goes on"
    );
    assert_eq!(
        t.closer.closed_sessions(),
        std::slice::from_ref(&other.signed_in.session_id),
        "its live connections were closed"
    );
    assert!(
        audited_kinds(&t)
            .await
            .contains(&"sessions_revoked".to_owned())
    );
    assert!(
        t.auth
            .password_reset_link(reported.new_password.expose())
            .await
            .is_ok(),
        "the link to choose a new password works"
    );
}

#[tokio::test]
async fn this_wasnt_me_works_once() {
    let t = test_auth().await;
    let (_, _, mail) = new_device_sign_in(&t).await;
    let token = token_in_link(&mail, "/login/not-me");
    t.auth.report_session(&token, &elsewhere()).await.unwrap();

    let again = t.auth.report_session(&token, &elsewhere()).await;

    assert!(link_ended(again.unwrap_err()));
}

#[tokio::test]
async fn this_wasnt_me_ends_after_a_week() {
    let t = test_auth().await;
    let (_, other, mail) = new_device_sign_in(&t).await;
    let token = token_in_link(&mail, "/login/not-me");
    t.clock.advance(Duration::from_hours(24 * 7));

    let late = t.auth.report_session(&token, &elsewhere()).await;

    assert!(link_ended(late.unwrap_err()));
    assert!(t.closer.closed_sessions().is_empty());
    let revoked: Option<i64> =
        sqlx::query_scalar("SELECT revoked_at FROM sessions WHERE session_id = $1")
            .bind(other.signed_in.session_id.as_str())
            .fetch_one(t.db.db.reader())
            .await
            .unwrap();
    assert_eq!(revoked, None, "the session was not ended by the late link");
}

#[tokio::test]
async fn a_made_up_or_malformed_link_changes_nothing() {
    let t = test_auth().await;
    let (_, other, _) = new_device_sign_in(&t).await;

    for token in ["", "junk", &"A".repeat(43), other.token.expose()] {
        let refused = t.auth.report_session(token, &elsewhere()).await;
        assert!(link_ended(refused.unwrap_err()), "{token:?}");
    }
    assert!(resolve(&t, &other.token, Access::Api).await.is_ok());
}

#[tokio::test]
async fn a_link_for_a_session_that_already_ended_still_leads_to_a_new_password() {
    let t = test_auth().await;
    let (_, other, mail) = new_device_sign_in(&t).await;
    let me = caller(&t, &other.token).await;
    t.auth.logout(&me, &elsewhere()).await.unwrap();

    let reported = t
        .auth
        .report_session(&token_in_link(&mail, "/login/not-me"), &elsewhere())
        .await
        .unwrap();

    assert!(!reported.session_ended);
    assert!(
        t.auth
            .password_reset_link(reported.new_password.expose())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_password_change_is_mailed_without_a_not_me_link() {
    let t = test_auth().await;
    let first = signed_up(&t, "ada@example.com").await;
    delivered(&t).await;
    let me = caller(&t, &first.token).await;

    change_password(
        &t,
        &me,
        PasswordChange {
            current_password: Password::new(PASSWORD.into()),
            new_password: Password::new("a brand new passphrase".into()),
            revoke_api_tokens: false,
        },
    )
    .await
    .unwrap();

    let sent = delivered(&t).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].subject, "Your Latchkey password was changed");
    assert!(!sent[0].text.contains("not-me"));
}

/// Ada, an owner, and Max, a member she added: the owner as a caller, and
/// Max's id; no mail waiting.
async fn owner_and_member(t: &TestAuth) -> (auth::Caller, api::UserId) {
    let owner = caller(t, &signed_up(t, "ada@example.com").await.token).await;
    let max = add_member(
        t,
        &owner,
        NewMemberRequest {
            name: "Max Member".into(),
            email: "max@example.com".into(),
            password: Password::new(PASSWORD.into()),
        },
    )
    .await
    .unwrap();
    delivered(t).await;
    (owner, max.user_id)
}

#[tokio::test]
async fn a_role_change_is_mailed_to_the_member_with_who_did_it() {
    let t = test_auth().await;
    let (owner, max) = owner_and_member(&t).await;
    let admitted = t
        .auth
        .admit(&owner, Method::MemberRoleSet, Via::Api)
        .await
        .unwrap();

    admitted
        .owner()
        .unwrap()
        .set_member_role(
            &admitted.confirmed().unwrap(),
            MemberRoleSetParams {
                user_id: max,
                role: Role::Owner,
            },
            &meta(),
        )
        .await
        .unwrap();

    let sent = delivered(&t).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "max@example.com");
    assert_eq!(
        sent[0].subject,
        "Your role on your Latchkey account changed"
    );
    assert!(
        sent[0]
            .text
            .contains("You were made an owner by Ada Lovelace.")
    );
}

#[tokio::test]
async fn a_removal_is_mailed_to_the_member_though_they_are_gone() {
    let t = test_auth().await;
    let (owner, max) = owner_and_member(&t).await;
    let admitted = t
        .auth
        .admit(&owner, Method::MemberRemove, Via::Api)
        .await
        .unwrap();

    admitted
        .owner()
        .unwrap()
        .remove_member(
            &admitted.confirmed().unwrap(),
            MemberRemoveParams { user_id: max },
            &meta(),
        )
        .await
        .unwrap();

    let sent = delivered(&t).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "max@example.com");
    assert_eq!(sent[0].subject, "You were removed from a Latchkey account");
}

#[tokio::test]
async fn a_server_that_sends_no_mail_tells_notices_in_the_page_only() {
    let t = TestAuth::new(SessionSettings {
        sends_mail: false,
        ..SessionSettings::default()
    })
    .await;
    signed_up(&t, "ada@example.com").await;

    t.auth
        .login(login_request("ada@example.com", PASSWORD), elsewhere())
        .await
        .unwrap();

    assert_eq!(t.auth.outbox_counts().await.unwrap().waiting, 0);
    let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM session_reports")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(reports, 0, "no \"This wasn't me\" link without its mail");
    let notices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM security_notices")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(notices, 1, "the page still tells it");
}
