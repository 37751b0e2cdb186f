//! The operator's `latchkey users reset-password`, the way back in after an
//! account was taken over: it ends everything that signed in as the user,
//! in one go, and the password it gives opens no session until the user
//! has chosen one of their own.

use api::{EmailAddress, ErrorCode, NoticeKind, Password, RevokeReason, SignInMethod};
use auth::testing::TestAuth;
use auth::{
    ApiTokenSecret, AuthError, ChallengeToken, Clock, NewSession, PasswordReset, SignInStep,
};

use crate::helpers::{
    PASSWORD, caller, code_at, live_sessions, logged_in, login_request, meta, new_token,
    shown_notices, signed_up, test_auth, with_app,
};
use crate::passkeys::with_passkey;

const ADA: &str = "ada@example.com";
const HER_OWN: &str = "a password of her very own";

async fn reset(t: &TestAuth, email: &str) -> PasswordReset {
    let email = EmailAddress::parse(email).unwrap();
    t.auth.as_operator().reset_password(&email).await.unwrap()
}

/// Signs in with the password the operator gave: the challenge of the step
/// that asks for a new one.
async fn asked_for_a_new_password(t: &TestAuth, email: &str, given: &Password) -> ChallengeToken {
    let step = t
        .auth
        .login(login_request(email, given.expose()), meta())
        .await
        .unwrap();
    let SignInStep::NewPasswordRequired(challenge) = step else {
        panic!("the operator's password was not followed by a new one: {step:?}");
    };
    challenge.token
}

async fn choose(
    t: &TestAuth,
    challenge: &ChallengeToken,
    new_password: &str,
) -> Result<SignInStep, AuthError> {
    t.auth
        .sign_in_with_new_password(challenge, Password::new(new_password.into()), meta())
        .await
}

/// Chooses `new_password`, which must open a session.
async fn chosen(t: &TestAuth, challenge: &ChallengeToken, new_password: &str) -> NewSession {
    match choose(t, challenge, new_password).await.unwrap() {
        SignInStep::Session(session) => session,
        step => panic!("a new password opened no session: {step:?}"),
    }
}

/// How many rows of the user's `table` there are.
async fn rows_of(t: &TestAuth, table: &str, user_id: &api::UserId) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE user_id = $1");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(user_id.as_str())
        .fetch_one(t.db.db.reader())
        .await
        .unwrap()
}

fn code_of(err: AuthError) -> (ErrorCode, Option<String>) {
    let refused = api::ApiError::from(err);
    (refused.code, refused.field)
}

#[tokio::test]
async fn the_operators_reset_ends_every_session_token_app_recovery_code_and_passkey() {
    // Arrange: Ada, signed in on two devices, with an API token, an
    // authenticator app (and its recovery codes) and a passkey.
    let t = test_auth().await;
    let laptop = signed_up(&t, ADA).await;
    let phone = logged_in(&t, ADA).await;
    let ada = caller(&t, &laptop.token).await;
    let token = new_token(&t, &ada, "deploy script").await;
    with_app(&t, &ada).await;
    with_passkey(&t, &ada).await;
    let user_id = ada.me().user_id.clone();

    // Act
    let reset = reset(&t, ADA).await;

    // Assert
    assert_eq!(live_sessions(&t, ADA).await, 0);
    for session in [&laptop, &phone] {
        let refused = crate::helpers::resolve(&t, &session.token, auth::Access::Api).await;
        assert!(refused.is_err(), "a session outlived the reset");
    }
    let secret = ApiTokenSecret::from_bearer(&token.token).unwrap();
    assert!(matches!(
        t.auth.authenticate_api_token(&secret).await,
        Err(AuthError::Unauthenticated)
    ));
    for table in ["totp_factors", "recovery_codes", "passkeys"] {
        assert_eq!(rows_of(&t, table, &user_id).await, 0, "{table} is left");
    }
    // Their live connections were closed, the token's too.
    let closed: Vec<_> = t
        .closer
        .calls()
        .into_iter()
        .filter_map(|call| call.session_id.map(|id| (id, call.reason)))
        .collect();
    for session in [&laptop, &phone] {
        let id = session.signed_in.session_id.clone();
        assert!(
            closed.contains(&(id, RevokeReason::PasswordChanged)),
            "{closed:?}"
        );
    }
    assert_eq!(t.closer.closed_tokens(), [token.id]);
    // And it says what it ended.
    assert_eq!(
        (
            reset.sessions_ended,
            reset.api_tokens_revoked,
            reset.app_removed,
            reset.recovery_codes_removed,
            reset.passkeys_removed,
        ),
        (2, 1, true, 10, 1)
    );
}

#[tokio::test]
async fn the_operators_reset_is_audited_once_with_what_it_ended() {
    let t = test_auth().await;
    let session = signed_up(&t, ADA).await;
    let ada = caller(&t, &session.token).await;
    new_token(&t, &ada, "deploy script").await;
    let mut audit = t.auth.subscribe_audit();

    reset(&t, ADA).await;

    let event = audit.recv().await.unwrap();
    assert_eq!(event.kind, auth::AuditKind::PasswordChanged);
    assert_eq!(event.actor, None, "the operator is no user");
    assert_eq!(event.detail["by"], "operator");
    assert_eq!(event.detail["sessions_ended"], 1);
    assert_eq!(event.detail["api_tokens_revoked"], 1);
    assert_eq!(event.detail["authenticator_app_removed"], false);
    assert_eq!(event.detail["passkeys_removed"], 0);
    assert!(audit.try_recv().is_err(), "one event");
}

#[tokio::test]
async fn the_user_is_told_what_the_reset_ended_once_they_sign_in_again() {
    let t = test_auth().await;
    let laptop = signed_up(&t, ADA).await;
    logged_in(&t, ADA).await;
    let ada = caller(&t, &laptop.token).await;
    new_token(&t, &ada, "deploy script").await;
    with_app(&t, &ada).await;
    with_passkey(&t, &ada).await;
    let reset = reset(&t, ADA).await;

    let challenge = asked_for_a_new_password(&t, ADA, &reset.password).await;
    let session = chosen(&t, &challenge, HER_OWN).await;

    let me = caller(&t, &session.token).await;
    let told: Vec<_> = shown_notices(&t, &me)
        .await
        .into_iter()
        .filter(|notice| notice.kind == NoticeKind::AccountRecovered)
        .map(|notice| notice.detail)
        .collect();
    assert_eq!(
        told,
        [Some(
            "2 sessions, 1 API token, your authenticator app and its 10 recovery codes, 1 passkey"
                .to_owned()
        )]
    );
}

#[tokio::test]
async fn signing_in_with_the_reset_password_opens_no_session_until_a_new_one_is_chosen() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, ADA).await;
    let reset = reset(&t, ADA).await;

    // Act
    let challenge = asked_for_a_new_password(&t, ADA, &reset.password).await;
    let sessions_while_asked = live_sessions(&t, ADA).await;
    let session = chosen(&t, &challenge, HER_OWN).await;

    // Assert
    assert_eq!(sessions_while_asked, 0, "the operator's password alone");
    assert_eq!(live_sessions(&t, ADA).await, 1);
    let me = caller(&t, &session.token).await;
    assert_eq!(me.me().email, ADA);
    let auth::Credential::Session { method, .. } = me.credential() else {
        panic!("not a session");
    };
    assert_eq!(*method, SignInMethod::Password);
}

#[tokio::test]
async fn after_the_new_password_the_old_and_the_reset_passwords_are_both_refused() {
    let t = test_auth().await;
    signed_up(&t, ADA).await;
    let reset = reset(&t, ADA).await;
    let challenge = asked_for_a_new_password(&t, ADA, &reset.password).await;
    chosen(&t, &challenge, HER_OWN).await;

    let old = t.auth.login(login_request(ADA, PASSWORD), meta()).await;
    let given = t
        .auth
        .login(login_request(ADA, reset.password.expose()), meta())
        .await;
    let own = t.auth.login(login_request(ADA, HER_OWN), meta()).await;

    assert!(matches!(old, Err(AuthError::InvalidCredentials)), "{old:?}");
    assert!(
        matches!(given, Err(AuthError::InvalidCredentials)),
        "{given:?}"
    );
    assert!(own.unwrap().session().is_some(), "her own signs her in");
}

#[tokio::test]
async fn a_wrong_challenge_or_a_too_short_new_password_changes_nothing() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, ADA).await;
    let reset = reset(&t, ADA).await;
    let challenge = asked_for_a_new_password(&t, ADA, &reset.password).await;
    let made_up = ChallengeToken::parse(&"A".repeat(43)).unwrap();

    // Act
    let wrong_challenge = choose(&t, &made_up, HER_OWN).await;
    let too_short = choose(&t, &challenge, "short").await;

    // Assert: refused, no session, and the operator's password is still
    // the one that signs in, to the same step.
    assert!(
        matches!(wrong_challenge, Err(AuthError::SignInExpired)),
        "{wrong_challenge:?}"
    );
    assert_eq!(
        code_of(too_short.unwrap_err()),
        (ErrorCode::InvalidParams, Some("new_password".to_owned()))
    );
    assert_eq!(live_sessions(&t, ADA).await, 0);
    let own = t.auth.login(login_request(ADA, HER_OWN), meta()).await;
    assert!(matches!(own, Err(AuthError::InvalidCredentials)), "{own:?}");
    asked_for_a_new_password(&t, ADA, &reset.password).await;
    // The refused try used up no more than one of the challenge's tries.
    chosen(&t, &challenge, HER_OWN).await;
}

#[tokio::test]
async fn the_operators_password_cannot_be_chosen_as_the_new_one() {
    let t = test_auth().await;
    signed_up(&t, ADA).await;
    let reset = reset(&t, ADA).await;
    let challenge = asked_for_a_new_password(&t, ADA, &reset.password).await;

    let again = choose(&t, &challenge, reset.password.expose()).await;

    assert_eq!(
        code_of(again.unwrap_err()),
        (ErrorCode::InvalidParams, Some("new_password".to_owned()))
    );
    assert_eq!(live_sessions(&t, ADA).await, 0);
}

#[tokio::test]
async fn too_many_refused_new_passwords_end_the_sign_in() {
    let t = test_auth().await;
    signed_up(&t, ADA).await;
    let reset = reset(&t, ADA).await;
    let challenge = asked_for_a_new_password(&t, ADA, &reset.password).await;

    for _ in 0..5 {
        assert!(choose(&t, &challenge, "short").await.is_err());
    }
    let then = choose(&t, &challenge, HER_OWN).await;

    assert!(matches!(then, Err(AuthError::SignInExpired)), "{then:?}");
    assert_eq!(live_sessions(&t, ADA).await, 0);
    asked_for_a_new_password(&t, ADA, &reset.password).await;
}

#[tokio::test]
async fn a_challenge_from_before_another_reset_changes_nothing() {
    // The operator reset Ada's password, then again (the first one leaked):
    // a sign-in that waited with the first one sets no password.
    let t = test_auth().await;
    signed_up(&t, ADA).await;
    let first = reset(&t, ADA).await;
    let stale = asked_for_a_new_password(&t, ADA, &first.password).await;
    let second = reset(&t, ADA).await;

    let chose = choose(&t, &stale, HER_OWN).await;

    assert!(matches!(chose, Err(AuthError::SignInExpired)), "{chose:?}");
    let own = t.auth.login(login_request(ADA, HER_OWN), meta()).await;
    assert!(matches!(own, Err(AuthError::InvalidCredentials)), "{own:?}");
    asked_for_a_new_password(&t, ADA, &second.password).await;
}

#[tokio::test]
async fn each_try_at_a_new_password_counts_toward_the_sign_in_limits() {
    // Three attempts a minute from one address: signing up, the operator's
    // password and a refused new one use them up; her own is refused too.
    let t = TestAuth::new(auth::SessionSettings {
        attempts_per_ip_minute: std::num::NonZeroU32::new(3).unwrap(),
        ..auth::SessionSettings::default()
    })
    .await;
    signed_up(&t, ADA).await;
    let reset = reset(&t, ADA).await;
    let challenge = asked_for_a_new_password(&t, ADA, &reset.password).await;
    assert!(choose(&t, &challenge, "short").await.is_err());

    let limited = choose(&t, &challenge, HER_OWN).await;

    assert_eq!(code_of(limited.unwrap_err()).0, ErrorCode::RateLimited);
    assert_eq!(live_sessions(&t, ADA).await, 0);
}

#[tokio::test]
async fn where_the_account_requires_a_second_factor_the_new_password_leads_to_setting_up_an_app() {
    // Arrange: Max's account requires a second factor; the operator reset
    // his password, which removed his app.
    let t = test_auth().await;
    let (owner, max) = crate::required_second_factor::owner_with_app_and_member(&t).await;
    with_app(&t, &max).await;
    crate::required_second_factor::require(&t, &owner, true)
        .await
        .unwrap();
    let email = max.me().email.clone();
    let reset = reset(&t, &email).await;
    let challenge = asked_for_a_new_password(&t, &email, &reset.password).await;

    // Act
    let step = choose(&t, &challenge, "his very own password")
        .await
        .unwrap();

    // Assert: no session yet, an app to set up; its code signs him in.
    let SignInStep::SetupRequired(next, setup) = step else {
        panic!("no app to set up: {step:?}");
    };
    assert_eq!(live_sessions(&t, &email).await, 0);
    let code = code_at(&setup.secret, t.clock.now());
    let session = t
        .auth
        .complete_setup_sign_in(&next.token, &code, meta())
        .await
        .unwrap();
    let me = caller(&t, &session.token).await;
    assert_eq!(me.me().email, email);
}
