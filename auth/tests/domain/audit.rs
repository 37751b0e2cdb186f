use std::time::Duration;

use auth::testing::TestAuth;
use auth::{Access, AuditKind, NewSession};

use crate::helpers::{
    audited_kinds, caller, login_request, meta, resolve, rotated_and_presented, set_strict,
    signed_up, test_auth,
};

/// Ada signs up; then a wrong password is tried for her and for an address
/// nobody has. Her session.
async fn ada_and_two_wrong_passwords(t: &TestAuth) -> NewSession {
    let owner = signed_up(t, "ada@example.com").await;
    for email in ["ada@example.com", "nobody@example.com"] {
        let refused = t
            .auth
            .login(login_request(email, "wrong password!"), meta())
            .await;
        assert!(refused.is_err(), "{email} signed in with a wrong password");
    }
    owner
}

#[tokio::test]
async fn sign_ins_failures_sign_outs_and_policy_changes_are_audited_with_their_origin() {
    let t = test_auth().await;
    let owner = ada_and_two_wrong_passwords(&t).await;
    let me = caller(&t, &owner.token).await;
    set_strict(&t, &me, false).await.unwrap();
    t.auth.logout(&me, &meta()).await.unwrap();

    let kinds = audited_kinds(&t).await;

    for expected in [
        "signed_up",
        "sign_in_failed",
        "policy_changed",
        "signed_out",
    ] {
        assert!(
            kinds.iter().any(|k| k == expected),
            "{expected} missing from {kinds:?}"
        );
    }
    assert_eq!(kinds.iter().filter(|k| *k == "sign_in_failed").count(), 2);
    let origin: (Option<String>, Option<String>) =
        sqlx::query_as("SELECT ip, user_agent FROM audit_events WHERE event = 'signed_out'")
            .fetch_one(t.db.db.reader())
            .await
            .unwrap();
    assert_eq!(origin.0.as_deref(), Some("127.0.0.1"));
    assert!(origin.1.unwrap().contains("Firefox"));
}

#[tokio::test]
async fn a_wrong_password_for_a_known_user_goes_into_their_accounts_log() {
    let t = test_auth().await;
    let owner = ada_and_two_wrong_passwords(&t).await;

    let failed: Vec<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT account_id, actor_user_id, target FROM audit_events \
         WHERE event = 'sign_in_failed' ORDER BY target",
    )
    .fetch_all(t.db.db.reader())
    .await
    .unwrap();
    let me = caller(&t, &owner.token).await.me().clone();
    assert_eq!(
        failed,
        [
            (
                Some(me.account_id.as_str().to_owned()),
                None,
                Some(me.user_id.as_str().to_owned())
            ),
            (None, None, Some("nobody@example.com".to_owned())),
        ]
    );
}

#[tokio::test]
async fn a_failing_audit_write_never_stops_a_revoke() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    rotated_and_presented(&t, &session.token).await;
    t.clock.advance(Duration::from_mins(1));
    t.db.db
        .execute_write(sqlx::query("DROP TABLE audit_events"))
        .await
        .unwrap();

    let reuse = resolve(&t, &session.token, Access::Api).await;

    assert!(
        matches!(reuse, Err(auth::AuthError::SessionTaken)),
        "{reuse:?}"
    );
    assert_eq!(t.closer.calls().len(), 1, "the connections were closed");
    let revoked: Option<i64> =
        sqlx::query_scalar("SELECT revoked_at FROM sessions WHERE session_id = $1")
            .bind(session.signed_in.session_id.as_str())
            .fetch_one(t.db.db.reader())
            .await
            .unwrap();
    assert!(revoked.is_some());
}

#[tokio::test]
async fn listeners_hear_each_recorded_event() {
    let t = test_auth().await;
    let mut events = t.auth.subscribe_audit();

    signed_up(&t, "ada@example.com").await;

    let event = events.recv().await.unwrap();
    assert_eq!(event.kind, AuditKind::SignedUp);
    assert!(event.account_id.is_some());
}
