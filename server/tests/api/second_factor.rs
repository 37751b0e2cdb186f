//! An authenticator app over the wire: set up over JSON-RPC, then signing
//! in asks for a code, by JSON (the challenge in the body) or by the
//! browser's forms (the challenge in a strict cookie).

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::helpers::{
    CHALLENGE_COOKIE, Cred, TestApp, TestUser, assert_rpc_error, challenge_cookie, location,
    session_token, spawn_app,
};

/// The code an app holding `secret` shows now.
pub(crate) fn code_now(app: &TestApp, secret: &str) -> String {
    let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, secret).unwrap();
    let totp = totp_rs::Builder::new().with_secret(bytes).build().unwrap();
    totp.generate(u64::try_from(app.clock_now() / 1000).unwrap())
        .to_string()
}

/// Sets an app up over JSON-RPC for the session `cookie`: the secret and
/// the recovery codes.
async fn set_up_app(app: &TestApp, cookie: &str) -> (String, Vec<String>) {
    let setup = app
        .rpc_ok("account_totp_setup_start", json!({}), Cred::Cookie(cookie))
        .await;
    let secret = setup["secret"].as_str().unwrap().to_owned();
    assert!(
        setup["uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    let codes = app
        .rpc_ok(
            "account_totp_setup_confirm",
            json!({"code": code_now(app, &secret)}),
            Cred::Cookie(cookie),
        )
        .await;
    let codes = codes["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    // Codes count once: sign-ins take the next step's.
    app.clock.advance(Duration::from_secs(30));
    (secret, codes)
}

/// A new user with an app set up: their session, the secret, and the
/// recovery codes.
pub(crate) async fn with_app(app: &TestApp, user: &TestUser) -> (String, String, Vec<String>) {
    let cookie = app.signed_up(user).await;
    let (secret, codes) = set_up_app(app, &cookie).await;
    (cookie, secret, codes)
}

async fn post_code_form(app: &TestApp, code: &str, challenge: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/login/code"))
        .form(&[("code", code)])
        .header("sec-fetch-site", "same-origin")
        .header(COOKIE, challenge)
        .send()
        .await
        .unwrap()
}

async fn post_password_form(app: &TestApp, user: &TestUser) -> reqwest::Response {
    app.post_form(
        "/api/auth/login",
        &[("email", &user.email), ("password", &user.password)],
    )
    .await
}

#[tokio::test]
async fn a_script_signs_in_with_the_password_then_the_code() {
    // Arrange
    let app = spawn_app().await;
    let user = TestUser::generate();
    let (_, secret, _) = with_app(&app, &user).await;

    // Act
    let asked = app.login(&user).await;
    let asked_status = asked.status();
    let set_a_session = session_token(asked.headers()).is_some();
    let challenge: Value = asked.json().await.unwrap();
    let done = app
        .post_json(
            "/api/auth/login/code",
            &json!({"challenge": challenge["challenge"], "code": code_now(&app, &secret)}),
            None,
        )
        .await;

    // Assert
    assert_eq!(asked_status, StatusCode::OK);
    assert!(!set_a_session, "the password alone opens no session");
    assert!(challenge["expires_at"].as_i64().unwrap() > app.clock_now());
    assert_eq!(done.status(), StatusCode::OK);
    let cookie = session_token(done.headers()).expect("a session");
    let me = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&cookie))
        .await;
    assert_eq!(me["me"]["email"], user.email.as_str());
}

#[tokio::test]
async fn a_browser_goes_from_the_password_form_to_the_code_form_and_in() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let (_, secret, _) = with_app(&app, &user).await;

    let asked = post_password_form(&app, &user).await;
    let challenge = challenge_cookie(&asked);
    let done = post_code_form(&app, &code_now(&app, &secret), &challenge).await;

    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&asked), "/login/code");
    let set = testkit::set_cookie_header(asked.headers(), CHALLENGE_COOKIE).unwrap();
    assert!(
        set.contains("SameSite=Strict") && set.contains("HttpOnly"),
        "{set}"
    );
    assert!(session_token(asked.headers()).is_none());
    assert_eq!(location(&done), "/account/security");
    assert!(session_token(done.headers()).is_some());
    let cleared = testkit::cookie_pair(done.headers(), CHALLENGE_COOKIE).unwrap();
    assert_eq!(
        cleared,
        format!("{CHALLENGE_COOKIE}="),
        "the sign-in's cookie goes"
    );
}

#[tokio::test]
async fn a_wrong_code_goes_back_to_the_code_form_and_an_ended_sign_in_to_the_password() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let (_, secret, codes) = with_app(&app, &user).await;
    let challenge = challenge_cookie(&post_password_form(&app, &user).await);
    let right = code_now(&app, &secret);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);

    let wrong_answer = post_code_form(&app, &wrong, &challenge).await;
    app.clock.advance(Duration::from_mins(5));
    let late_answer = post_code_form(&app, &codes[0], &challenge).await;
    let without_any = post_code_form(&app, &codes[0], "theme=dark").await;

    assert_eq!(
        location(&wrong_answer),
        "/login/code?error=invalid_params&field=code"
    );
    assert!(session_token(wrong_answer.headers()).is_none());
    assert_eq!(location(&late_answer), "/login?error=sign_in_expired");
    assert_eq!(location(&without_any), "/login?error=sign_in_expired");
}

#[tokio::test]
async fn a_recovery_code_signs_a_script_in_once() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let (cookie, _, codes) = with_app(&app, &user).await;

    let mut answers = Vec::new();
    for _ in 0..2 {
        let asked: Value = app.login(&user).await.json().await.unwrap();
        let body = json!({"challenge": asked["challenge"], "code": codes[1].to_lowercase()});
        answers.push(
            app.post_json("/api/auth/login/code", &body, None)
                .await
                .status(),
        );
    }

    assert_eq!(answers, [StatusCode::OK, StatusCode::BAD_REQUEST]);
    let left = app
        .rpc_ok(
            "account_second_factor_get",
            json!({}),
            Cred::Cookie(&cookie),
        )
        .await;
    assert_eq!(left["recovery_codes_left"], 9);
}

#[tokio::test]
async fn an_api_token_may_read_the_second_factor_and_never_change_it() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let (cookie, secret, _) = with_app(&app, &user).await;
    let (_, token) = app.api_token(&cookie, "ci").await;

    let read = app
        .rpc_ok("account_second_factor_get", json!({}), Cred::Bearer(&token))
        .await;
    let (status, refused) = app
        .rpc(
            "account_totp_turn_off",
            json!({"password": user.password, "code": code_now(&app, &secret)}),
            Cred::Bearer(&token),
        )
        .await;

    assert!(read["totp_since"].is_i64(), "{read}");
    assert_rpc_error(status, &refused, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn turning_the_app_off_over_json_rpc_lets_the_password_alone_sign_in_again() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let (cookie, secret, _) = with_app(&app, &user).await;

    let off = app
        .rpc_ok(
            "account_totp_turn_off",
            json!({"password": user.password, "code": code_now(&app, &secret)}),
            Cred::Cookie(&cookie),
        )
        .await;
    let login = app.login(&user).await;

    assert_eq!(off["totp_since"], Value::Null);
    assert_eq!(login.status(), StatusCode::OK);
    assert!(session_token(login.headers()).is_some());
}

#[tokio::test]
async fn the_owner_sees_who_has_an_app_in_the_members_list() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let member = app.added_member(&owner, "Max Member").await;
    set_up_app(&app, &app.logged_in(&member).await).await;

    let members = app
        .rpc_ok("account_member_list", json!({}), Cred::Cookie(&owner))
        .await;

    let since: Vec<bool> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["totp_since"].is_i64())
        .collect();
    assert_eq!(since, [false, true], "the owner has none, Max has one");
}

#[tokio::test]
async fn an_owner_turns_off_a_members_lost_app_and_the_password_signs_them_in_again() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let member = app.added_member(&owner, "Max Member").await;
    let cookie = app.logged_in(&member).await;
    let user_id = app.user_id_of(&cookie).await;
    set_up_app(&app, &cookie).await;

    let reset = app
        .rpc_ok(
            "account_member_second_factor_reset",
            json!({"user_id": user_id}),
            Cred::Cookie(&owner),
        )
        .await;
    let login = app.login(&member).await;

    assert_eq!(reset["turned_off"], true);
    assert!(session_token(login.headers()).is_some());
}

/// An owner with an app who requires one of everyone, and a member
/// without one: the owner's session and the member.
async fn required_of_a_member(app: &TestApp) -> (String, TestUser) {
    let (owner, _, _) = with_app(app, &TestUser::generate()).await;
    let member = app.added_member(&owner, "Max Member").await;
    let set = app
        .rpc_ok(
            "account_second_factor_policy_set",
            json!({"required": true}),
            Cred::Cookie(&owner),
        )
        .await;
    assert_eq!(set["required"], true);
    (owner, member)
}

#[tokio::test]
async fn where_it_is_required_a_script_gets_the_app_to_set_up_and_signs_in_with_its_code() {
    let app = spawn_app().await;
    let (_, member) = required_of_a_member(&app).await;

    let asked = app.login(&member).await;
    let set_a_session = session_token(asked.headers()).is_some();
    let challenge: Value = asked.json().await.unwrap();
    let secret = challenge["setup"]["secret"].as_str().unwrap().to_owned();
    let as_code = app
        .post_json(
            "/api/auth/login/code",
            &json!({"challenge": challenge["challenge"], "code": code_now(&app, &secret)}),
            None,
        )
        .await;
    let done = app
        .post_json(
            "/api/auth/login/setup",
            &json!({"challenge": challenge["challenge"], "code": code_now(&app, &secret)}),
            None,
        )
        .await;

    assert!(!set_a_session, "the password alone opens no session");
    assert_eq!(
        as_code.status(),
        StatusCode::UNAUTHORIZED,
        "not a code challenge"
    );
    assert_eq!(done.status(), StatusCode::OK);
    let cookie = session_token(done.headers()).expect("a session");
    let me = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&cookie))
        .await;
    assert_eq!(me["signed_in_with"], "password_and_totp");
    let codes = app
        .rpc_ok(
            "account_recovery_codes_renew",
            json!({}),
            Cred::Cookie(&cookie),
        )
        .await;
    assert_eq!(codes["codes"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn where_it_is_required_a_browser_is_sent_to_set_the_app_up_and_in() {
    let app = spawn_app().await;
    let (_, member) = required_of_a_member(&app).await;

    let asked = post_password_form(&app, &member).await;
    let challenge = challenge_cookie(&asked);
    let page = app
        .page_text_with_challenge("/login/setup", &challenge)
        .await;
    let secret = page
        .split("data-testid=\"totp-secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the key on the page")
        .replace(' ', "");
    let done = app
        .client
        .post(app.url("/api/auth/login/setup"))
        .form(&[("code", code_now(&app, &secret).as_str())])
        .header("sec-fetch-site", "same-origin")
        .header(COOKIE, &challenge)
        .send()
        .await
        .unwrap();

    assert_eq!(location(&asked), "/login/setup");
    assert!(page.contains("<svg"), "the QR code is drawn on the server");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/account/security");
    assert!(session_token(done.headers()).is_some());
}

#[tokio::test]
async fn requiring_it_is_refused_to_an_owner_without_an_app() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;

    let (status, answer) = app
        .rpc(
            "account_second_factor_policy_set",
            json!({"required": true}),
            Cred::Cookie(&owner),
        )
        .await;

    assert_rpc_error(status, &answer, StatusCode::CONFLICT, "conflict");
}
