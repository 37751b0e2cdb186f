use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;

use crate::helpers::{
    TestUser, assert_api_error, challenge_cookie, location, session_set_cookie, session_token,
    spawn_app, spawn_app_on_real_time,
};

#[tokio::test]
async fn signup_sets_a_host_only_secure_http_only_lax_cookie() {
    // Arrange
    let app = spawn_app().await;
    // Act
    let response = app.signup(&TestUser::generate()).await;
    // Assert
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = session_set_cookie(response.headers()).expect("a session cookie");
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
    for expected in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(
            attributes.contains(&expected),
            "{expected} missing from {cookie}"
        );
    }
    assert!(
        !cookie.contains("Domain"),
        "a __Host- cookie has no Domain: {cookie}"
    );
}

#[tokio::test]
async fn signup_answers_with_the_new_owner_and_session() {
    let app = spawn_app().await;
    let user = TestUser::generate();

    let response = app.signup(&user).await;

    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["me"]["email"], user.email);
    assert_eq!(body["me"]["role"], "owner");
    assert!(body["session_id"].as_str().is_some_and(|id| id.len() == 32));
}

#[tokio::test]
async fn the_database_holds_only_the_hash_of_the_session_token() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;

    let rows: Vec<(String, String)> = sqlx::query_as("SELECT session_id, token_hash FROM sessions")
        .fetch_all(app.db.db.reader())
        .await
        .unwrap();

    assert_eq!(rows.len(), 1);
    let (session_id, token_hash) = &rows[0];
    assert_eq!(
        token_hash,
        &blake3::hash(token.as_bytes()).to_hex().to_string()
    );
    assert_ne!(session_id, &token);
    if let Some(path) = app.db.url.strip_prefix("sqlite://") {
        for file in [path.to_owned(), format!("{path}-wal")] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            let raw = token.as_bytes();
            assert!(
                !bytes.windows(raw.len()).any(|window| window == raw),
                "the raw token is stored in {file}"
            );
        }
    }
}

#[tokio::test]
async fn login_with_the_right_password_sets_a_new_session_cookie() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let first = app.signed_up(&user).await;

    let response = app.login(&user).await;

    assert_eq!(response.status(), StatusCode::OK);
    let second = session_token(response.headers()).expect("a session cookie");
    assert_ne!(first, second);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer_and_no_cookie() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;

    for (email, password) in [
        (user.email.as_str(), "wrong password!"),
        ("nobody@example.com", user.password.as_str()),
    ] {
        let response = app
            .post_json(
                "/api/auth/login",
                &json!({"email": email, "password": password}),
                None,
            )
            .await;
        assert!(session_set_cookie(response.headers()).is_none());
        assert_api_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
}

#[tokio::test]
async fn a_form_login_redirects_to_the_security_page_or_back_with_an_error() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;

    let good = app
        .post_form(
            "/api/auth/login",
            &[("email", &user.email), ("password", &user.password)],
        )
        .await;
    let bad = app
        .post_form(
            "/api/auth/login",
            &[("email", &user.email), ("password", "nope nope nope")],
        )
        .await;

    assert_eq!(good.status(), StatusCode::SEE_OTHER);
    assert_eq!(good.headers()["location"], "/account/security");
    assert!(session_token(good.headers()).is_some());
    assert_eq!(bad.status(), StatusCode::SEE_OTHER);
    assert_eq!(bad.headers()["location"], "/login?error=unauthenticated");
    assert!(session_set_cookie(bad.headers()).is_none());
}

#[tokio::test]
async fn a_form_signup_with_a_short_password_goes_back_naming_the_field() {
    let app = spawn_app().await;

    let response = app
        .post_form(
            "/api/auth/signup",
            &[
                ("account_name", "Acme"),
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("password", "short"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/signup?error=invalid_params&field=password"
    );
}

#[tokio::test]
async fn signing_up_twice_with_one_email_is_a_conflict() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;

    let again = app.signup(&user).await;

    assert_api_error(again, StatusCode::CONFLICT, "conflict").await;
}

#[tokio::test]
async fn logout_deletes_the_session_and_clears_the_cookie() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;

    let response = app
        .post_json("/api/auth/logout", &json!({}), Some(&token))
        .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = session_set_cookie(response.headers()).expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.db.db.reader())
        .await
        .unwrap();
    assert_eq!(count, 0);
    let page = app.get("/account/security", Some(&token)).await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

/// The session cookies a response sets, removals included.
fn session_cookies_set(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with(&format!("{}=", crate::helpers::SESSION_COOKIE)))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn signing_in_with_a_stale_cookie_sets_only_the_new_one() {
    // Arrange: a browser still holding the cookie of a session that ended.
    let app = spawn_app().await;
    let user = TestUser::generate();
    let stale = app.signed_up(&user).await;
    let ended = app
        .post_json("/api/auth/logout", &json!({}), Some(&stale))
        .await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);

    // Act
    let response = app
        .post_json(
            "/api/auth/login",
            &json!({"email": user.email, "password": user.password}),
            Some(&stale),
        )
        .await;

    // Assert: one Set-Cookie, the new session (browsers keep the last one).
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = session_cookies_set(&response);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let fresh = session_token(response.headers()).expect("the new session cookie");
    assert_eq!(
        app.get("/api/account/me", Some(&fresh)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn signing_up_with_a_stale_cookie_sets_only_the_new_one() {
    let app = spawn_app().await;
    let stale = app.signed_up(&TestUser::generate()).await;
    app.post_json("/api/auth/logout", &json!({}), Some(&stale))
        .await;

    let response = app
        .post_json(
            "/api/auth/signup",
            &TestUser::generate().signup_body(),
            Some(&stale),
        )
        .await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let cookies = session_cookies_set(&response);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(session_token(response.headers()).is_some(), "{cookies:?}");
}

/// A user whose password the operator has just reset, on a server on the
/// real clock (the command runs on it): the user and the password given.
async fn reset_user(app: &crate::helpers::TestApp) -> (TestUser, String) {
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let (_, given) = crate::helpers::reset_by_operator(app, &user.email).await;
    (user, given)
}

#[tokio::test]
async fn after_an_operator_reset_a_script_chooses_a_new_password_and_is_signed_in() {
    // Arrange
    let app = spawn_app_on_real_time(|_| {}).await;
    let (user, given) = reset_user(&app).await;
    let asked = app
        .post_json(
            "/api/auth/login",
            &json!({"email": user.email, "password": given}),
            None,
        )
        .await;
    let asked: serde_json::Value = asked.json().await.unwrap();
    let challenge = asked["challenge"].as_str().unwrap().to_owned();

    // Act
    let too_short = app
        .post_json(
            "/api/auth/login/password",
            &json!({"challenge": challenge, "new_password": "short"}),
            None,
        )
        .await;
    let chosen = app
        .post_json(
            "/api/auth/login/password",
            &json!({"challenge": challenge, "new_password": "a password of my very own"}),
            None,
        )
        .await;

    // Assert
    assert_eq!(asked["waits_for"], "new_password", "{asked}");
    assert_eq!(too_short.status(), StatusCode::BAD_REQUEST);
    let refused: serde_json::Value = too_short.json().await.unwrap();
    assert_eq!(
        (&refused["code"], &refused["field"]),
        (&json!("invalid_params"), &json!("new_password"))
    );
    assert_eq!(chosen.status(), StatusCode::OK);
    assert!(session_token(chosen.headers()).is_some(), "a session");
    let signed_in: serde_json::Value = chosen.json().await.unwrap();
    assert_eq!(signed_in["me"]["email"], user.email);
    let again = app
        .post_json(
            "/api/auth/login",
            &json!({"email": user.email, "password": given}),
            None,
        )
        .await;
    assert_api_error(again, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn after_an_operator_reset_a_browser_is_sent_to_choose_a_new_password_and_in() {
    // Arrange
    let app = spawn_app_on_real_time(|_| {}).await;
    let (user, given) = reset_user(&app).await;

    // Act: the password form, the page it goes to, a refused password,
    // then one of the user's own.
    let asked = app
        .post_form(
            "/api/auth/login",
            &[("email", &user.email), ("password", &given)],
        )
        .await;
    let challenge = challenge_cookie(&asked);
    let page = app
        .page_text_with_challenge("/login/password", &challenge)
        .await;
    let post = |new_password: &'static str| {
        app.client
            .post(app.url("/api/auth/login/password"))
            .form(&[("new_password", new_password)])
            .header("sec-fetch-site", "same-origin")
            .header(COOKIE, &challenge)
            .send()
    };
    let too_short = post("short").await.unwrap();
    let chosen = post("a password of my very own").await.unwrap();

    // Assert
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&asked), "/login/password");
    assert_eq!(session_token(asked.headers()), None, "no session yet");
    assert!(
        page.contains("action=\"/api/auth/login/password\""),
        "{page}"
    );
    assert!(
        page.contains("The server&#x27;s operator reset your password; choose a new one.")
            || page.contains("The server's operator reset your password; choose a new one."),
        "{page}"
    );
    assert!(!page.contains(".wasm"), "the page loads no WASM");
    assert_eq!(too_short.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&too_short),
        "/login/password?error=invalid_params&field=new_password"
    );
    assert_eq!(session_token(too_short.headers()), None);
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&chosen), "/account/security");
    assert!(session_token(chosen.headers()).is_some(), "signed in");
    let cleared = testkit::cookie_pair(chosen.headers(), "__Host-sign-in");
    assert_eq!(
        cleared.as_deref(),
        Some("__Host-sign-in="),
        "the sign-in's cookie goes"
    );
}
