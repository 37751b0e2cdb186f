//! The operator's `latchkey users reset-password`, the way back in after an
//! account was taken over: it ends everything that signed in as the user,
//! in one go.

use api::{EmailAddress, NoticeKind, RevokeReason};
use auth::testing::TestAuth;
use auth::{ApiTokenSecret, AuthError, PasswordReset};

use crate::helpers::{
    caller, live_sessions, logged_in, login_request, meta, new_token, shown_notices, signed_up,
    test_auth, with_app,
};
use crate::passkeys::with_passkey;

const ADA: &str = "ada@example.com";

async fn reset(t: &TestAuth, email: &str) -> PasswordReset {
    let email = EmailAddress::parse(email).unwrap();
    t.auth.as_operator().reset_password(&email).await.unwrap()
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

    let session = t
        .auth
        .login(login_request(ADA, reset.password.expose()), meta())
        .await
        .unwrap()
        .session()
        .unwrap();

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
