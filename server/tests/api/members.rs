//! The owner's list of the account's users (`account_member_list`).

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Cred, TestUser, assert_rpc_error, spawn_app};

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
