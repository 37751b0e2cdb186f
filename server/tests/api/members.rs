//! The owner and the account's users: the list (`account_member_list`),
//! removing a member (`account_member_remove`) and roles
//! (`account_member_role_set`).

use api::paths;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestApp, TestUser, assert_api_error, assert_rpc_error, spawn_app};
use crate::live::BobAndCara;
use crate::live_client::PROMPTLY;

#[tokio::test]
async fn the_owner_lists_every_user_of_the_account_and_only_those() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let member = app.added_member(&owner, "Max Member").await;
    let member_session = app.logged_in(&member).await;
    app.api_token(&member_session, "deploy").await;
    let other_account = app.signed_up(&TestUser::generate()).await;

    let list = app
        .rpc_ok("account_member_list", json!({}), Cred::Cookie(&owner))
        .await;

    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["role"], "owner");
    assert_eq!(list[0]["you"], true);
    assert_eq!(list[1]["email"], member.email);
    assert_eq!(list[1]["role"], "member");
    assert_eq!(list[1]["live_sessions"], 1);
    assert_eq!(list[1]["usable_tokens"], 1);
    assert!(list[1]["last_active_at"].is_i64());
    let theirs = app
        .rpc_ok(
            "account_member_list",
            json!({}),
            Cred::Cookie(&other_account),
        )
        .await;
    assert_eq!(
        theirs.as_array().unwrap().len(),
        1,
        "another account's list"
    );
}

#[tokio::test]
async fn a_member_may_not_list_the_account() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let member = app.added_member(&owner, "Max Member").await;
    let member_session = app.logged_in(&member).await;

    let (status, body) = app
        .rpc(
            "account_member_list",
            json!({}),
            Cred::Cookie(&member_session),
        )
        .await;

    assert_rpc_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}

async fn role_of(app: &TestApp, owner: &str, user_id: &str) -> Value {
    let list = app
        .rpc_ok("account_member_list", json!({}), Cred::Cookie(owner))
        .await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|member| member["user_id"] == user_id)
        .map_or(Value::Null, |member| member["role"].clone())
}

/// The user of `cookie` makes `user_id` a `role` (`account_member_role_set`).
async fn try_set_role(
    app: &TestApp,
    cookie: &str,
    user_id: &str,
    role: &str,
) -> (StatusCode, Value) {
    let params = json!({"user_id": user_id, "role": role});
    app.rpc("account_member_role_set", params, Cred::Cookie(cookie))
        .await
}

/// The same, which must go through: the answer.
async fn set_role(app: &TestApp, cookie: &str, user_id: &str, role: &str) -> Value {
    let (status, body) = try_set_role(app, cookie, user_id, role).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["result"].clone()
}

/// Ada, an owner, and Bob, made an owner by her: their cookies and ids.
async fn two_owners(app: &TestApp) -> ((String, String), (String, String)) {
    let ada = app.signed_up(&TestUser::generate()).await;
    let ada_id = app.user_id_of(&ada).await;
    let bob = app.added_member(&ada, "Bob").await;
    let bob = app.logged_in(&bob).await;
    let bob_id = app.user_id_of(&bob).await;
    set_role(app, &ada, &bob_id, "owner").await;
    ((ada, ada_id), (bob, bob_id))
}

#[tokio::test]
async fn removing_a_member_ends_every_credential_and_closes_their_connections_at_once() {
    let app = spawn_app().await;
    let mut members = BobAndCara::signed_in(&app, true).await;

    let removed = members
        .ended_by_the_owner(&app, "account_member_remove", "removed_from_account")
        .await;

    assert_eq!(removed, json!({"sessions": 1, "tokens": 1}));
    assert_eq!(
        role_of(&app, &members.owner, &members.bob_id).await,
        Value::Null,
        "still listed"
    );
}

#[tokio::test]
async fn a_removed_member_is_refused_on_every_route() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let bob = app.added_member(&owner, "Bob").await;
    let bob_cookie = app.logged_in(&bob).await;
    let (_, bob_token) = app.api_token(&bob_cookie, "deploy").await;
    let bob_id = app.user_id_of(&bob_cookie).await;

    app.rpc_ok(
        "account_member_remove",
        json!({"user_id": bob_id}),
        Cred::Cookie(&owner),
    )
    .await;

    let page = app.get(paths::page::SECURITY, Some(&bob_cookie)).await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER, "the page");
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with(paths::page::LOGIN)
    );
    for cred in [Cred::Cookie(&bob_cookie), Cred::Bearer(&bob_token)] {
        let (status, body) = app.rpc("account_verify", json!({}), cred).await;
        assert_rpc_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
        assert!(
            app.open_socket(cred, None).await.is_err(),
            "a socket opened"
        );
    }
    let stream = app.try_open_events(Cred::Cookie(&bob_cookie)).await;
    assert_eq!(stream.status(), StatusCode::UNAUTHORIZED, "the stream");
    let sign_in = app.login(&bob).await;
    assert_api_error(sign_in, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn the_owner_cannot_remove_themselves_and_a_member_cannot_remove_anyone() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let owner_id = app.user_id_of(&owner).await;
    let bob = app.added_member(&owner, "Bob").await;
    let bob_cookie = app.logged_in(&bob).await;

    let (status, body) = app
        .rpc(
            "account_member_remove",
            json!({"user_id": owner_id}),
            Cred::Cookie(&owner),
        )
        .await;
    assert_rpc_error(status, &body, StatusCode::BAD_REQUEST, "invalid_params");
    let (status, body) = app
        .rpc(
            "account_member_remove",
            json!({"user_id": owner_id}),
            Cred::Cookie(&bob_cookie),
        )
        .await;
    assert_rpc_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(role_of(&app, &owner, &owner_id).await, "owner");
}

#[tokio::test]
async fn a_new_owner_can_act_at_once_and_the_last_owner_stays_one() {
    let app = spawn_app().await;
    let ada = app.signed_up(&TestUser::generate()).await;
    let ada_id = app.user_id_of(&ada).await;
    let bob = app.added_member(&ada, "Bob").await;
    let bob_cookie = app.logged_in(&bob).await;
    let bob_id = app.user_id_of(&bob_cookie).await;
    let mut bob_events = app.open_events(Cred::Cookie(&bob_cookie)).await;
    bob_events.next_event(PROMPTLY).await;

    let promoted = set_role(&app, &ada, &bob_id, "owner").await;

    assert_eq!(
        promoted,
        json!({"user_id": bob_id, "role": "owner", "changed": true})
    );
    assert_eq!(
        bob_events.next_event(PROMPTLY).await.unwrap().name,
        "role_changed"
    );
    let (status, _) = app
        .rpc("account_member_list", json!({}), Cred::Cookie(&bob_cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "Bob is an owner now");

    // Ada steps down; Bob is the last owner and cannot.
    set_role(&app, &ada, &ada_id, "member").await;
    let (status, body) = try_set_role(&app, &bob_cookie, &bob_id, "member").await;
    assert_rpc_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("owner"),
        "{body}"
    );
    let (status, body) = app
        .rpc("account_member_list", json!({}), Cred::Cookie(&ada))
        .await;
    assert_rpc_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let again = set_role(&app, &bob_cookie, &ada_id, "member").await;
    assert_eq!(again["changed"], false);
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = spawn_app().await;
    let ((ada, ada_id), (bob_cookie, bob_id)) = two_owners(&app).await;

    let (by_ada, by_bob) = tokio::join!(
        try_set_role(&app, &ada, &bob_id, "member"),
        try_set_role(&app, &bob_cookie, &ada_id, "member"),
    );

    let went_through = [&by_ada, &by_bob]
        .iter()
        .filter(|(status, _)| *status == StatusCode::OK)
        .count();
    assert_eq!(went_through, 1, "{by_ada:?} {by_bob:?}");
    let owner = if by_ada.0 == StatusCode::OK {
        &ada
    } else {
        &bob_cookie
    };
    let roles = [
        role_of(&app, owner, &ada_id).await,
        role_of(&app, owner, &bob_id).await,
    ];
    assert_eq!(
        roles.iter().filter(|role| **role == "owner").count(),
        1,
        "{roles:?}"
    );
}

#[tokio::test]
async fn removing_and_changing_roles_need_a_recent_password() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let bob = app.added_member(&owner, "Bob").await;
    let bob_id = app.user_id_of(&app.logged_in(&bob).await).await;
    app.clock.advance(Duration::from_mins(16));

    for (method, params) in [
        ("account_member_remove", json!({"user_id": bob_id})),
        (
            "account_member_role_set",
            json!({"user_id": bob_id, "role": "owner"}),
        ),
    ] {
        let (status, body) = app.rpc(method, params, Cred::Cookie(&owner)).await;
        assert_rpc_error(status, &body, StatusCode::FORBIDDEN, "reauth_required");
    }
    assert_eq!(role_of(&app, &owner, &bob_id).await, "member");
}

#[tokio::test]
async fn an_owner_made_a_member_has_their_socket_closed_to_reconnect_and_then_acts_as_a_member() {
    let app = spawn_app().await;
    let ((ada, ada_id), (bob, _)) = two_owners(&app).await;
    let mut socket = app.open_socket(Cred::Cookie(&ada), None).await.unwrap();
    let overview = socket.call("account_security_get", json!({})).await;
    assert!(overview.get("result").is_some(), "{overview}");

    set_role(&app, &bob, &ada_id, "member").await;

    let closed = socket.closed(PROMPTLY).await;
    assert_eq!(closed.code, 4002, "reconnect: {closed:?}");
    let mut again = app.open_socket(Cred::Cookie(&ada), None).await.unwrap();
    let refused = again
        .call("account_sessions_revoke", json!({"scope": "all"}))
        .await;
    assert_eq!(refused["error"]["data"]["code"], "forbidden", "{refused}");
    let bobs = app
        .rpc_ok("account_session_list", json!({}), Cred::Cookie(&bob))
        .await;
    assert_eq!(bobs.as_array().unwrap().len(), 1, "Bob is still signed in");
}

#[tokio::test]
async fn an_owner_made_a_member_stops_following_the_accounts_log_at_once() {
    let app = spawn_app().await;
    let ((ada, ada_id), (bob, _)) = two_owners(&app).await;
    let stream = crate::helpers::with_cred(
        app.client.get(app.url("/api/events?log=true")),
        Cred::Cookie(&ada),
    )
    .send()
    .await
    .unwrap();
    let mut events = crate::live_client::EventStream::of(stream);
    assert_eq!(events.next_event(PROMPTLY).await.unwrap().name, "session");

    set_role(&app, &bob, &ada_id, "member").await;

    let mut names = Vec::new();
    while let Some(event) = events.next_event(PROMPTLY).await {
        names.push(event.name);
    }
    assert_eq!(
        names.last().map(String::as_str),
        Some("role_changed"),
        "the stream ends right after: {names:?}"
    );
    let reopened = app
        .open_events(Cred::Cookie(&ada))
        .await
        .next_event(PROMPTLY)
        .await;
    assert_eq!(reopened.unwrap().data["role"], "member");
}
