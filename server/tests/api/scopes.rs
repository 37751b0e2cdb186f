//! API token scopes, enforced by the dispatcher on every transport: one
//! HTTP call, a batch, a WebSocket, and the REST twins.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestApp, TestUser, assert_rpc_error, spawn_app, with_cred};

/// A signed-in owner's cookie and the secret of a token of `scope`.
async fn owner_with_token(app: &TestApp, scope: Value) -> (String, String) {
    let cookie = app.signed_up(&TestUser::generate()).await;
    let created = app
        .rpc_ok(
            "account_token_create",
            json!({"name": "scoped", "scope": scope}),
            Cred::Cookie(&cookie),
        )
        .await;
    (cookie, created["token"].as_str().unwrap().to_owned())
}

fn forbidden_naming_the_scope(error: &Value, scope: &str, method: &str) {
    assert_eq!(error["data"]["code"], "forbidden", "{error}");
    assert_eq!(error["data"]["field"], "scope", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains(scope), "{message}");
    assert!(message.contains(method), "{message}");
}

#[tokio::test]
async fn a_read_only_token_reads_over_http_and_is_refused_a_change_naming_its_scope() {
    let app = spawn_app().await;
    let (cookie, secret) = owner_with_token(&app, json!("read_only")).await;

    let sessions = app
        .rpc_ok("account_session_list", json!({}), Cred::Bearer(&secret))
        .await;
    let (status, body) = app
        .rpc(
            "account_sessions_revoke",
            json!({"scope": "all"}),
            Cred::Bearer(&secret),
        )
        .await;

    assert_eq!(sessions.as_array().unwrap().len(), 1);
    assert_rpc_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    forbidden_naming_the_scope(&body["error"], "read-only", "account_sessions_revoke");
    let still = app
        .rpc_ok("account_session_list", json!({}), Cred::Cookie(&cookie))
        .await;
    assert_eq!(still.as_array().unwrap().len(), 1, "nothing was signed out");
}

#[tokio::test]
async fn each_call_of_a_batch_is_checked_against_the_scope() {
    let app = spawn_app().await;
    let (_, secret) = owner_with_token(
        &app,
        json!({"methods": ["account_verify", "account_token_list"]}),
    )
    .await;
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "account_verify", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "account_session_list", "params": {}},
        {"jsonrpc": "2.0", "id": 3, "method": "account_token_list", "params": {}},
    ]);

    let response = app
        .post_rpc_body(&batch.to_string(), Cred::Bearer(&secret))
        .await;

    let answers: Vec<Value> = response.json().await.unwrap();
    let verified = &answers[0]["result"];
    assert_eq!(verified["credential"], "api_token");
    assert_eq!(
        verified["token_scope"],
        json!({"methods": ["account_verify", "account_token_list"]})
    );
    forbidden_naming_the_scope(
        &answers[1]["error"],
        "only account_verify",
        "account_session_list",
    );
    assert_eq!(answers[2]["result"][0]["scope"], verified["token_scope"]);
}

#[tokio::test]
async fn a_websocket_opened_with_a_read_only_token_keeps_its_scope() {
    let app = spawn_app().await;
    let (_, secret) = owner_with_token(&app, json!("read_only")).await;
    let mut socket = app.open_socket(Cred::Bearer(&secret), None).await.unwrap();

    let listed = socket.call("account_member_list", json!({})).await;
    let refused = socket
        .call(
            "account_session_revoke_all",
            json!({"except_current": false}),
        )
        .await;

    assert_eq!(listed["result"].as_array().unwrap().len(), 1);
    forbidden_naming_the_scope(&refused["error"], "read-only", "account_session_revoke_all");
}

#[tokio::test]
async fn a_limited_token_cannot_add_members_or_read_me_outside_its_scope() {
    let app = spawn_app().await;
    let (_, secret) = owner_with_token(&app, json!({"methods": ["account_session_list"]})).await;
    let member = TestUser::generate();
    let add = json!({"name": "Bob", "email": member.email, "password": member.password});

    let added = with_cred(
        reqwest::Client::new().post(app.url("/api/account/members")),
        Cred::Bearer(&secret),
    )
    .json(&add)
    .send()
    .await
    .unwrap();
    let me = with_cred(
        reqwest::Client::new().get(app.url("/api/account/me")),
        Cred::Bearer(&secret),
    )
    .send()
    .await
    .unwrap();

    assert_eq!(added.status(), StatusCode::FORBIDDEN);
    let body: Value = added.json().await.unwrap();
    assert_eq!(body["field"], "scope", "{body}");
    assert_eq!(me.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_scope_naming_no_known_method_is_refused_at_creation() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;

    for scope in [
        json!({"methods": ["drop_tables"]}),
        json!({"methods": []}),
        json!("admin"),
    ] {
        let (status, body) = app
            .rpc(
                "account_token_create",
                json!({"name": "odd", "scope": scope}),
                Cred::Cookie(&cookie),
            )
            .await;
        assert_rpc_error(status, &body, StatusCode::BAD_REQUEST, "invalid_params");
    }
    let tokens = app
        .rpc_ok("account_token_list", json!({}), Cred::Cookie(&cookie))
        .await;
    assert_eq!(tokens, json!([]));
}
