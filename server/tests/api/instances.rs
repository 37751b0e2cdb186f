//! Several server instances on one PostgreSQL behave as one: a change on
//! instance A reaches live connections on instance B. These need
//! PostgreSQL; on SQLite (one instance by design) they are skipped.

use api::paths;
use std::sync::Arc;
use std::time::Duration;

use auth::testing::{RecordingSink, TestDb};
use auth::{Access, Auth, ClientMeta, SessionSettings, SessionToken, SystemClock};

use serde_json::json;

use reqwest::StatusCode;

use crate::helpers::{Cred, ServerBinary, TestApp, TestUser, spawn_app_with};
use crate::live_client::{EventStream, PROMPTLY};
use crate::probes::readiness_becomes;

/// Two instances on one PostgreSQL database, or `None` on SQLite.
async fn two_instances() -> Option<(TestApp, TestApp)> {
    if std::env::var(auth::testing::POSTGRES_URL_VAR).is_err() {
        eprintln!("skipped: several instances need PostgreSQL (LATCHKEY_TEST_POSTGRES_URL)");
        return None;
    }
    let a = spawn_app_with(|_| {}).await;
    let b = a
        .another_instance(|config| config.feed_retry = Duration::from_secs(2))
        .await;
    Some((a, b))
}

/// A user signed in on A (`on_a`) and on B (`on_b`), with an open stream on B.
async fn user_on_both(a: &TestApp, b: &TestApp) -> (TestUser, String, String, EventStream) {
    let user = TestUser::generate();
    let on_a = a.signed_up(&user).await;
    let on_b = b.logged_in(&user).await;
    let mut stream = b.open_events(Cred::Cookie(&on_b)).await;
    stream.next_event(PROMPTLY).await.expect("the first event");
    (user, on_a, on_b, stream)
}

/// Within a second, the stream's last event and its reason.
async fn ends_with_revoke(stream: &mut EventStream) -> String {
    let last = stream
        .next_event(Duration::from_secs(1))
        .await
        .expect("a last event in time");
    assert_eq!(last.name, "session_revoked");
    assert_eq!(stream.next_event(PROMPTLY).await, None, "the stream ended");
    last.data["reason"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_revoke_on_one_instance_closes_the_stream_on_the_other() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let (_, on_a, on_b, mut stream) = user_on_both(&a, &b).await;
    let id_on_b = b.session_id_of(&on_b).await;

    a.revoke_session(&on_a, &id_on_b).await;

    assert_eq!(ends_with_revoke(&mut stream).await, "revoked");
}

#[tokio::test]
async fn the_same_revoke_on_both_instances_at_once_acts_once() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let (user, on_a, on_b, _) = user_on_both(&a, &b).await;
    let on_b_too = b.logged_in(&user).await;
    let target = a.session_id_of(&on_b_too).await;
    let (from_a, from_b) = tokio::join!(
        a.revoke_session(&on_a, &target),
        b.revoke_session(&on_b, &target)
    );

    let revoked = [&from_a, &from_b]
        .iter()
        .filter(|said| said["revoked"] == true)
        .count();
    assert_eq!(revoked, 1, "{from_a} {from_b}");
    let audit_rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE event = 'sessions_revoked' AND target = $1",
    )
    .bind(target.as_str().unwrap())
    .fetch_one(a.db.db.reader())
    .await
    .unwrap();
    assert_eq!(audit_rows, 1, "one audit event for one revoke");
}

#[tokio::test]
async fn a_password_change_on_one_instance_closes_the_other_sessions_streams_everywhere() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let (user, on_a, _, mut stream) = user_on_both(&a, &b).await;

    let changed = a
        .post_json(
            paths::auth::PASSWORD,
            &json!({"current_password": user.password, "new_password": "a brand new passphrase"}),
            Some(&on_a),
        )
        .await;

    assert_eq!(changed.status(), reqwest::StatusCode::OK);
    assert_eq!(ends_with_revoke(&mut stream).await, "password_changed");
}

#[tokio::test]
async fn signing_out_others_on_one_instance_reaches_a_member_on_the_other() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let owner = TestUser::generate();
    let owner_cookie = a.signed_up(&owner).await;
    let member = a.added_member(&owner_cookie, "M").await;
    let member_cookie = b.logged_in(&member).await;
    let mut stream = b.open_events(Cred::Cookie(&member_cookie)).await;
    stream.next_event(PROMPTLY).await;

    a.rpc_ok(
        "account_sessions_revoke",
        json!({"scope": "others"}),
        Cred::Cookie(&owner_cookie),
    )
    .await;

    assert_eq!(ends_with_revoke(&mut stream).await, "signed_out_by_owner");
}

#[tokio::test]
async fn a_policy_change_on_one_instance_reaches_an_owner_page_on_the_other() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let owner = TestUser::generate();
    let on_a = a.signed_up(&owner).await;
    let on_b = b.logged_in(&owner).await;
    let mut stream = b.open_events(Cred::Cookie(&on_b)).await;
    stream.next_event(PROMPTLY).await;

    a.rpc_ok(
        "account_policy_set",
        json!({"preset": "strict"}),
        Cred::Cookie(&on_a),
    )
    .await;

    let event = stream
        .next_event(Duration::from_secs(1))
        .await
        .expect("an event in time");
    assert_eq!(event.name, "policy_updated");
}

#[tokio::test]
async fn a_revoke_made_while_the_feed_was_down_still_closes_the_stream_after_reconnecting() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    let (_, on_a, on_b, mut stream) = user_on_both(&a, &b).await;
    let id_on_b = b.session_id_of(&on_b).await;

    // Cut every instance's feed connection and wait until it is gone, so
    // the revoke's notification reaches nobody; B reconnects after 2 s.
    kill_feed_connections(&a).await;
    a.revoke_session(&on_a, &id_on_b).await;

    let last = stream
        .next_event(Duration::from_secs(6))
        .await
        .expect("closed after reconnecting");
    assert_eq!(last.name, "session_revoked");
    assert_eq!(last.data["reason"], "revoked");
}

#[tokio::test]
async fn an_instance_whose_change_feed_is_down_is_not_ready_until_it_listens_again() {
    let Some((_a, b)) = two_instances().await else {
        return;
    };
    readiness_becomes(&b, StatusCode::OK, PROMPTLY).await;

    kill_feed_connections(&b).await;

    let body = readiness_becomes(&b, StatusCode::SERVICE_UNAVAILABLE, PROMPTLY).await;
    assert_eq!(body["reason"], "change_feed");
    // B tries again after its feed retry (2 s).
    readiness_becomes(&b, StatusCode::OK, Duration::from_secs(10)).await;
}

async fn kill_feed_connections(app: &TestApp) {
    let db = app.db.db.reader();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(server::live::LISTENER_NAME)
    .execute(db)
    .await
    .unwrap();
    for _ in 0..100 {
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
        )
        .bind(server::live::LISTENER_NAME)
        .fetch_one(db)
        .await
        .unwrap();
        if left == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the feed connections did not go away");
}

/// Sessions revoked on one server process and asked for on another right
/// after: each process keeps the sessions it reads in memory, and the
/// second is stopped (SIGSTOP) around one revoke in ten. None is served.
#[tokio::test]
async fn a_session_revoked_on_one_process_is_refused_on_the_other_even_one_that_was_stopped() {
    const PAIRS: usize = 1_000;
    const PAUSE_EVERY: usize = 10;
    if std::env::var(auth::testing::POSTGRES_URL_VAR).is_err() {
        return;
    }
    let db = Arc::new(TestDb::new().await);
    let a = ServerBinary::start(db.clone()).await;
    let b = ServerBinary::start(db.clone()).await;
    let owner = a.app.signed_up(&TestUser::generate()).await;
    // Opens the sessions as a sign-in would, without hashing a password
    // a thousand times.
    let opener = Auth::new(
        db.db.clone(),
        Arc::new(SystemClock),
        SessionSettings::default(),
        Arc::new(RecordingSink::default()),
    )
    .await
    .unwrap();
    let meta = ClientMeta::new(None, None);
    let me = opener
        .authenticate(&SessionToken::parse(&owner).unwrap(), Access::Api, &meta)
        .await
        .unwrap()
        .caller
        .me()
        .clone();

    let mut served = 0;
    for pair in 0..PAIRS {
        let session = opener.open_session_for_test(me.clone()).await.unwrap();
        let cookie = session.token.expose();
        for _ in 0..3 {
            let read = b.app.get(paths::account::ME, Some(cookie)).await;
            assert_eq!(read.status(), StatusCode::OK);
        }
        let paused = pair % PAUSE_EVERY == 0;
        if paused {
            b.process.pause().unwrap();
        }
        let id = json!(session.signed_in.session_id);
        assert_eq!(a.app.revoke_session(&owner, &id).await["revoked"], true);
        if paused {
            b.process.resume().unwrap();
        }
        if b.app.get(paths::account::ME, Some(cookie)).await.status() == StatusCode::OK {
            served += 1;
        }
    }
    assert_eq!(served, 0, "B served sessions revoked on A");
}
