use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{TestUser, spawn_app};

#[tokio::test]
async fn a_signed_out_visit_to_the_security_page_goes_to_login() {
    let app = spawn_app().await;

    let response = app.get("/account/security", None).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
}

#[tokio::test]
async fn the_security_page_shows_who_is_signed_in() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let token = app.signed_up(&user).await;

    let response = app.get("/account/security", Some(&token)).await;

    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&user.email),
        "the page does not show the user's email"
    );
}

#[tokio::test]
async fn an_expired_session_is_sent_to_login_with_the_reason_and_its_cookie_cleared() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;

    app.clock.advance(Duration::from_hours(24));
    let response = app.get("/account/security", Some(&token)).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/login?reason=session_expired"
    );
    let cleared = crate::helpers::session_set_cookie(response.headers()).expect("cleared");
    assert!(cleared.contains("Max-Age=0"));
}

#[tokio::test]
async fn the_sign_in_and_sign_up_pages_render_their_forms() {
    let app = spawn_app().await;

    for (path, action) in [
        ("/login", "/api/auth/login"),
        ("/signup", "/api/auth/signup"),
    ] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!("action=\"{action}\"")),
            "{path} has no form for {action}"
        );
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_404() {
    let app = spawn_app().await;

    let response = app.get("/no/such/page", None).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
