use std::time::Duration;

use auth::{Access, Cleanup};

use crate::helpers::{resolve, rotated, signed_up, test_auth};

async fn count(t: &auth::testing::TestAuth, table: &'static str) -> i64 {
    let sql = match table {
        "sessions" => "SELECT COUNT(*) FROM sessions",
        _ => "SELECT COUNT(*) FROM retired_session_tokens",
    };
    sqlx::query_scalar(sql)
        .fetch_one(t.db.db.reader())
        .await
        .unwrap()
}

/// What a cleanup finds after a sign-in whose browser never bound the
/// session: only the expired offer to bind it.
fn only_the_device_offer() -> Cleanup {
    Cleanup {
        device_challenges: 1,
        ..Cleanup::default()
    }
}

#[tokio::test]
async fn ended_sessions_are_kept_for_the_retention_then_deleted() {
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;

    // Idle end after 1 hour; kept 7 days after that.
    t.clock.advance(Duration::from_hours(1));
    assert_eq!(t.auth.clean_up().await.unwrap(), only_the_device_offer());
    t.clock.advance(Duration::from_hours(24 * 7));

    let removed = t.auth.clean_up().await.unwrap();

    assert_eq!(removed.sessions, 1);
    assert_eq!(count(&t, "sessions").await, 0);
}

#[tokio::test]
async fn live_sessions_are_never_cleaned_up() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(30));

    assert_eq!(t.auth.clean_up().await.unwrap(), only_the_device_offer());
    assert!(resolve(&t, &session.token, Access::Api).await.is_ok());
}

#[tokio::test]
async fn retired_token_hashes_go_when_the_absolute_end_passes() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let mut token = session.token;
    // Stay active and rotate until close to the absolute end (24 h).
    for _ in 0..143 {
        t.clock.advance(Duration::from_mins(10));
        token = rotated(&t, &token).await;
        t.auth.flush().await;
    }
    assert_eq!(count(&t, "retired_session_tokens").await, 143);
    assert_eq!(t.auth.clean_up().await.unwrap().retired_tokens, 0);

    t.clock.advance(Duration::from_mins(10));
    let removed = t.auth.clean_up().await.unwrap();

    assert_eq!(removed.retired_tokens, 143);
    assert_eq!(count(&t, "retired_session_tokens").await, 0);
}
