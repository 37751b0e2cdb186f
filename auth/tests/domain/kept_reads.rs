//! Sessions kept between requests must never answer for a session that has
//! changed since they were read (across instances: `instances.rs`).

use std::time::Duration;

use auth::{Access, AuthError, Backend, Clock as _};

use crate::helpers::{resolve, signed_up, test_auth};

#[tokio::test]
async fn a_session_kept_from_earlier_requests_is_refused_right_after_any_write_revokes_it() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    for _ in 0..3 {
        resolve(&t, &session.token, Access::Api).await.unwrap();
    }

    t.db.db
        .execute_write(
            sqlx::query("UPDATE sessions SET revoked_at = $1, revoke_reason = 'revoked'")
                .bind(t.clock.now().as_millis()),
        )
        .await
        .unwrap();

    let after = resolve(&t, &session.token, Access::Api).await;
    assert!(
        matches!(after, Err(AuthError::SessionRevoked(_))),
        "{after:?}"
    );
}

#[tokio::test]
async fn activity_on_a_kept_session_counts_once_until_it_is_written() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    resolve(&t, &session.token, Access::Api).await.unwrap();
    t.clock.advance(Duration::from_mins(2));

    let first = resolve(&t, &session.token, Access::Api).await.unwrap();
    let second = resolve(&t, &session.token, Access::Api).await.unwrap();

    assert!(first.touched, "two minutes on, a request is activity");
    if t.db.db.backend() == Backend::Sqlite {
        // On PostgreSQL a read is kept only once the instance is fresh
        // (it heard its own heartbeat), which the first requests of a new
        // instance are not: they read the row, which moves once the
        // activity writer has stored it.
        assert!(
            !second.touched,
            "the same moment again is not new activity (nor another update to other tabs)"
        );
    }
    assert_eq!(
        first.caller.deadlines(),
        second.caller.deadlines(),
        "both see the moved idle end"
    );
}

#[tokio::test]
async fn a_write_through_the_reader_pool_fails_on_sqlite() {
    // Every write must go through the writer, which counts it; one that
    // slipped past would leave kept reads answering for a changed session.
    let t = test_auth().await;
    if t.db.db.backend() != Backend::Sqlite {
        return;
    }
    signed_up(&t, "ada@example.com").await;

    let written = sqlx::query("UPDATE sessions SET revoked_at = 1")
        .execute(t.db.db.reader())
        .await;

    assert!(written.is_err(), "the reader wrote");
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(live, 1);
}
