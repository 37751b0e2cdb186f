use std::time::Duration;

use api::NoticeKind;
use api::RevokeReason;
use auth::{Access, AuditKind, AuthError};

use crate::helpers::{caller, logged_in, resolve, shown_notices, signed_up, test_auth};

#[tokio::test]
async fn a_token_rotates_on_an_interactive_request_after_the_interval() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;

    t.clock.advance(Duration::from_mins(9));
    let early = resolve(&t, &session.token, Access::Interactive)
        .await
        .unwrap();
    t.clock.advance(Duration::from_mins(1));
    let api = resolve(&t, &session.token, Access::Api).await.unwrap();
    let page = resolve(&t, &session.token, Access::Interactive)
        .await
        .unwrap();

    assert!(early.rotated.is_none(), "rotated before the interval");
    assert!(api.rotated.is_none(), "an API call must not rotate");
    let new_token = page
        .rotated
        .expect("a page load after the interval rotates");
    assert_ne!(new_token.expose(), session.token.expose());
    let resolved = resolve(&t, &new_token, Access::Interactive).await.unwrap();
    assert_eq!(
        resolved.caller.session_id(),
        Some(&session.signed_in.session_id)
    );
    assert!(resolved.rotated.is_none());
}

#[tokio::test]
async fn the_old_token_keeps_working_during_the_grace_period() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(10));
    let new_token = resolve(&t, &session.token, Access::Interactive)
        .await
        .unwrap()
        .rotated
        .unwrap();

    t.clock.advance(Duration::from_secs(59));
    let parallel = resolve(&t, &session.token, Access::Interactive)
        .await
        .unwrap();

    assert_eq!(
        parallel.caller.session_id(),
        Some(&session.signed_in.session_id)
    );
    assert!(
        parallel.rotated.is_none(),
        "a token in its grace period does not rotate again"
    );
    assert!(resolve(&t, &new_token, Access::Api).await.is_ok());
}

#[tokio::test]
async fn a_reused_token_after_the_grace_ends_the_session_and_leaves_a_notice() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(10));
    let new_token = resolve(&t, &session.token, Access::Interactive)
        .await
        .unwrap()
        .rotated
        .unwrap();
    t.clock.advance(Duration::from_mins(1));

    let reuse = resolve(&t, &session.token, Access::Interactive).await;

    assert!(matches!(reuse, Err(AuthError::SessionTaken)), "{reuse:?}");
    let holder = resolve(&t, &new_token, Access::Interactive).await;
    assert!(
        matches!(holder, Err(AuthError::SessionTaken)),
        "the new token is signed out too: {holder:?}"
    );
    let stored: (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT revoked_at, revoke_reason FROM sessions WHERE session_id = $1")
            .bind(session.signed_in.session_id.as_str())
            .fetch_one(t.db.db.reader())
            .await
            .unwrap();
    assert!(stored.0.is_some());
    assert_eq!(stored.1.as_deref(), Some("token_reuse"));

    let next = logged_in(&t, "ada@example.com").await;
    let me = caller(&t, &next.token).await;
    let notices = shown_notices(&t, &me).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, NoticeKind::SessionTaken);
    assert!(shown_notices(&t, &me).await.is_empty(), "shown once");
}

#[tokio::test]
async fn the_connection_closer_runs_before_the_reuse_is_audited() {
    let t = test_auth().await;
    let mut audit = t.auth.subscribe_audit();
    let session = signed_up(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(10));
    resolve(&t, &session.token, Access::Interactive)
        .await
        .unwrap();
    t.clock.advance(Duration::from_mins(1));

    let _ = resolve(&t, &session.token, Access::Interactive).await;

    let calls = t.closer.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].session_id.as_ref(),
        Some(&session.signed_in.session_id)
    );
    assert_eq!(calls[0].reason, RevokeReason::TokenReuse);
    assert!(
        !calls[0].audited_before.contains(&AuditKind::TokenReuse),
        "the reuse was audited before the connections were closed"
    );
    let mut kinds = Vec::new();
    while let Ok(event) = audit.try_recv() {
        kinds.push(event.kind);
    }
    assert!(kinds.contains(&AuditKind::TokenReuse), "{kinds:?}");
}

#[tokio::test]
async fn a_reuse_reported_twice_ends_the_session_once() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(10));
    resolve(&t, &session.token, Access::Interactive)
        .await
        .unwrap();
    t.clock.advance(Duration::from_mins(1));

    let first = resolve(&t, &session.token, Access::Api).await;
    let second = resolve(&t, &session.token, Access::Api).await;

    assert!(matches!(first, Err(AuthError::SessionTaken)));
    assert!(matches!(second, Err(AuthError::SessionTaken)));
    assert_eq!(t.closer.calls().len(), 1);
    let notices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM security_notices")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(notices, 1);
}

#[tokio::test]
async fn every_retired_token_is_kept_until_the_sessions_absolute_end() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let mut token = session.token;
    for _ in 0..3 {
        t.clock.advance(Duration::from_mins(10));
        token = resolve(&t, &token, Access::Interactive)
            .await
            .unwrap()
            .rotated
            .unwrap();
    }

    let retired: Vec<i64> =
        sqlx::query_scalar("SELECT expires_at FROM retired_session_tokens WHERE session_id = $1")
            .bind(session.signed_in.session_id.as_str())
            .fetch_all(t.db.db.reader())
            .await
            .unwrap();

    assert_eq!(retired.len(), 3);
    let absolute_end = session.signed_in.absolute_ends_at.as_millis();
    assert!(retired.iter().all(|expires| *expires == absolute_end));
}
