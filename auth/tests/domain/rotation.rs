use std::time::Duration;

use api::NoticeKind;
use api::RevokeReason;
use auth::{Access, AuditKind, AuthError, Clock as _, ConnectionStanding};

use crate::helpers::{
    caller, logged_in, resolve, rotated, rotated_and_presented, shown_notices, signed_up, test_auth,
};

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
    let new_token = rotated_and_presented(&t, &session.token).await;
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
    rotated_and_presented(&t, &session.token).await;
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
    rotated_and_presented(&t, &session.token).await;
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
        token = rotated(&t, &token).await;
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

/// A rotation whose response never reached the browser (an aborted page
/// load, a dropped connection, a closed laptop lid).
async fn rotated_but_lost(t: &auth::testing::TestAuth, token: &auth::SessionToken) {
    t.clock.advance(Duration::from_mins(10));
    let lost = resolve(t, token, Access::Interactive).await.unwrap();
    assert!(
        lost.rotated.is_some(),
        "it rotated; the browser never heard"
    );
}

#[tokio::test]
async fn a_rotation_whose_response_was_lost_leaves_the_old_token_signed_in() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    rotated_but_lost(&t, &session.token).await;

    t.clock.advance(Duration::from_mins(5));
    let later = resolve(&t, &session.token, Access::Api).await;

    assert!(later.is_ok(), "{later:?}");
    assert!(t.closer.calls().is_empty(), "no theft alarm");
}

#[tokio::test]
async fn an_old_token_whose_new_one_was_lost_does_not_rotate_again_at_once() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    rotated_but_lost(&t, &session.token).await;

    t.clock.advance(Duration::from_secs(119));
    let soon = resolve(&t, &session.token, Access::Interactive)
        .await
        .unwrap();
    t.clock.advance(Duration::from_secs(1));
    let after_two_graces = resolve(&t, &session.token, Access::Interactive)
        .await
        .unwrap();

    assert!(soon.rotated.is_none(), "within two grace periods");
    let replacement = after_two_graces
        .rotated
        .expect("a new token in place of the lost one");
    assert!(resolve(&t, &replacement, Access::Api).await.is_ok());
}

#[tokio::test]
async fn a_lost_token_that_turns_up_after_its_replacement_ends_the_session() {
    // Someone else got the response the browser never did.
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(10));
    let intercepted = rotated(&t, &session.token).await;
    t.clock.advance(Duration::from_mins(2));
    let replacement = rotated(&t, &session.token).await;
    resolve(&t, &replacement, Access::Api).await.unwrap();

    let turned_up = resolve(&t, &intercepted, Access::Api).await;

    assert!(
        matches!(turned_up, Err(AuthError::SessionTaken)),
        "{turned_up:?}"
    );
}

#[tokio::test]
async fn the_old_token_after_the_new_one_was_presented_and_the_grace_passed_is_theft() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let new_token = rotated_and_presented(&t, &session.token).await;

    t.clock.advance(Duration::from_secs(59));
    let in_grace = resolve(&t, &session.token, Access::Api).await;
    t.clock.advance(Duration::from_secs(1));
    let after = resolve(&t, &session.token, Access::Api).await;

    assert!(in_grace.is_ok(), "{in_grace:?}");
    assert!(matches!(after, Err(AuthError::SessionTaken)), "{after:?}");
    assert!(matches!(
        resolve(&t, &new_token, Access::Api).await,
        Err(AuthError::SessionTaken)
    ));
}

#[tokio::test]
async fn presenting_the_new_token_tells_the_sessions_connections_to_recheck() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(10));
    let new_token = rotated(&t, &session.token).await;
    assert!(
        t.closer.rechecked().is_empty(),
        "not before it is presented"
    );

    resolve(&t, &new_token, Access::Passive).await.unwrap();
    resolve(&t, &new_token, Access::Api).await.unwrap();

    assert_eq!(
        t.closer.rechecked(),
        std::slice::from_ref(&session.signed_in.session_id)
    );
}

#[tokio::test]
async fn a_connections_token_holds_until_the_grace_after_its_successor_was_presented() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let id = &session.signed_in.session_id;
    let old = session.token.hash();
    t.clock.advance(Duration::from_mins(10));
    let new_token = rotated(&t, &session.token).await;
    let unseen = t.auth.connection_standing(id, &old).await.unwrap();
    resolve(&t, &new_token, Access::Api).await.unwrap();
    let seen = t.auth.connection_standing(id, &old).await.unwrap();
    t.clock.advance(Duration::from_mins(1));
    let after_grace = t.auth.connection_standing(id, &old).await.unwrap();
    let current = t
        .auth
        .connection_standing(id, &new_token.hash())
        .await
        .unwrap();

    assert!(
        matches!(
            unseen,
            ConnectionStanding::Holds {
                token_until: None,
                ..
            }
        ),
        "{unseen:?}"
    );
    let ConnectionStanding::Holds {
        token_until: Some(until),
        ..
    } = seen
    else {
        panic!("{seen:?}");
    };
    assert_eq!(until.as_millis(), t.clock.now().as_millis());
    assert_eq!(after_grace, ConnectionStanding::TokenRetired);
    assert!(matches!(
        current,
        ConnectionStanding::Holds {
            token_until: None,
            ..
        }
    ));
}
