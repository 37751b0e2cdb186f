use std::num::NonZeroU32;

use api::{Password, PasswordConfirmParams};
use auth::testing::TestAuth;
use auth::{AuthError, Backend, SessionSettings};

use crate::helpers::{
    PASSWORD, ada, caller, confirm_password, logged_in_with, login_request, meta, resolve,
    signed_up, signup_request, test_auth,
};

#[tokio::test]
async fn the_suite_runs_on_the_database_it_was_asked_for() {
    let t = test_auth().await;
    let want_postgres =
        std::env::var(auth::testing::POSTGRES_URL_VAR).is_ok_and(|url| !url.is_empty());
    let expected = if want_postgres {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    assert_eq!(t.db.db.backend(), expected);
}

#[tokio::test]
async fn signup_creates_an_owner_who_is_signed_in() {
    // Arrange
    let t = test_auth().await;
    // Act
    let session = signed_up(&t, "Ada@Example.com").await;
    // Assert
    let caller = caller(&t, &session.token).await;
    assert_eq!(caller.me().email, "ada@example.com");
    assert_eq!(caller.me().role, api::Role::Owner);
    assert_eq!(caller.session_id(), Some(&session.signed_in.session_id));
}

#[tokio::test]
async fn signup_with_a_taken_email_is_a_conflict() {
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;

    let err = t
        .auth
        .signup(signup_request("ADA@example.com"), meta())
        .await
        .unwrap_err();

    assert!(matches!(err, AuthError::EmailTaken), "{err:?}");
}

#[tokio::test]
async fn signup_rejects_a_short_password_before_storing_anything() {
    let t = test_auth().await;
    let mut request = signup_request("ada@example.com");
    request.password = api::Password::new("short".into());

    let err = t.auth.signup(request, meta()).await.unwrap_err();

    assert!(
        matches!(err, AuthError::Input(ref e) if e.field == "password"),
        "{err:?}"
    );
    let login = t
        .auth
        .login(login_request("ada@example.com", "short"), meta())
        .await;
    assert!(matches!(login, Err(AuthError::InvalidCredentials)));
}

#[tokio::test]
async fn login_with_the_right_password_starts_a_new_session() {
    let t = test_auth().await;
    let first = signed_up(&t, "ada@example.com").await;

    let second = t
        .auth
        .login(login_request("ada@example.com", PASSWORD), meta())
        .await
        .unwrap()
        .session()
        .expect("no second factor");

    assert_ne!(first.signed_in.session_id, second.signed_in.session_id);
    caller(&t, &first.token).await;
    caller(&t, &second.token).await;
}

#[tokio::test]
async fn wrong_password_and_unknown_email_fail_the_same_way() {
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;

    let wrong = t
        .auth
        .login(login_request("ada@example.com", "not the password"), meta())
        .await;
    let unknown = t
        .auth
        .login(login_request("nobody@example.com", PASSWORD), meta())
        .await;
    let malformed = t
        .auth
        .login(login_request("not an email", PASSWORD), meta())
        .await;

    for result in [wrong, unknown, malformed] {
        assert!(
            matches!(result, Err(AuthError::InvalidCredentials)),
            "{result:?}"
        );
    }
}

#[tokio::test]
async fn logout_ends_the_session() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let caller = caller(&t, &session.token).await;

    t.auth.logout(&caller, &meta()).await.unwrap();

    let after = resolve(&t, &session.token, auth::Access::Api).await;
    assert!(
        matches!(after, Err(AuthError::Unauthenticated)),
        "{after:?}"
    );
}

#[tokio::test]
async fn the_demo_account_is_created_once_and_its_owner_can_sign_in() {
    let t = test_auth().await;

    let demo = t
        .auth
        .create_demo_account_if_empty()
        .await
        .unwrap()
        .expect("created");
    let again = t.auth.create_demo_account_if_empty().await.unwrap();

    assert!(again.is_none());
    let owner = logged_in_with(&t, &demo.owner_email, demo.owner_password.expose()).await;
    assert_eq!(owner.signed_in.me.role, api::Role::Owner);
    let member = logged_in_with(&t, &demo.member_email, demo.member_password.expose()).await;
    assert_eq!(member.signed_in.me.role, api::Role::Member);
    assert_eq!(
        member.signed_in.me.account_id,
        owner.signed_in.me.account_id
    );
}

#[tokio::test]
async fn every_password_attempt_counts_toward_the_limits_whatever_asks_for_it() {
    // Three attempts a minute from one address: signing up, a wrong
    // password at sign-in and a wrong confirmation use them up, and the
    // right password is then refused too, naming the wait. The domain
    // counts them, so no transport can forget to.
    let t = TestAuth::new(SessionSettings {
        attempts_per_ip_minute: NonZeroU32::new(3).unwrap(),
        ..SessionSettings::default()
    })
    .await;
    let me = ada(&t).await;
    let wrong = t
        .auth
        .login(login_request("ada@example.com", "not the password"), meta())
        .await;
    let confirm = PasswordConfirmParams {
        password: Some(Password::new("not the password either".into())),
        ..Default::default()
    };
    let wrong_again = confirm_password(&t, &me, confirm).await;

    let right = t
        .auth
        .login(login_request("ada@example.com", PASSWORD), meta())
        .await;

    assert!(
        matches!(wrong, Err(AuthError::InvalidCredentials)),
        "{wrong:?}"
    );
    assert!(wrong_again.is_err());
    let Err(AuthError::Rejected(refused)) = right else {
        panic!("the right password got through: {right:?}");
    };
    assert_eq!(refused.code, api::ErrorCode::RateLimited);
    assert!(
        refused.retry_after_seconds.is_some_and(|s| s >= 1),
        "{refused:?}"
    );
}
