//! Passkeys over the wire: a passkey-alone sign-in starts for anyone
//! (rate limited, naming nobody) and opens nothing without a real answer;
//! registering needs a browser session; the second step needs a waiting
//! sign-in. Real answers come from Chrome's virtual authenticator in
//! `end2end/tests/passkeys.spec.ts`.

use api::paths;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestUser, assert_rpc_error, session_token, spawn_app};

#[tokio::test]
async fn a_passkey_sign_in_starts_for_anyone_and_a_made_up_answer_opens_nothing() {
    let app = spawn_app().await;

    let started = app
        .post_json(paths::auth::PASSKEY_START, &json!({}), None)
        .await;
    let status = started.status();
    let set_a_cookie = session_token(started.headers()).is_some();
    let ceremony: Value = started.json().await.unwrap();
    let finished = app
        .post_json(
            paths::auth::PASSKEY_FINISH,
            &json!({
                "ceremony": ceremony["ceremony"],
                "credential": {"id": "eA", "rawId": "eA", "type": "public-key",
                    "response": {"authenticatorData": "", "clientDataJSON": "", "signature": ""}},
            }),
            None,
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    assert!(!set_a_cookie);
    assert_eq!(ceremony["options"]["userVerification"], "required");
    assert_eq!(
        ceremony["options"]["allowCredentials"],
        json!([]),
        "names nobody"
    );
    assert_eq!(finished.status(), StatusCode::BAD_REQUEST);
    assert!(session_token(finished.headers()).is_none());
    let again = app
        .post_json(
            paths::auth::PASSKEY_FINISH,
            &json!({"ceremony": ceremony["ceremony"], "credential": {}}),
            None,
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "answered once");
}

#[tokio::test]
async fn registering_a_passkey_needs_a_browser_session() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let (_, token) = app.api_token(&cookie, "ci").await;

    let by_cookie = app
        .rpc_ok(
            "account_passkey_register_start",
            json!({}),
            Cred::Cookie(&cookie),
        )
        .await;
    let (status, by_token) = app
        .rpc(
            "account_passkey_register_start",
            json!({}),
            Cred::Bearer(&token),
        )
        .await;
    let listed = app
        .rpc_ok("account_passkey_list", json!({}), Cred::Bearer(&token))
        .await;

    assert_eq!(
        by_cookie["options"]["authenticatorSelection"]["residentKey"],
        "required"
    );
    assert_rpc_error(status, &by_token, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn the_passkey_second_step_needs_a_waiting_sign_in() {
    let app = spawn_app().await;

    let started = app
        .post_json(paths::auth::LOGIN_PASSKEY_START, &json!({}), None)
        .await;
    let body: Value = started.json().await.unwrap();

    assert_eq!(body["code"], "sign_in_expired");
}
