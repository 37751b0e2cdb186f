//! An authenticator app as the second factor: set up with a code from it,
//! recovery codes handed out once, codes that count once and within one
//! step of drift, and turning it off with the password and a code.

use std::time::Duration;

use api::rpc::Method;
use api::{ApiError, ErrorCode, NoticeKind, Password, TotpConfirmParams, TotpTurnOffParams};
use auth::testing::TestAuth;
use auth::{AuditKind, AuthError, Caller, Clock};

use crate::helpers::{
    PASSWORD, audited_kinds, by_token, caller, code_at, confirm_password, confirm_totp_setup,
    create_token, logged_in, login_request, meta, new_token, refused, reset_member_second_factor,
    second_factor, shown_notices, signed_up, start_totp_setup, test_auth, token_named,
    turn_off_totp, with_app,
};
use crate::members::member_signed_in;

fn code(raw: &str) -> TotpConfirmParams {
    TotpConfirmParams { code: raw.into() }
}

fn turn_off(password: &str, code: &str) -> TotpTurnOffParams {
    TotpTurnOffParams {
        password: Password::new(password.into()),
        code: code.into(),
    }
}

/// A user who has just signed up; their caller.
async fn someone(t: &TestAuth, email: &str) -> Caller {
    let session = signed_up(t, email).await;
    caller(t, &session.token).await
}

fn field_of(err: AuthError) -> Option<String> {
    ApiError::from(err).field
}

#[tokio::test]
async fn an_app_is_set_up_with_a_code_from_it_and_hands_out_ten_recovery_codes() {
    // Arrange
    let t = test_auth().await;
    let me = someone(&t, "ada@example.com").await;

    // Act
    let setup = start_totp_setup(&t, &me).await.unwrap();
    let before = second_factor(&t, &me).await;
    let codes = confirm_totp_setup(&t, &me, code(&code_at(&setup.secret, t.clock.now())))
        .await
        .unwrap();

    // Assert
    assert!(
        setup
            .uri
            .starts_with("otpauth://totp/Latchkey:ada%40example.com?")
    );
    assert!(setup.uri.contains(&setup.secret));
    assert_eq!(before.totp_since, None);
    assert_eq!(codes.codes.len(), 10);
    let after = second_factor(&t, &me).await;
    assert_eq!(after.totp_since, Some(t.clock.now()));
    assert_eq!(after.recovery_codes_left, 10);
    let logged = audited_kinds(&t).await;
    assert!(logged.contains(&AuditKind::TotpAdded.as_str().to_owned()));
}

#[tokio::test]
async fn a_wrong_code_does_not_set_the_app_up() {
    let t = test_auth().await;
    let me = someone(&t, "ada@example.com").await;
    let setup = start_totp_setup(&t, &me).await.unwrap();
    let right = code_at(&setup.secret, t.clock.now());
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);

    let err = confirm_totp_setup(&t, &me, code(&wrong)).await.unwrap_err();

    assert_eq!(field_of(err).as_deref(), Some("code"));
    assert_eq!(second_factor(&t, &me).await.totp_since, None);
}

#[tokio::test]
async fn a_phone_one_step_off_is_taken_and_two_steps_off_is_not() {
    let t = test_auth().await;
    let ahead = someone(&t, "ahead@example.com").await;
    let far = someone(&t, "far@example.com").await;
    let one_step = t.clock.now().plus(Duration::from_secs(30));
    let two_steps = t.clock.now().plus(Duration::from_mins(1));

    let near_setup = start_totp_setup(&t, &ahead).await.unwrap();
    let far_setup = start_totp_setup(&t, &far).await.unwrap();
    let near = confirm_totp_setup(&t, &ahead, code(&code_at(&near_setup.secret, one_step))).await;
    let too_far = confirm_totp_setup(&t, &far, code(&code_at(&far_setup.secret, two_steps))).await;

    assert!(near.is_ok());
    assert_eq!(field_of(too_far.unwrap_err()).as_deref(), Some("code"));
}

#[tokio::test]
async fn a_code_counts_once_and_an_older_one_never_again() {
    // Arrange: the app was confirmed with the code of this step.
    let t = test_auth().await;
    let me = someone(&t, "ada@example.com").await;
    let (secret, _) = with_app(&t, &me).await;
    let taken = code_at(&secret, t.clock.now());
    let earlier = code_at(&secret, t.clock.now().plus_millis(-30_000));

    // Act
    let replayed = turn_off_totp(&t, &me, turn_off(PASSWORD, &taken)).await;
    let older = turn_off_totp(&t, &me, turn_off(PASSWORD, &earlier)).await;
    t.clock.advance(Duration::from_secs(30));
    let next = code_at(&secret, t.clock.now());
    let fresh = turn_off_totp(&t, &me, turn_off(PASSWORD, &next)).await;

    // Assert
    assert_eq!(field_of(replayed.unwrap_err()).as_deref(), Some("code"));
    assert_eq!(field_of(older.unwrap_err()).as_deref(), Some("code"));
    fresh.unwrap();
    let status = second_factor(&t, &me).await;
    assert_eq!((status.totp_since, status.recovery_codes_left), (None, 0));
}

#[tokio::test]
async fn turning_the_app_off_needs_the_password_and_takes_a_recovery_code() {
    let t = test_auth().await;
    let me = someone(&t, "ada@example.com").await;
    let setup = start_totp_setup(&t, &me).await.unwrap();
    let codes = confirm_totp_setup(&t, &me, code(&code_at(&setup.secret, t.clock.now())))
        .await
        .unwrap();
    let recovery = codes.codes[3].to_lowercase();

    let wrong_password = turn_off_totp(&t, &me, turn_off("not the password", &recovery)).await;
    let left = second_factor(&t, &me).await.recovery_codes_left;
    turn_off_totp(&t, &me, turn_off(PASSWORD, &recovery))
        .await
        .unwrap();

    assert_eq!(
        field_of(wrong_password.unwrap_err()).as_deref(),
        Some("password")
    );
    assert_eq!(left, 10, "a refused attempt uses no code");
    assert_eq!(second_factor(&t, &me).await.totp_since, None);
    let logged = audited_kinds(&t).await;
    assert!(logged.contains(&AuditKind::TotpRemoved.as_str().to_owned()));
}

#[tokio::test]
async fn setting_up_again_replaces_an_unconfirmed_secret_and_never_a_confirmed_one() {
    let t = test_auth().await;
    let me = someone(&t, "ada@example.com").await;

    let first = start_totp_setup(&t, &me).await.unwrap();
    let second = start_totp_setup(&t, &me).await.unwrap();
    let with_first =
        confirm_totp_setup(&t, &me, code(&code_at(&first.secret, t.clock.now()))).await;
    confirm_totp_setup(&t, &me, code(&code_at(&second.secret, t.clock.now())))
        .await
        .unwrap();
    let again = start_totp_setup(&t, &me).await;

    assert_ne!(first.secret, second.secret);
    assert!(
        with_first.is_err(),
        "the replaced secret counts for nothing"
    );
    let AuthError::Rejected(conflict) = again.unwrap_err() else {
        panic!("a second app is refused with a message");
    };
    assert_eq!(conflict.code, ErrorCode::Conflict);
}

#[tokio::test]
async fn setting_up_needs_a_browser_session_with_the_password_entered_recently() {
    let t = test_auth().await;
    let me = someone(&t, "ada@example.com").await;
    let setup = start_totp_setup(&t, &me).await.unwrap();
    let token = new_token(&t, &me, "ci").await;
    let script = by_token(&t, &token).await;

    let by_token = refused(&t, &script, Method::TotpSetupStart).await;
    let by_token_confirm = refused(&t, &script, Method::TotpSetupConfirm).await;
    t.clock.advance(Duration::from_mins(16));
    let stale = refused(&t, &me, Method::TotpSetupStart).await;
    let now = code(&code_at(&setup.secret, t.clock.now()));
    let stale_confirm = confirm_totp_setup(&t, &me, now).await;

    assert!(
        matches!(by_token, AuthError::SessionRequired),
        "{by_token:?}"
    );
    assert!(
        matches!(by_token_confirm, AuthError::SessionRequired),
        "{by_token_confirm:?}"
    );
    assert!(matches!(stale, AuthError::ReauthRequired), "{stale:?}");
    assert!(
        matches!(stale_confirm, Err(AuthError::ReauthRequired)),
        "{stale_confirm:?}"
    );
    assert_eq!(second_factor(&t, &me).await.totp_since, None);
}

#[tokio::test]
async fn a_code_from_the_app_confirms_it_is_you_once() {
    // Arrange: the password was entered longer ago than the window.
    let t = test_auth().await;
    let me = someone(&t, "ada@example.com").await;
    let (secret, _) = with_app(&t, &me).await;
    t.clock.advance(Duration::from_mins(16));
    let stale = create_token(&t, &me, token_named("ci")).await;
    let code = code_at(&secret, t.clock.now());
    let by_code = |code: &str| api::PasswordConfirmParams {
        code: Some(code.to_owned()),
        ..Default::default()
    };

    // Act
    let confirmed = confirm_password(&t, &me, by_code(&code)).await;
    let created = create_token(&t, &me, token_named("ci")).await;
    let again = confirm_password(&t, &me, by_code(&code)).await;
    let neither = confirm_password(&t, &me, api::PasswordConfirmParams::default()).await;

    // Assert
    assert!(matches!(stale, Err(AuthError::ReauthRequired)));
    confirmed.unwrap();
    created.unwrap();
    assert!(
        matches!(again, Err(AuthError::WrongCode)),
        "a code counts once"
    );
    assert_eq!(field_of(neither.unwrap_err()), None);
}

#[tokio::test]
async fn turning_an_app_on_or_off_is_told_to_the_users_other_sessions() {
    let t = test_auth().await;
    let here = someone(&t, "ada@example.com").await;
    let phone = caller(&t, &logged_in(&t, "ada@example.com").await.token).await;

    let (_, codes) = with_app(&t, &here).await;
    let told_on = shown_notices(&t, &phone).await;
    turn_off_totp(&t, &here, turn_off(PASSWORD, &codes.codes[0]))
        .await
        .unwrap();
    let told_off = shown_notices(&t, &phone).await;

    let details = |told: &[api::SecurityNotice]| -> Vec<(NoticeKind, Option<String>)> {
        told.iter().map(|n| (n.kind, n.detail.clone())).collect()
    };
    let changed = NoticeKind::SecondFactorChanged;
    assert_eq!(details(&told_on), [(changed, Some("turned on".into()))]);
    assert_eq!(details(&told_off), [(changed, Some("turned off".into()))]);
    assert!(
        shown_notices(&t, &here).await.is_empty(),
        "not to the session that did it"
    );
}

#[tokio::test]
async fn an_owner_turns_off_the_app_a_member_lost_and_the_member_is_told() {
    // Arrange: Bob, a member, has an app.
    let t = test_auth().await;
    let owner = someone(&t, "ada@example.com").await;
    let bob_session = member_signed_in(&t, &owner, "bob@example.com").await;
    let bob = caller(&t, &bob_session.token).await;
    with_app(&t, &bob).await;

    // Act
    let first = reset_member_second_factor(&t, &owner, &bob.me().user_id)
        .await
        .unwrap();
    let again = reset_member_second_factor(&t, &owner, &bob.me().user_id)
        .await
        .unwrap();
    let own = reset_member_second_factor(&t, &owner, &owner.me().user_id).await;
    let by_member = refused(&t, &bob, Method::MemberSecondFactorReset).await;

    // Assert
    assert!(first.turned_off);
    assert!(!again.turned_off, "nothing left to turn off");
    assert_eq!(field_of(own.unwrap_err()), None);
    assert!(matches!(by_member, AuthError::Forbidden), "{by_member:?}");
    let status = second_factor(&t, &bob).await;
    assert_eq!(status.totp_since, None);
    let told: Vec<_> = shown_notices(&t, &bob)
        .await
        .into_iter()
        .map(|notice| notice.detail)
        .collect();
    assert_eq!(told, [Some("turned off by Ada Lovelace".to_owned())]);
    let step = t
        .auth
        .login(
            login_request("bob@example.com", crate::members::MEMBER_PASSWORD),
            meta(),
        )
        .await
        .unwrap();
    assert!(
        step.session().is_some(),
        "the password alone signs Bob in again"
    );
}
