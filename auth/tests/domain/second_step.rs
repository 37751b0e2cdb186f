//! Signing in with a second factor: the password gives a short-lived,
//! single-use challenge that is no session; a code from the app or a
//! recovery code turns it into one, which remembers how it was opened.

use std::time::Duration;

use api::rpc::Method;
use api::{ErrorCode, NoticeKind, PasswordChange, SignInMethod};
use auth::testing::TestAuth;
use auth::{AuthError, Caller, Clock, SessionSettings, SessionToken};

use crate::helpers::{
    PASSWORD, ada, admitted, caller, change_password, code_at, list_sessions, live_sessions,
    login_request, meta, password_step, second_factor, shown_notices, test_auth, with_app,
};

/// Ada, signed up, with an authenticator app; her caller and its secret.
async fn ada_with_app(t: &TestAuth) -> (Caller, String, Vec<String>) {
    let me = ada(t).await;
    let (secret, codes) = with_app(t, &me).await;
    (me, secret, codes.codes)
}

/// The app's code a step later than the one setting it up took.
fn next_code(t: &TestAuth, secret: &str) -> String {
    t.clock.advance(Duration::from_secs(30));
    code_at(secret, t.clock.now())
}

async fn signed_in_with(t: &TestAuth, token: &SessionToken) -> String {
    sqlx::query_scalar("SELECT signed_in_with FROM sessions WHERE token_hash = $1")
        .bind(token.hash().as_str())
        .fetch_one(t.db.db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn with_an_app_the_right_password_gives_a_challenge_and_no_session() {
    let t = test_auth().await;
    ada_with_app(&t).await;

    let challenge = password_step(&t).await;

    assert_eq!(
        live_sessions(&t, "ada@example.com").await,
        1,
        "only sign-up's"
    );
    assert_eq!(
        challenge.expires_at,
        t.clock.now().plus(Duration::from_mins(5))
    );
    let as_cookie = SessionToken::parse(challenge.token.expose()).unwrap();
    let used = t
        .auth
        .authenticate(&as_cookie, auth::Access::Api, &meta())
        .await;
    assert!(used.is_err(), "a challenge opens nothing");
}

#[tokio::test]
async fn a_wrong_password_looks_the_same_with_an_app_or_without() {
    let t = test_auth().await;
    ada_with_app(&t).await;

    let wrong = t
        .auth
        .login(login_request("ada@example.com", "not the password"), meta())
        .await;
    let unknown = t
        .auth
        .login(
            login_request("nobody@example.com", "not the password"),
            meta(),
        )
        .await;

    assert!(matches!(wrong, Err(AuthError::InvalidCredentials)));
    assert!(matches!(unknown, Err(AuthError::InvalidCredentials)));
}

#[tokio::test]
async fn the_code_opens_a_session_signed_in_with_password_and_app() {
    let t = test_auth().await;
    let (_, secret, _) = ada_with_app(&t).await;
    let challenge = password_step(&t).await;

    let session = t
        .auth
        .complete_sign_in(&challenge.token, &next_code(&t, &secret), meta())
        .await
        .unwrap();

    let me = caller(&t, &session.token).await;
    assert_eq!(
        signed_in_with(&t, &session.token).await,
        SignInMethod::PasswordAndTotp.as_str()
    );
    assert_eq!(live_sessions(&t, "ada@example.com").await, 2);
    assert_eq!(
        admitted(&t, &me, Method::Verify)
            .await
            .user()
            .verify()
            .signed_in_with,
        Some(SignInMethod::PasswordAndTotp)
    );
    let listed = list_sessions(&t, &me).await;
    let methods: Vec<_> = listed.iter().map(|s| s.signed_in_with).collect();
    assert_eq!(
        methods,
        [SignInMethod::PasswordAndTotp, SignInMethod::Password],
        "newest first; sign-up's was the password's"
    );
}

#[tokio::test]
async fn a_challenge_counts_once() {
    let t = test_auth().await;
    let (_, secret, _) = ada_with_app(&t).await;
    let challenge = password_step(&t).await;
    t.auth
        .complete_sign_in(&challenge.token, &next_code(&t, &secret), meta())
        .await
        .unwrap();

    let again = t
        .auth
        .complete_sign_in(&challenge.token, &next_code(&t, &secret), meta())
        .await;

    assert!(matches!(again, Err(AuthError::SignInExpired)), "{again:?}");
}

#[tokio::test]
async fn a_challenge_ends_after_five_minutes() {
    let t = test_auth().await;
    let (_, secret, _) = ada_with_app(&t).await;
    let challenge = password_step(&t).await;

    t.clock.advance(Duration::from_mins(5));
    let late = t
        .auth
        .complete_sign_in(&challenge.token, &code_at(&secret, t.clock.now()), meta())
        .await;

    assert!(matches!(late, Err(AuthError::SignInExpired)), "{late:?}");
    let removed = t.auth.clean_up().await.unwrap();
    assert_eq!(removed.challenges, 1);
}

#[tokio::test]
async fn five_wrong_codes_end_the_challenge() {
    let t = test_auth().await;
    let (_, secret, _) = ada_with_app(&t).await;
    let challenge = password_step(&t).await;
    let right = next_code(&t, &secret);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);

    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(
            t.auth
                .complete_sign_in(&challenge.token, &wrong, meta())
                .await,
        );
    }
    let then_right = t
        .auth
        .complete_sign_in(&challenge.token, &right, meta())
        .await;

    assert!(
        answers
            .iter()
            .all(|a| matches!(a, Err(AuthError::WrongCode)))
    );
    assert!(matches!(then_right, Err(AuthError::SignInExpired)));
}

#[tokio::test]
async fn the_code_that_set_the_app_up_does_not_sign_in() {
    let t = test_auth().await;
    let (_, secret, _) = ada_with_app(&t).await;
    let challenge = password_step(&t).await;

    let replayed = t
        .auth
        .complete_sign_in(&challenge.token, &code_at(&secret, t.clock.now()), meta())
        .await;

    assert!(
        matches!(replayed, Err(AuthError::WrongCode)),
        "{replayed:?}"
    );
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_its_holder_told_and_a_wrong_one_is_not() {
    let t = test_auth().await;
    let (me, secret, _) = ada_with_app(&t).await;
    let first = password_step(&t).await;
    let code = next_code(&t, &secret);
    t.auth
        .complete_sign_in(&first.token, &code, meta())
        .await
        .unwrap();
    shown_notices(&t, &me).await;

    let second = password_step(&t).await;
    let wrong = t
        .auth
        .complete_sign_in(&second.token, "000000", meta())
        .await;
    let told_after_wrong = shown_notices(&t, &me).await;
    let replayed = t.auth.complete_sign_in(&second.token, &code, meta()).await;
    let told_after_replay = shown_notices(&t, &me).await;

    assert!(matches!(wrong, Err(AuthError::WrongCode)));
    assert!(told_after_wrong.is_empty(), "a wrong code is no replay");
    assert!(
        matches!(replayed, Err(AuthError::WrongCode)),
        "{replayed:?}"
    );
    let kinds: Vec<_> = told_after_replay.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [NoticeKind::CodeReused]);
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let t = test_auth().await;
    let (me, _, codes) = ada_with_app(&t).await;

    let first = password_step(&t).await;
    let session = t
        .auth
        .complete_sign_in(&first.token, &codes[0], meta())
        .await
        .unwrap();
    let second = password_step(&t).await;
    let reused = t
        .auth
        .complete_sign_in(&second.token, &codes[0], meta())
        .await;

    assert_eq!(
        signed_in_with(&t, &session.token).await,
        SignInMethod::PasswordAndRecoveryCode.as_str()
    );
    assert!(matches!(reused, Err(AuthError::WrongCode)));
    let left = second_factor(&t, &me).await;
    assert_eq!(left.recovery_codes_left, 9);
}

#[tokio::test]
async fn a_password_change_ends_the_sign_ins_waiting_for_a_code() {
    let t = test_auth().await;
    let (me, secret, _) = ada_with_app(&t).await;
    let challenge = password_step(&t).await;
    let change = PasswordChange {
        current_password: api::Password::new(PASSWORD.into()),
        new_password: api::Password::new("a brand new passphrase".into()),
        revoke_api_tokens: false,
    };
    change_password(&t, &me, change).await.unwrap();

    let after = t
        .auth
        .complete_sign_in(&challenge.token, &next_code(&t, &secret), meta())
        .await;

    assert!(matches!(after, Err(AuthError::SignInExpired)), "{after:?}");
    assert_eq!(live_sessions(&t, "ada@example.com").await, 1);
}

#[tokio::test]
async fn wrong_codes_count_toward_the_sign_in_limits() {
    // One email gets five attempts at once by default: setting the app up
    // and the password take two, three wrong codes the rest, and the right
    // code is then refused too, naming the wait.
    let t = TestAuth::new(SessionSettings::default()).await;
    let (_, secret, _) = ada_with_app(&t).await;
    let challenge = password_step(&t).await;
    let right = next_code(&t, &secret);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    for attempt in 0..3 {
        let answer = t
            .auth
            .complete_sign_in(&challenge.token, &wrong, meta())
            .await;
        assert!(
            matches!(answer, Err(AuthError::WrongCode)),
            "{attempt}: {answer:?}"
        );
    }

    let refused = t
        .auth
        .complete_sign_in(&challenge.token, &right, meta())
        .await;

    let Err(AuthError::Rejected(refused)) = refused else {
        panic!("the limit let a code through: {refused:?}");
    };
    assert_eq!(refused.code, ErrorCode::RateLimited);
    assert!(refused.retry_after_seconds.is_some_and(|s| s >= 1));
}

#[tokio::test]
async fn two_sign_ins_racing_with_one_code_open_one_session() {
    // Two browsers past the password at once, both sending the same code:
    // the code is taken in the transaction that opens the session.
    let t = test_auth().await;
    let (_, secret, _) = ada_with_app(&t).await;
    let first = password_step(&t).await;
    let second = password_step(&t).await;
    let code = next_code(&t, &secret);

    let (a, b) = tokio::join!(
        t.auth.complete_sign_in(&first.token, &code, meta()),
        t.auth.complete_sign_in(&second.token, &code, meta()),
    );

    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    assert_eq!(
        live_sessions(&t, "ada@example.com").await,
        2,
        "sign-up's and one"
    );
}
