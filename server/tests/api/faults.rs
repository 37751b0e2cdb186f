//! Faults: a failing audit write, the database failing half-way or going
//! away, and the server process killed during a burst of writes.

use api::paths;
use std::sync::Arc;

use auth::Backend;
use auth::testing::TestDb;
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::AssertSqlSafe;

use crate::helpers::{
    Cred, ServerBinary, TestApp, TestUser, assert_api_error, session_set_cookie, session_token,
    spawn_app,
};
use crate::live_client::PROMPTLY;
use crate::smtp_sink::SmtpSink;

/// The subject of the mail with a link to choose a new password.
const RESET_SUBJECT: &str = "Choose a new password for Latchkey";

/// Renames a table so every statement on it fails, as a broken disk or a
/// dropped table would.
async fn take_away(app: &TestApp, table: &'static str) {
    app.db
        .db
        .execute_write(sqlx::query(AssertSqlSafe(format!(
            "ALTER TABLE {table} RENAME TO {table}_away"
        ))))
        .await
        .unwrap();
}

async fn give_back(app: &TestApp, table: &'static str) {
    app.db
        .db
        .execute_write(sqlx::query(AssertSqlSafe(format!(
            "ALTER TABLE {table}_away RENAME TO {table}"
        ))))
        .await
        .unwrap();
}

async fn count(app: &TestApp, query: &'static str, bind: &str) -> i64 {
    sqlx::query_scalar(query)
        .bind(bind.to_owned())
        .fetch_one(app.db.db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_failing_audit_write_during_a_revoke_still_revokes_and_closes_the_stream() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    let there = app.logged_in(&user).await;
    let mut stream = app.open_events(Cred::Cookie(&there)).await;
    stream.next_event(PROMPTLY).await.expect("the first event");
    let there_id = app.session_id_of(&there).await;
    take_away(&app, "audit_events").await;

    let answer = app.revoke_session(&here, &there_id).await;

    assert_eq!(answer, json!({"revoked": true}));
    let last = stream.next_event(PROMPTLY).await.expect("a last event");
    assert_eq!(last.name, "session_revoked");
    let (status, body) = app
        .rpc("account_verify", json!({}), Cred::Cookie(&there))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    give_back(&app, "audit_events").await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE event = 'sessions_revoked' AND target = $1",
            there_id.as_str().unwrap(),
        )
        .await,
        0,
        "the audit write failed, and nothing else did"
    );
}

#[tokio::test]
async fn a_sign_up_that_fails_half_way_leaves_nothing_behind() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    take_away(&app, "sessions").await;

    let response = app.signup(&user).await;

    assert_api_error(response, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;
    give_back(&app, "sessions").await;
    let users = count(
        &app,
        "SELECT COUNT(*) FROM users WHERE email = $1",
        &user.email,
    )
    .await;
    assert_eq!(users, 0, "the account and user were rolled back");
    let accounts = count(
        &app,
        "SELECT COUNT(*) FROM accounts WHERE id NOT IN (SELECT account_id FROM users) AND $1 <> ''",
        "any",
    )
    .await;
    assert_eq!(accounts, 0, "no account without a user");
    app.signed_up(&user).await;
}

#[tokio::test]
async fn with_the_database_gone_requests_are_told_unavailable_and_change_nothing() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    let stranger = TestUser::generate();
    let sessions_before = count(&app, "SELECT COUNT(*) FROM sessions WHERE $1 <> ''", "any").await;

    app.server_db.as_ref().unwrap().close().await;

    let unavailable = StatusCode::SERVICE_UNAVAILABLE;
    assert_api_error(app.signup(&stranger).await, unavailable, "unavailable").await;
    let login = app.login(&user).await;
    assert_api_error(login, unavailable, "unavailable").await;
    let (status, body) = app
        .rpc(
            "account_session_revoke_all",
            json!({}),
            Cred::Cookie(&cookie),
        )
        .await;
    assert_eq!(status, unavailable, "{body}");
    assert_eq!(body["error"]["data"]["code"], "unavailable", "{body}");
    let page = app.get(paths::page::SECURITY, Some(&cookie)).await;
    assert_eq!(page.status(), unavailable);
    assert!(page.headers().contains_key("retry-after"));
    assert!(
        session_set_cookie(page.headers()).is_none(),
        "a database failure does not sign anyone out"
    );
    let text = page.text().await.unwrap();
    assert!(text.contains("still signed in"), "{text}");
    assert!(!text.contains("sqlx") && !text.contains("pool"), "{text}");

    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM sessions WHERE $1 <> ''", "any").await,
        sessions_before
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            &stranger.email
        )
        .await,
        0
    );
}

/// One write of the burst that the server answered as done.
enum Acked {
    Revoked(String),
    SignedIn(String),
}

/// The cookies of the writes answered before the kill.
#[derive(Default)]
struct Acknowledged {
    revoked: Vec<String>,
    signed_in: Vec<String>,
}

#[tokio::test]
async fn killing_the_server_during_a_burst_loses_no_committed_revocation() {
    let db = Arc::new(TestDb::new().await);
    let server = ServerBinary::start(db.clone()).await;
    let app = &server.app;
    let user = TestUser::generate();
    let owner = app.signed_up(&user).await;
    let mut victims = Vec::new();
    for _ in 0..24 {
        let cookie = app.logged_in(&user).await;
        victims.push((app.session_id_of(&cookie).await, cookie));
    }

    let owner = &owner;
    let mut burst = FuturesUnordered::new();
    for (id, cookie) in &victims {
        let body = json!({"session_id": id});
        burst.push(
            async move {
                let (status, answer) = app
                    .rpc("account_session_revoke", body, Cred::Cookie(owner))
                    .await;
                (status == StatusCode::OK && answer["result"]["revoked"] == true)
                    .then(|| Acked::Revoked(cookie.clone()))
            }
            .boxed(),
        );
    }
    for _ in 0..6 {
        burst.push(
            async {
                let response = app
                    .client
                    .post(app.url(paths::auth::LOGIN))
                    .json(&json!({"email": user.email, "password": user.password}))
                    .send()
                    .await
                    .ok()?;
                session_token(response.headers()).map(Acked::SignedIn)
            }
            .boxed(),
        );
    }
    let mut seen = Acknowledged::default();
    while let Some(answer) = burst.next().await {
        match answer {
            Some(Acked::Revoked(cookie)) => seen.revoked.push(cookie),
            Some(Acked::SignedIn(cookie)) => seen.signed_in.push(cookie),
            None => {}
        }
        if seen.revoked.len() == victims.len() / 2 {
            break;
        }
    }
    drop(burst);
    server.kill().await;

    let restarted = ServerBinary::start(db.clone()).await;
    for cookie in &seen.revoked {
        let (status, body) = restarted
            .app
            .rpc("account_verify", json!({}), Cred::Cookie(cookie))
            .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "a revoked session is back: {body}"
        );
    }
    for cookie in &seen.signed_in {
        restarted
            .app
            .rpc_ok("account_verify", json!({}), Cred::Cookie(cookie))
            .await;
    }
    if db.db.backend() == Backend::Sqlite {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(db.db.reader())
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
    restarted.kill().await;
}

/// A mail queued by a request whose server is killed (SIGKILL) right after
/// answering goes out after a restart: written by the first server's
/// courier as a file if it got to it, else sent by the restarted one (a
/// kill between sending and recording it may send it twice; it is never
/// lost).
#[tokio::test]
async fn a_server_killed_right_after_queueing_a_mail_loses_nothing() {
    // Arrange
    let db = Arc::new(TestDb::new().await);
    let first_mail = tempfile::tempdir().unwrap();
    let mail_dir = first_mail.path().to_str().unwrap().to_owned();
    let first = ServerBinary::start_with(db.clone(), &[("LATCHKEY_MAIL_DIR", &mail_dir)]).await;
    let user = TestUser::generate();
    first.app.signed_up(&user).await;
    first.app.address_verified(&user.email).await;

    // Act: ask for a link, kill the server as it answers, start another.
    let asked = first
        .app
        .post_form(paths::auth::FORGOT, &[("email", &user.email)])
        .await;
    first.kill().await;
    let mut sink = SmtpSink::start().await;
    let smtp = sink.url();
    let second = ServerBinary::start_with(db.clone(), &[("LATCHKEY_SMTP_URL", &smtp)]).await;

    // Assert: the mail out, from one server or the other, within ten
    // seconds (the restarted courier looks every second).
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let mut out = 0;
    for _ in 0..100 {
        // The reset's mail, not the sign-up's link that verifies the address.
        let written = std::fs::read_dir(first_mail.path())
            .unwrap()
            .filter(|file| {
                let path = file.as_ref().unwrap().path();
                std::fs::read_to_string(path).is_ok_and(|text| text.contains(RESET_SUBJECT))
            })
            .count();
        let received = sink
            .so_far()
            .iter()
            .filter(|mail| mail.rcpt_to.iter().any(|to| to.contains(&user.email)))
            .filter(|mail| mail.header("Subject").as_deref() == Some(RESET_SUBJECT))
            .count();
        out += written + received;
        if out > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(out >= 1, "the mail was lost");
    drop(second);
}
