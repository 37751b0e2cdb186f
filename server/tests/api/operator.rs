//! The operator's commands, run as the real binary against the database of
//! a server that is running: what they end must reach that server at once.

use reqwest::StatusCode;

use crate::helpers::{Cred, TestApp, TestUser, spawn_app_on_real_time};
use crate::live_client::PROMPTLY;

/// Runs `latchkey ARGS` on the app's database; its exit status and output.
async fn latchkey(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args(args)
        .env_clear()
        .env("DATABASE_URL", &app.db.url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run latchkey");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn revoking_a_users_sessions_from_the_command_line_signs_out_their_open_pages() {
    let app = spawn_app_on_real_time(|_| {}).await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    let mut events = app.open_events(Cred::Cookie(&cookie)).await;
    events.next_event(PROMPTLY).await.expect("the first event");

    let (ok, out, err) = latchkey(&app, &["sessions", "revoke", "--user", &user.email]).await;

    assert!(ok, "{out}{err}");
    assert!(out.contains("1 session(s) ended"), "{out}");
    let refused = app.get("/api/account/me", Some(&cookie)).await;
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "the very next request"
    );
    let last = events.next_event(PROMPTLY).await.expect("a last event");
    assert_eq!(last.name, "session_revoked");
    assert_eq!(last.data["reason"], "signed_out_by_operator");
    assert_eq!(events.next_event(PROMPTLY).await, None, "the stream ended");
}

#[tokio::test]
async fn revoking_everyones_sessions_ends_every_account_s_sessions() {
    let app = spawn_app_on_real_time(|_| {}).await;
    let ada = app.signed_up(&TestUser::generate()).await;
    let bob = app.signed_up(&TestUser::generate()).await;

    let (ok, out, err) = latchkey(&app, &["sessions", "revoke", "--all"]).await;

    assert!(ok, "{out}{err}");
    assert!(out.contains("2 session(s) ended"), "{out}");
    for cookie in [ada, bob] {
        let refused = app.get("/api/account/me", Some(&cookie)).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_reset_password_is_printed_once_signs_in_and_ends_the_old_sessions() {
    let app = spawn_app_on_real_time(|_| {}).await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;

    let (ok, out, err) = latchkey(&app, &["users", "reset-password", &user.email]).await;

    assert!(ok, "{out}{err}");
    let new_password = out
        .lines()
        .skip_while(|line| !line.starts_with("New password"))
        .nth(1)
        .expect("the password on the line after")
        .trim()
        .to_owned();
    let refused = app.get("/api/account/me", Some(&cookie)).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let old = app.login(&user).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED, "the old password");
    let new = app
        .login(&TestUser {
            email: user.email.clone(),
            password: new_password,
        })
        .await;
    assert_eq!(new.status(), StatusCode::OK, "the new password");
}

#[tokio::test]
async fn making_a_member_the_owner_makes_the_owner_a_member() {
    let app = spawn_app_on_real_time(|_| {}).await;
    let owner = TestUser::generate();
    let owner_cookie = app.signed_up(&owner).await;
    let member = app.added_member(&owner_cookie, "Max").await;
    let member_cookie = app.logged_in(&member).await;

    let (ok, out, err) = latchkey(&app, &["users", "make-owner", &member.email]).await;

    assert!(ok, "{out}{err}");
    let role = |cookie: String| {
        let app = &app;
        async move {
            let me: serde_json::Value = app
                .get("/api/account/me", Some(&cookie))
                .await
                .json()
                .await
                .unwrap();
            me["me"]["role"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(role(member_cookie).await, "owner");
    assert_eq!(role(owner_cookie).await, "member");
    let (_, list, _) = latchkey(&app, &["users", "list"]).await;
    let line = |email: &str| {
        list.lines()
            .find(|line| line.starts_with(email))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line(&member.email).contains(" owner "), "{list}");
    assert!(line(&owner.email).contains(" member "), "{list}");
}

#[tokio::test]
async fn an_unknown_email_is_an_error_that_says_so() {
    let app = spawn_app_on_real_time(|_| {}).await;

    let (ok, _, err) = latchkey(&app, &["users", "make-owner", "nobody@example.com"]).await;

    assert!(!ok);
    assert!(err.contains("no user with that email"), "{err}");
}
