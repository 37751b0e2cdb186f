//! Sensitive actions need the password entered again once the
//! re-authentication window (default 15 minutes) has passed.

use std::time::Duration;

use api::{NewMemberRequest, Password, PasswordConfirmParams, RevokeScope};
use auth::{AuditKind, AuthError, Caller, Clock};

use auth::testing::TestAuth;

use crate::helpers::{
    PASSWORD, ada, add_member, by_token, caller, confirm_password, create_token, new_token,
    revoke_all_sessions, set_strict, sign_out_account, signed_up, test_auth, token_named,
};

fn confirm(password: &str) -> PasswordConfirmParams {
    PasswordConfirmParams {
        password: Some(Password::new(password.into())),
        ..Default::default()
    }
}

/// Each sensitive action, run once; which of them asked for the password.
async fn sensitive_actions_asking(t: &TestAuth, me: &Caller) -> Vec<&'static str> {
    let token = create_token(t, me, token_named("ci")).await;
    let policy = set_strict(t, me, false).await;
    let member = NewMemberRequest {
        name: "Bob".into(),
        email: format!("bob{}@example.com", t.clock.now().as_millis()),
        password: Password::new("a long first password".into()),
    };
    let member = add_member(t, me, member).await;
    let sign_out = sign_out_account(t, me, RevokeScope::Others).await;
    let asked = |result: Result<(), AuthError>| matches!(result, Err(AuthError::ReauthRequired));
    [
        ("create_token", asked(token.map(drop))),
        ("set_policy", asked(policy.map(drop))),
        ("add_member", asked(member.map(drop))),
        ("revoke_account_sessions", asked(sign_out.map(drop))),
    ]
    .into_iter()
    .filter_map(|(name, asked)| asked.then_some(name))
    .collect()
}

#[tokio::test]
async fn after_the_window_sensitive_actions_ask_for_the_password_until_it_is_confirmed() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &session.token).await;
    assert!(
        sensitive_actions_asking(&t, &me).await.is_empty(),
        "just signed in"
    );

    t.clock.advance(Duration::from_mins(16));
    let me = caller(&t, &session.token).await;
    assert_eq!(
        sensitive_actions_asking(&t, &me).await,
        [
            "create_token",
            "set_policy",
            "add_member",
            "revoke_account_sessions"
        ]
    );
    let wrong = confirm_password(&t, &me, confirm("not my password")).await;
    assert!(wrong.is_err(), "{wrong:?}");
    assert_eq!(sensitive_actions_asking(&t, &me).await.len(), 4);

    let confirmed = confirm_password(&t, &me, confirm(PASSWORD)).await.unwrap();

    assert_eq!(
        confirmed.until,
        t.clock.now().plus_millis(15 * 60 * 1000),
        "good for another window"
    );
    assert!(sensitive_actions_asking(&t, &me).await.is_empty());
}

#[tokio::test]
async fn ending_your_own_sessions_never_asks_for_the_password() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(30));
    let me = caller(&t, &session.token).await;

    let ended = revoke_all_sessions(&t, &me, true).await;

    assert!(ended.is_ok(), "{ended:?}");
}

#[tokio::test]
async fn an_api_token_is_not_asked_for_a_password() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let created = new_token(&t, &me, "ci").await;
    t.clock.advance(Duration::from_mins(30));
    let by_token = by_token(&t, &created).await;

    let policy = set_strict(&t, &by_token, false).await;

    assert!(policy.is_ok(), "{policy:?}");
}

#[tokio::test]
async fn confirmations_are_audited_and_a_wrong_one_names_the_field() {
    let t = test_auth().await;
    let mut events = t.auth.subscribe_audit();
    let me = ada(&t).await;

    let wrong = confirm_password(&t, &me, confirm("not my password"))
        .await
        .unwrap_err();
    confirm_password(&t, &me, confirm(PASSWORD)).await.unwrap();

    let api_error = api::ApiError::from(wrong);
    assert_eq!(api_error.field.as_deref(), Some("password"));
    let mut kinds = Vec::new();
    while let Ok(event) = events.try_recv() {
        kinds.push(event.kind);
    }
    assert_eq!(
        kinds,
        [
            AuditKind::SignedUp,
            AuditKind::EmailVerified,
            AuditKind::PasswordConfirmFailed,
            AuditKind::PasswordConfirmed
        ]
    );
}
