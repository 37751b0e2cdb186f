//! Security notices after changes to how someone can get in (ASVS V2.2.3):
//! each is shown once, in a session other than the one that caused it.

use api::PasswordChange;
use api::{NoticeKind, Password, SecurityNotice};
use auth::ClientMeta;
use auth::testing::TestAuth;

use crate::helpers::{
    PASSWORD, acknowledge_notices, caller, change_password, logged_in, login_request, meta,
    new_token, security_notices, shown_notices, signed_up, test_auth,
};

async fn notices_of(t: &TestAuth, session: &auth::NewSession) -> Vec<SecurityNotice> {
    let me = caller(t, &session.token).await;
    shown_notices(t, &me).await
}

fn kinds(notices: &[SecurityNotice]) -> Vec<NoticeKind> {
    notices.iter().map(|n| n.kind).collect()
}

#[tokio::test]
async fn a_password_change_is_told_to_the_next_other_session_not_its_own() {
    let t = test_auth().await;
    let here = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &here.token).await;
    let change = PasswordChange {
        current_password: Password::new(PASSWORD.into()),
        new_password: Password::new("a brand new passphrase".into()),
        revoke_api_tokens: false,
    };
    change_password(&t, &me, change).await.unwrap();

    assert!(
        notices_of(&t, &here).await.is_empty(),
        "not to the session that did it"
    );
    let phone = t
        .auth
        .login(
            login_request("ada@example.com", "a brand new passphrase"),
            meta(),
        )
        .await
        .unwrap()
        .session()
        .expect("no second factor");
    let told = notices_of(&t, &phone).await;
    assert_eq!(kinds(&told), [NoticeKind::PasswordChanged]);
    assert_eq!(told[0].detail.as_deref(), Some("Firefox on Linux"));
    assert!(notices_of(&t, &phone).await.is_empty(), "only once");
}

/// Ada signed in twice; the first session creates a token "deploy", which
/// the other (the laptop) is to be told about. Both sessions.
async fn a_token_made_here_and_a_laptop(t: &TestAuth) -> (auth::NewSession, auth::NewSession) {
    let here = signed_up(t, "ada@example.com").await;
    let laptop = logged_in(t, "ada@example.com").await;
    let me = caller(t, &here.token).await;
    new_token(t, &me, "deploy").await;
    (here, laptop)
}

#[tokio::test]
async fn a_new_api_token_is_told_to_the_users_other_sessions() {
    let t = test_auth().await;
    let (here, laptop) = a_token_made_here_and_a_laptop(&t).await;

    assert!(notices_of(&t, &here).await.is_empty());
    let told = notices_of(&t, &laptop).await;
    assert_eq!(kinds(&told), [NoticeKind::TokenCreated]);
    assert_eq!(told[0].detail.as_deref(), Some("deploy"));
}

#[tokio::test]
async fn a_sign_in_from_a_new_device_is_told_to_the_other_sessions_once() {
    let t = test_auth().await;
    let laptop = signed_up(&t, "ada@example.com").await;
    let same_laptop = logged_in(&t, "ada@example.com").await;
    assert!(
        notices_of(&t, &laptop).await.is_empty(),
        "a known device says nothing"
    );
    let phone_meta = ClientMeta::new(
        Some("203.0.113.9".into()),
        Some(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1",
        ),
    );

    let phone = t
        .auth
        .login(login_request("ada@example.com", PASSWORD), phone_meta)
        .await
        .unwrap()
        .session()
        .expect("no second factor");

    assert!(
        notices_of(&t, &phone).await.is_empty(),
        "not to the new device itself"
    );
    let told = notices_of(&t, &laptop).await;
    assert_eq!(kinds(&told), [NoticeKind::NewDevice]);
    let detail = told[0].detail.as_deref().unwrap();
    assert!(detail.contains("203.0.113.9"), "{detail}");
    assert!(notices_of(&t, &same_laptop).await.is_empty(), "shown once");
}

#[tokio::test]
async fn reading_notices_marks_nothing_seen_only_acknowledging_does() {
    let t = test_auth().await;
    let (_, laptop) = a_token_made_here_and_a_laptop(&t).await;
    let on_laptop = caller(&t, &laptop.token).await;

    let first = security_notices(&t, &on_laptop).await;
    let again = security_notices(&t, &on_laptop).await;
    assert_eq!(kinds(&first), [NoticeKind::TokenCreated]);
    assert_eq!(first, again, "reading uses nothing up");

    let ids = [first[0].id.clone()];
    let someone_else = signed_up(&t, "eve@example.com").await;
    let eve = caller(&t, &someone_else.token).await;
    assert_eq!(
        acknowledge_notices(&t, &eve, &ids).await,
        0,
        "another user's notice id changes nothing"
    );
    assert_eq!(
        kinds(&security_notices(&t, &on_laptop).await),
        [NoticeKind::TokenCreated]
    );
    assert_eq!(acknowledge_notices(&t, &on_laptop, &ids).await, 1);
    assert!(security_notices(&t, &on_laptop).await.is_empty());
}
