//! The operator's commands, run as the real binary against the database of
//! a server that is running: what they end must reach that server at once.

use api::paths;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Cred, TestUser, latchkey, reset_by_operator, session_token, spawn_app_on_real_time,
};
use crate::live_client::PROMPTLY;

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
    let refused = app.get(paths::account::ME, Some(&cookie)).await;
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
        let refused = app.get(paths::account::ME, Some(&cookie)).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_reset_password_is_printed_once_and_must_be_replaced_at_the_next_sign_in() {
    // Arrange
    let app = spawn_app_on_real_time(|_| {}).await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;

    // Act
    let (out, new_password) = reset_by_operator(&app, &user.email).await;

    // Assert: the old session and password are gone; the new password
    // signs in to the step that asks for one of their own, no session.
    let refused = app.get(paths::account::ME, Some(&cookie)).await;
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
    assert_eq!(session_token(new.headers()), None, "opens no session");
    let asked: Value = new.json().await.unwrap();
    assert_eq!(asked["waits_for"], "new_password", "{asked}");
    assert!(out.contains("  1 session(s)"), "{out}");
}

#[tokio::test]
async fn a_reset_revokes_the_users_api_tokens_and_closes_their_sockets_and_the_pages_streams() {
    // Arrange: a script's socket on an API token, and a page's stream.
    let app = spawn_app_on_real_time(|_| {}).await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    let (_, token) = app.api_token(&cookie, "deploy script").await;
    let mut socket = app.open_socket(Cred::Bearer(&token), None).await.unwrap();
    let verified = socket.call("account_verify", json!({})).await;
    assert_eq!(verified["result"]["credential"], "api_token");
    let mut stream = app.open_events(Cred::Cookie(&cookie)).await;
    stream.next_event(PROMPTLY).await.expect("the first event");

    // Act
    let (out, _) = reset_by_operator(&app, &user.email).await;

    // Assert
    let closed = socket.closed(PROMPTLY).await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (4001, "token revoked")
    );
    let last = stream.next_event(PROMPTLY).await.expect("a last event");
    assert_eq!(last.name, "session_revoked");
    assert_eq!(last.data["reason"], "password_changed");
    assert_eq!(stream.next_event(PROMPTLY).await, None, "the stream ended");
    let (status, _) = app
        .rpc("account_verify", json!({}), Cred::Bearer(&token))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the token is revoked");
    assert!(out.contains("  1 API token(s)"), "{out}");
}

#[tokio::test]
async fn a_reset_says_what_it_ended_and_leaves_no_app_or_passkey() {
    // Arrange: an authenticator app.
    let app = spawn_app_on_real_time(|_| {}).await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    let setup = app
        .rpc_ok("account_totp_setup_start", json!({}), Cred::Cookie(&cookie))
        .await;
    let secret = setup["secret"].as_str().unwrap();
    let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, secret).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = totp_rs::Builder::new()
        .with_secret(bytes)
        .build()
        .unwrap()
        .generate(now)
        .to_string();
    app.rpc_ok(
        "account_totp_setup_confirm",
        json!({"code": code}),
        Cred::Cookie(&cookie),
    )
    .await;

    // Act
    let (out, _) = reset_by_operator(&app, &user.email).await;

    // Assert
    let rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM totp_factors f JOIN users u ON u.id = f.user_id WHERE u.email = $1",
    )
    .bind(&user.email)
    .fetch_one(app.db.db.reader())
    .await
    .unwrap();
    assert_eq!(rows, 0, "the app is gone");
    assert!(
        out.contains("their authenticator app, with 10 unused recovery code(s)"),
        "{out}"
    );
    assert!(out.contains("  0 passkey(s)"), "{out}");
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
                .get(paths::account::ME, Some(&cookie))
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
