//! The owner's "require a second factor": refused to an owner without one,
//! members without one signed out when it is turned on and sent to set an
//! app up when they sign in (a challenge, no session, until a code from it),
//! and a factor that stays on while it is required.

use std::time::Duration;

use api::rpc::Method;
use api::{ErrorCode, Password, RevokeReason, SignInMethod, TotpTurnOffParams};
use auth::testing::TestAuth;
use auth::{ApiTokenSecret, AuthError, Caller, Challenge, Clock, SignInStep, Via};

use crate::helpers::{
    PASSWORD, ada, admitted, caller, code_at, live_sessions, login_request, meta, new_token,
    reset_member_second_factor, second_factor, test_auth, turn_off_totp, with_app,
};
use crate::members::{MEMBER_PASSWORD, member_signed_in};

/// Ada, the owner, with an authenticator app, and Max, a member without
/// one, signed in.
pub async fn owner_with_app_and_member(t: &TestAuth) -> (Caller, Caller) {
    let owner = ada(t).await;
    with_app(t, &owner).await;
    let member = member_signed_in(t, &owner, "max@example.com").await;
    let member = caller(t, &member.token).await;
    (owner, member)
}

pub async fn require(t: &TestAuth, owner: &Caller, required: bool) -> Result<u64, AuthError> {
    Ok(require_set(t, owner, required).await?.sessions_ended)
}

async fn require_set(
    t: &TestAuth,
    owner: &Caller,
    required: bool,
) -> Result<api::SecondFactorPolicySet, AuthError> {
    let admitted = t
        .auth
        .admit(owner, Method::SecondFactorPolicySet, Via::Api)
        .await?;
    let set = admitted
        .owner()?
        .set_second_factor_required(&admitted.fresh()?, required, &meta())
        .await?;
    assert_eq!(set.required, required);
    Ok(set)
}

/// Max's password, right, where an app is required: the challenge and the
/// app to set up.
async fn max_password_step(t: &TestAuth) -> (Challenge, api::TotpSetup) {
    let step = t
        .auth
        .login(login_request("max@example.com", MEMBER_PASSWORD), meta())
        .await
        .unwrap();
    let SignInStep::SetupRequired(challenge, setup) = step else {
        panic!("a member without an app was not sent to set one up: {step:?}");
    };
    (challenge, setup)
}

fn code(t: &TestAuth) -> impl Fn(&str) -> String {
    let now = t.clock.now();
    move |secret| code_at(secret, now)
}

#[tokio::test]
async fn an_owner_without_a_second_factor_cannot_require_one() {
    let t = test_auth().await;
    let owner = ada(&t).await;

    let refused = require(&t, &owner, true).await.unwrap_err();

    assert_eq!(api::ApiError::from(refused).code, ErrorCode::Conflict);
    let policy = t.auth.account_policy(&owner.me().account_id).await.unwrap();
    assert!(!policy.second_factor_required);
}

#[tokio::test]
async fn requiring_it_signs_out_only_those_without_one() {
    let t = test_auth().await;
    let (owner, member) = owner_with_app_and_member(&t).await;

    let ended = require(&t, &owner, true).await.unwrap();

    assert_eq!(ended, 1);
    assert_eq!(live_sessions(&t, "max@example.com").await, 0);
    assert_eq!(live_sessions(&t, "ada@example.com").await, 1);
    let calls = t.closer.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].reason, RevokeReason::SecondFactorRequired);
    assert_eq!(calls[0].session_id.as_ref(), member.session_id());
    let policy = t.auth.account_policy(&owner.me().account_id).await.unwrap();
    assert!(policy.second_factor_required);
    assert_eq!(
        require(&t, &owner, true).await.unwrap(),
        0,
        "once is enough"
    );
}

#[tokio::test]
async fn a_member_without_one_sets_an_app_up_before_any_session_opens() {
    let t = test_auth().await;
    let (owner, _) = owner_with_app_and_member(&t).await;
    require(&t, &owner, true).await.unwrap();

    let (challenge, setup) = max_password_step(&t).await;
    let shown_again = t.auth.setup_waiting(&challenge.token).await.unwrap();
    let wrong = t
        .auth
        .complete_setup_sign_in(&challenge.token, "000000", meta())
        .await;
    let session = t
        .auth
        .complete_setup_sign_in(&challenge.token, &code(&t)(&setup.secret), meta())
        .await
        .unwrap();

    assert_eq!(
        shown_again.secret, setup.secret,
        "the page shows the same app"
    );
    assert!(matches!(wrong, Err(AuthError::WrongCode)));
    assert_eq!(live_sessions(&t, "max@example.com").await, 1);
    let max = caller(&t, &session.token).await;
    let verified = admitted(&t, &max, Method::Verify).await.user().verify();
    assert_eq!(verified.signed_in_with, Some(SignInMethod::PasswordAndTotp));
    let status = second_factor(&t, &max).await;
    assert!(status.totp_since.is_some());
    assert_eq!(
        status.recovery_codes_left, 0,
        "made next, on the security page"
    );
    let renewing = admitted(&t, &max, Method::RecoveryCodesRenew).await;
    let codes = renewing
        .user()
        .renew_recovery_codes(&renewing.fresh().unwrap(), &meta())
        .await
        .unwrap();
    assert_eq!(codes.codes.len(), 10);
    let again = t
        .auth
        .complete_setup_sign_in(&challenge.token, &code(&t)(&setup.secret), meta())
        .await;
    assert!(matches!(again, Err(AuthError::SignInExpired)), "used once");
}

#[tokio::test]
async fn a_setup_challenge_is_no_code_challenge_and_ends_after_five_minutes() {
    let t = test_auth().await;
    let (owner, _) = owner_with_app_and_member(&t).await;
    require(&t, &owner, true).await.unwrap();
    let (challenge, setup) = max_password_step(&t).await;

    let as_code = t
        .auth
        .complete_sign_in(&challenge.token, &code(&t)(&setup.secret), meta())
        .await;
    t.clock.advance(Duration::from_mins(5));
    let late = t.auth.setup_waiting(&challenge.token).await;

    assert!(matches!(as_code, Err(AuthError::SignInExpired)));
    assert!(matches!(late, Err(AuthError::SignInExpired)));
    assert_eq!(live_sessions(&t, "max@example.com").await, 0);
}

#[tokio::test]
async fn while_it_is_required_nobody_turns_their_app_off() {
    let t = test_auth().await;
    let (owner, _) = owner_with_app_and_member(&t).await;
    require(&t, &owner, true).await.unwrap();
    t.clock.advance(Duration::from_secs(30));

    let params = TotpTurnOffParams {
        password: Password::new(PASSWORD.into()),
        code: "123456".into(),
    };
    let refused = turn_off_totp(&t, &owner, params).await.unwrap_err();

    assert_eq!(api::ApiError::from(refused).code, ErrorCode::Conflict);
    let status = second_factor(&t, &owner).await;
    assert!(status.totp_since.is_some());
}

#[tokio::test]
async fn an_owner_resetting_a_members_app_signs_them_out_while_it_is_required() {
    let t = test_auth().await;
    let (owner, _) = owner_with_app_and_member(&t).await;
    require(&t, &owner, true).await.unwrap();
    let (challenge, setup) = max_password_step(&t).await;
    let session = t
        .auth
        .complete_setup_sign_in(&challenge.token, &code(&t)(&setup.secret), meta())
        .await
        .unwrap();
    let max = caller(&t, &session.token).await;

    let reset = reset_member_second_factor(&t, &owner, &max.me().user_id)
        .await
        .unwrap();

    assert!(reset.turned_off);
    assert_eq!(live_sessions(&t, "max@example.com").await, 0);
    max_password_step(&t).await;
}

#[tokio::test]
async fn no_longer_required_the_password_alone_signs_in_again() {
    let t = test_auth().await;
    let (owner, _) = owner_with_app_and_member(&t).await;
    require(&t, &owner, true).await.unwrap();

    require(&t, &owner, false).await.unwrap();
    let step = t
        .auth
        .login(login_request("max@example.com", MEMBER_PASSWORD), meta())
        .await
        .unwrap();

    assert!(step.session().is_some());
}

#[tokio::test]
async fn a_sign_in_whose_password_was_checked_before_the_rule_was_turned_on_gets_no_session() {
    let t = test_auth().await;
    let (owner, _) = owner_with_app_and_member(&t).await;
    let checked = t
        .auth
        .check_password(login_request("max@example.com", MEMBER_PASSWORD), &meta())
        .await
        .unwrap();

    require(&t, &owner, true).await.unwrap();
    let step = t.auth.after_password(checked, meta()).await.unwrap();

    assert!(
        matches!(step, SignInStep::SetupRequired(..)),
        "a password-only session opened after the rule was on: {step:?}"
    );
    assert_eq!(live_sessions(&t, "max@example.com").await, 0);
}

#[tokio::test]
async fn requiring_it_ends_the_api_tokens_of_those_without_one() {
    let t = test_auth().await;
    let (owner, member) = owner_with_app_and_member(&t).await;
    let members_token = new_token(&t, &member, "script").await;
    let owners_token = new_token(&t, &owner, "deploy").await;
    let secret = |created: &api::CreatedToken| ApiTokenSecret::from_bearer(&created.token).unwrap();

    let set = require_set(&t, &owner, true).await.unwrap();

    assert_eq!(set.api_tokens_revoked, 1);
    assert!(matches!(
        t.auth.authenticate_api_token(&secret(&members_token)).await,
        Err(AuthError::Unauthenticated)
    ));
    assert!(
        t.auth
            .authenticate_api_token(&secret(&owners_token))
            .await
            .is_ok(),
        "the owner has a second factor: their token goes on"
    );
}
