use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestUser, assert_api_error, assert_rpc_error, spawn_app, with_cred};

#[tokio::test]
async fn verify_says_who_is_calling_with_which_credential() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    let (token_id, secret) = app.api_token(&cookie, "script").await;

    let by_cookie = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&cookie))
        .await;
    let by_token = app
        .rpc_ok("account_verify", json!({}), Cred::Bearer(&secret))
        .await;

    assert_eq!(by_cookie["me"]["email"], user.email);
    assert_eq!(by_cookie["credential"], "session");
    assert!(by_cookie["idle_ends_at"].is_i64() && by_cookie["absolute_ends_at"].is_i64());
    assert_eq!(by_token["credential"], "api_token");
    assert_eq!(by_token["token_id"], token_id);
    assert!(by_token.get("session_id").is_none());
}

#[tokio::test]
async fn get_me_answers_like_verify_and_refuses_an_ended_session() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    let (token_id, secret) = app.api_token(&cookie, "script").await;

    let by_cookie: Value = app
        .get("/api/account/me", Some(&cookie))
        .await
        .json()
        .await
        .unwrap();
    let by_token: Value = with_cred(
        app.client.get(app.url("/api/account/me")),
        Cred::Bearer(&secret),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(by_cookie["me"]["name"], "Ada Lovelace");
    assert_eq!(by_cookie["me"]["email"], user.email);
    assert_eq!(by_cookie["credential"], "session");
    assert_eq!(by_token["token_id"], token_id);

    let session_id = app.session_id_of(&cookie).await;
    let other = app.logged_in(&user).await;
    app.revoke_session(&other, &session_id).await;
    assert_api_error(
        app.get("/api/account/me", Some(&cookie)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    assert_api_error(
        app.get("/api/account/me", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn the_session_list_marks_this_device_and_revoke_ends_another() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    let there = app.logged_in(&user).await;

    let list = app
        .rpc_ok("account_session_list", json!({}), Cred::Cookie(&here))
        .await;
    let sessions = list.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let other = sessions.iter().find(|s| s["current"] == false).unwrap();

    let revoked = app
        .rpc_ok(
            "account_session_revoke",
            json!({"session_id": other["session_id"]}),
            Cred::Cookie(&here),
        )
        .await;

    assert_eq!(revoked, json!({"revoked": true}));
    let (status, body) = app
        .rpc("account_verify", json!({}), Cred::Cookie(&there))
        .await;
    assert_rpc_error(status, &body, StatusCode::UNAUTHORIZED, "session_revoked");
    let again = app
        .rpc_ok(
            "account_session_revoke",
            json!({"session_id": other["session_id"]}),
            Cred::Cookie(&here),
        )
        .await;
    assert_eq!(again, json!({"revoked": false}));
}

#[tokio::test]
async fn revoke_all_except_current_keeps_this_session() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    app.logged_in(&user).await;
    app.logged_in(&user).await;

    let count = app
        .rpc_ok(
            "account_session_revoke_all",
            json!({"except_current": true}),
            Cred::Cookie(&here),
        )
        .await;

    assert_eq!(count, json!({"count": 2}));
    let list = app
        .rpc_ok("account_session_list", json!({}), Cred::Cookie(&here))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn tokens_are_created_listed_without_secrets_and_revoked() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let (id, secret) = app.api_token(&cookie, "backup job").await;

    let list = app
        .rpc_ok("account_token_list", json!({}), Cred::Cookie(&cookie))
        .await;
    let revoked = app
        .rpc_ok(
            "account_token_revoke",
            json!({"token_id": id}),
            Cred::Cookie(&cookie),
        )
        .await;

    assert_eq!(list[0]["name"], "backup job");
    assert!(
        !list.to_string().contains(&secret[3..]),
        "a listed token leaks its secret"
    );
    assert_eq!(revoked, json!({"revoked": true}));
    let (status, body) = app
        .rpc("account_verify", json!({}), Cred::Bearer(&secret))
        .await;
    assert_rpc_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn a_bearer_token_can_list_sessions_but_not_create_tokens() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let (_, secret) = app.api_token(&cookie, "script").await;

    let list = app
        .rpc_ok("account_session_list", json!({}), Cred::Bearer(&secret))
        .await;
    let (status, body) = app
        .rpc(
            "account_token_create",
            json!({"name": "more"}),
            Cred::Bearer(&secret),
        )
        .await;

    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["current"], false, "a token is no session");
    assert_rpc_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn the_eleventh_token_evicts_the_oldest() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let mut tokens = Vec::new();
    for n in 0..11 {
        app.clock.advance(std::time::Duration::from_secs(1));
        tokens.push(app.api_token(&cookie, &format!("token {n}")).await);
    }

    let list = app
        .rpc_ok("account_token_list", json!({}), Cred::Cookie(&cookie))
        .await;

    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 10);
    assert!(!ids.contains(&tokens[0].0.as_str()));
    assert!(ids.contains(&tokens[10].0.as_str()));
    let (status, _) = app
        .rpc("account_verify", json!({}), Cred::Bearer(&tokens[0].1))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bearer_token_from_another_sites_page_is_ignored() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let (_, secret) = app.api_token(&cookie, "script").await;

    let from_page = app
        .client
        .get(app.url("/api/events"))
        .header("authorization", format!("Bearer {secret}"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();

    assert_eq!(from_page.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_owner_reads_the_policy_and_sets_a_preset() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;

    let before = app
        .rpc_ok("account_security_get", json!({}), Cred::Cookie(&cookie))
        .await;
    let set = app
        .rpc_ok(
            "account_policy_set",
            json!({"preset": "strict"}),
            Cred::Cookie(&cookie),
        )
        .await;
    let after = app
        .rpc_ok("account_security_get", json!({}), Cred::Cookie(&cookie))
        .await;

    assert_eq!(before["policy"]["override"], Value::Null);
    assert_eq!(before["policy"]["effective_idle_seconds"], 3600);
    assert_eq!(before["policy"]["bounds"]["idle_minutes_min"], 5);
    assert_eq!(before["active_users"][0]["you"], true);
    assert_eq!(set["policy"]["preset"], "strict");
    assert_eq!(
        after["policy"]["override"],
        json!({"idle_minutes": 15, "absolute_minutes": 480})
    );
    assert_eq!(after["policy"]["effective_absolute_seconds"], 480 * 60);
}

#[tokio::test]
async fn out_of_bounds_custom_minutes_are_invalid_params_naming_the_field() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;

    let (status, body) = app
        .rpc(
            "account_policy_set",
            json!({"idle_minutes": 1, "absolute_minutes": 60}),
            Cred::Cookie(&cookie),
        )
        .await;

    assert_rpc_error(status, &body, StatusCode::BAD_REQUEST, "invalid_params");
    assert_eq!(body["error"]["data"]["field"], "idle_minutes");
}

#[tokio::test]
async fn calls_without_a_credential_are_unauthenticated() {
    let app = spawn_app().await;

    let (status, body) = app
        .rpc("account_session_list", json!({}), Cred::Nothing)
        .await;

    assert_rpc_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(body["error"]["code"], -32_001);
    assert_eq!(body["id"], 1);
}

#[tokio::test]
async fn protocol_errors_are_json_rpc_errors_with_matching_statuses() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let cases = [
        ("{not json", StatusCode::BAD_REQUEST, -32_700),
        ("[]", StatusCode::BAD_REQUEST, -32_600),
        (
            r#"{"jsonrpc":"1.0","id":1,"method":"account_verify"}"#,
            StatusCode::BAD_REQUEST,
            -32_600,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"account_delete_everything"}"#,
            StatusCode::NOT_FOUND,
            -32_601,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"account_session_revoke","params":{"session_id":"x"}}"#,
            StatusCode::BAD_REQUEST,
            -32_006,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"account_session_revoke","params":[1]}"#,
            StatusCode::BAD_REQUEST,
            -32_006,
        ),
    ];

    for (body, status, code) in cases {
        let response = app.post_rpc_body(body, Cred::Cookie(&cookie)).await;
        assert_eq!(response.status(), status, "{body}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"]["code"], code, "{body}: {answer}");
        assert!(answer["error"]["data"]["code"].is_string(), "{answer}");
    }
}

#[tokio::test]
async fn a_notification_runs_and_gets_no_answer() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    let there = app.logged_in(&user).await;

    let response = app
        .post_rpc_body(
            r#"{"jsonrpc":"2.0","method":"account_session_revoke_all","params":{"except_current":true}}"#,
            Cred::Cookie(&here),
        )
        .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, _) = app
        .rpc("account_verify", json!({}), Cred::Cookie(&there))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_oversized_rpc_body_gets_a_json_rpc_error() {
    let app = spawn_app().await;

    let response = app
        .post_rpc_body(&"x".repeat(70 * 1024), Cred::Nothing)
        .await;

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["data"]["code"], "payload_too_large");
}

fn call(id: u64, method: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": {}})
}

#[tokio::test]
async fn a_batch_gets_its_answers_in_order_with_the_notifications_left_out() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let batch = json!([
        call(1, "account_verify"),
        {"jsonrpc": "2.0", "method": "account_verify"},
        call(2, "account_session_list"),
        42,
        call(3, "no_such_method"),
    ]);

    let response = app
        .post_rpc_body(&batch.to_string(), Cred::Cookie(&cookie))
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let answers: Vec<Value> = response.json().await.unwrap();
    let ids: Vec<&Value> = answers.iter().map(|a| &a["id"]).collect();
    assert_eq!(ids, [&json!(1), &json!(2), &Value::Null, &json!(3)]);
    assert!(answers[0]["result"]["me"].is_object(), "{answers:?}");
    assert!(answers[1]["result"].is_array(), "{answers:?}");
    assert_eq!(answers[2]["error"]["code"], -32_600);
    assert_eq!(answers[3]["error"]["code"], -32_601);
}

#[tokio::test]
async fn an_empty_batch_and_one_of_more_than_twenty_calls_are_refused_whole() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let too_many = Value::Array((1..=21).map(|id| call(id, "account_verify")).collect());

    for batch in [json!([]), too_many] {
        let response = app
            .post_rpc_body(&batch.to_string(), Cred::Cookie(&cookie))
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"]["code"], -32_600, "{answer}");
        assert_eq!(answer["id"], Value::Null);
    }
}

#[tokio::test]
async fn a_batch_of_notifications_only_gets_no_answer() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let batch = json!([{"jsonrpc": "2.0", "method": "account_verify"}]);

    let response = app
        .post_rpc_body(&batch.to_string(), Cred::Cookie(&cookie))
        .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn each_call_of_a_batch_is_authorized_on_its_own() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let member = app.added_member(&owner, "Max Member").await;
    let member_cookie = app.logged_in(&member).await;
    let batch = json!([
        call(1, "account_verify"),
        {"jsonrpc": "2.0", "id": 2, "method": "account_policy_set", "params": {"preset": "strict"}},
    ]);

    let response = app
        .post_rpc_body(&batch.to_string(), Cred::Cookie(&member_cookie))
        .await;

    let answers: Vec<Value> = response.json().await.unwrap();
    assert!(answers[0]["result"].is_object(), "{answers:?}");
    assert_eq!(answers[1]["error"]["data"]["code"], "forbidden");
}

#[tokio::test]
async fn a_batch_over_the_websocket_gets_one_message_with_every_answer() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let mut socket = app.open_socket(Cred::Cookie(&cookie), None).await.unwrap();

    let answers = socket
        .exchange(&json!([
            call(1, "account_verify"),
            call(2, "account_token_list")
        ]))
        .await;

    let answers = answers.as_array().expect("an array of answers");
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["id"], 1);
    assert!(answers[1]["result"].is_array(), "{answers:?}");
}
