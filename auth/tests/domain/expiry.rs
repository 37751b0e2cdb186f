use std::time::Duration;

use auth::{Access, AuthError};

use crate::helpers::{caller, last_seen, resolve, signed_up, test_auth};

#[tokio::test]
async fn a_session_unused_for_the_idle_timeout_has_expired() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;

    t.clock.advance(Duration::from_mins(59));
    assert!(resolve(&t, &session.token, Access::Passive).await.is_ok());
    t.clock.advance(Duration::from_mins(1));

    let after = resolve(&t, &session.token, Access::Api).await;
    assert!(matches!(after, Err(AuthError::SessionExpired)), "{after:?}");
}

#[tokio::test]
async fn activity_keeps_a_session_alive_until_its_absolute_end() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;

    // Active every 50 minutes: the idle end keeps moving.
    for _ in 0..28 {
        t.clock.advance(Duration::from_mins(50));
        resolve(&t, &session.token, Access::Api)
            .await
            .expect("still alive");
        t.auth.flush().await;
    }
    // 23h20m in; the absolute end (24h) is 40 minutes away.
    let deadlines = caller(&t, &session.token).await.deadlines().unwrap();
    assert_eq!(deadlines.ends_at(), deadlines.absolute_ends_at);
    t.clock.advance(Duration::from_mins(40));

    let after = resolve(&t, &session.token, Access::Api).await;
    assert!(matches!(after, Err(AuthError::SessionExpired)), "{after:?}");
}

#[tokio::test]
async fn activity_within_the_touch_threshold_writes_nothing() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let id = &session.signed_in.session_id;
    let signed_in_at = last_seen(&t, id).await;

    t.clock.advance(Duration::from_secs(59));
    resolve(&t, &session.token, Access::Api).await.unwrap();
    t.auth.flush().await;
    assert_eq!(last_seen(&t, id).await, signed_in_at);

    t.clock.advance(Duration::from_secs(1));
    resolve(&t, &session.token, Access::Api).await.unwrap();
    t.auth.flush().await;
    assert_eq!(last_seen(&t, id).await, signed_in_at + 60_000);
}

#[tokio::test]
async fn status_reads_and_live_streams_are_not_activity() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let id = &session.signed_in.session_id;
    let signed_in_at = last_seen(&t, id).await;

    t.clock.advance(Duration::from_mins(30));
    let resolved = resolve(&t, &session.token, Access::Passive).await.unwrap();
    t.auth.flush().await;

    assert_eq!(last_seen(&t, id).await, signed_in_at);
    assert_eq!(
        resolved.caller.deadlines().unwrap().idle_ends_at,
        session.signed_in.idle_ends_at,
        "a passive read must not move the idle end"
    );
}

#[tokio::test]
async fn the_deadlines_a_touch_reports_are_the_new_ones() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;

    t.clock.advance(Duration::from_mins(10));
    let resolved = resolve(&t, &session.token, Access::Api).await.unwrap();

    assert_eq!(
        resolved.caller.deadlines().unwrap().idle_ends_at,
        t.auth.now().plus_millis(3_600_000)
    );
}

#[tokio::test]
async fn activity_that_moves_the_idle_end_tells_the_sessions_live_connections() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;

    t.clock.advance(Duration::from_secs(30));
    resolve(&t, &session.token, Access::Api).await.unwrap();
    assert!(t.closer.notified().is_empty(), "no write, no news");
    t.clock.advance(Duration::from_secs(30));
    let resolved = resolve(&t, &session.token, Access::Api).await.unwrap();

    let deadlines = resolved.caller.deadlines().unwrap();
    assert_eq!(
        t.closer.notified(),
        vec![api::LiveEvent::SessionUpdated {
            idle_ends_at: deadlines.idle_ends_at,
            absolute_ends_at: deadlines.absolute_ends_at,
            server_time: t.auth.now(),
        }]
    );
}
