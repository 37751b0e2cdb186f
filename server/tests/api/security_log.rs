//! The security log over the wire (`account_audit_list`): newest first, a
//! page at a time, filtered, the whole account for an owner and only their
//! own entries for a member; new entries reach an open log at once.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestUser, assert_rpc_error, spawn_app};
use crate::live_client::PROMPTLY;

fn kinds(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_owner_reads_the_whole_account_newest_first_with_who_did_what_to_whom() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    app.clock.advance(Duration::from_secs(1));
    let bob = app.added_member(&owner, "Bob").await;
    app.clock.advance(Duration::from_secs(1));
    let bob_cookie = app.logged_in(&bob).await;
    let bob_id = app.user_id_of(&bob_cookie).await;
    app.clock.advance(Duration::from_secs(1));
    app.rpc_ok(
        "account_member_sign_out",
        json!({"user_id": bob_id}),
        Cred::Cookie(&owner),
    )
    .await;

    let page = app
        .rpc_ok("account_audit_list", json!({}), Cred::Cookie(&owner))
        .await;

    assert_eq!(
        kinds(&page),
        ["sessions_revoked", "signed_in", "member_added", "signed_up"]
    );
    let revoke = &page["entries"][0];
    assert_eq!(revoke["actor"]["name"], "Ada Lovelace");
    assert_eq!(revoke["subject"], json!({"user_id": bob_id, "name": "Bob"}));
    assert_eq!(revoke["outcome"], "succeeded");
    assert_eq!(revoke["detail"]["count"], 1);
    assert!(revoke["at"].is_i64());
    assert!(page["next_cursor"].is_null(), "one page only");
}

#[tokio::test]
async fn ending_one_session_records_the_device_and_address_it_was_signed_in_from() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    let laptop = app
        .client
        .post(app.url("/api/auth/login"))
        .header(
            "user-agent",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0",
        )
        .json(&json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(laptop.status(), StatusCode::OK);
    let there = laptop.json::<Value>().await.unwrap()["session_id"].clone();
    app.clock.advance(Duration::from_secs(1));

    app.rpc_ok(
        "account_session_revoke",
        json!({"session_id": there}),
        Cred::Cookie(&here),
    )
    .await;

    let page = app
        .rpc_ok("account_audit_list", json!({}), Cred::Cookie(&here))
        .await;
    let ended = &page["entries"][0];
    assert_eq!(ended["kind"], "sessions_revoked");
    assert_eq!(ended["detail"]["device"], "Firefox on Windows");
    assert_eq!(ended["detail"]["ip"], "127.0.0.1");
    assert_eq!(ended["detail"]["count"], 1);
}

#[tokio::test]
async fn pages_follow_each_other_without_repeats_or_gaps_while_entries_are_added() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let owner = app.signed_up(&user).await;
    for _ in 0..4 {
        app.clock.advance(Duration::from_secs(1));
        app.logged_in(&user).await;
    }
    let first = app
        .rpc_ok(
            "account_audit_list",
            json!({"limit": 2}),
            Cred::Cookie(&owner),
        )
        .await;
    // Entries added between pages come before the first page, not in the next.
    app.clock.advance(Duration::from_secs(1));
    app.logged_in(&user).await;

    let mut seen: Vec<Value> = first["entries"].as_array().unwrap().clone();
    let mut cursor = first["next_cursor"].clone();
    while !cursor.is_null() {
        let page = app
            .rpc_ok(
                "account_audit_list",
                json!({"limit": 2, "cursor": cursor}),
                Cred::Cookie(&owner),
            )
            .await;
        seen.extend(page["entries"].as_array().unwrap().iter().cloned());
        cursor = page["next_cursor"].clone();
    }

    let ids: Vec<&str> = seen.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids.len(), 5, "signed up and four sign-ins: {ids:?}");
    assert_eq!(unique.len(), ids.len(), "a repeat: {ids:?}");
    let ats: Vec<i64> = seen.iter().map(|e| e["at"].as_i64().unwrap()).collect();
    assert!(
        ats.windows(2).all(|w| w[0] >= w[1]),
        "not newest first: {ats:?}"
    );
}

#[tokio::test]
async fn entries_filter_by_kind_and_by_user() {
    let app = spawn_app().await;
    let owner_user = TestUser::generate();
    let owner = app.signed_up(&owner_user).await;
    let bob = app.added_member(&owner, "Bob").await;
    app.clock.advance(Duration::from_secs(1));
    let bob_cookie = app.logged_in(&bob).await;
    let bob_id = app.user_id_of(&bob_cookie).await;
    app.clock.advance(Duration::from_secs(1));
    app.logged_in(&owner_user).await;

    let sign_ins = app
        .rpc_ok(
            "account_audit_list",
            json!({"kind": "signed_in"}),
            Cred::Cookie(&owner),
        )
        .await;
    let about_bob = app
        .rpc_ok(
            "account_audit_list",
            json!({"user_id": bob_id}),
            Cred::Cookie(&owner),
        )
        .await;

    assert_eq!(kinds(&sign_ins), ["signed_in", "signed_in"]);
    // Done by Bob (his sign-in) and to Bob (added by the owner).
    assert_eq!(kinds(&about_bob), ["signed_in", "member_added"]);
}

#[tokio::test]
async fn a_member_reads_only_their_own_entries() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let owner_id = app.user_id_of(&owner).await;
    let bob = app.added_member(&owner, "Bob").await;
    app.clock.advance(Duration::from_secs(1));
    let bob_cookie = app.logged_in(&bob).await;
    app.rpc_ok(
        "account_policy_set",
        json!({"preset": "strict"}),
        Cred::Cookie(&owner),
    )
    .await;

    let own = app
        .rpc_ok("account_audit_list", json!({}), Cred::Cookie(&bob_cookie))
        .await;
    let (status, body) = app
        .rpc(
            "account_audit_list",
            json!({"user_id": owner_id}),
            Cred::Cookie(&bob_cookie),
        )
        .await;

    assert_eq!(kinds(&own), ["signed_in", "member_added"]);
    assert_rpc_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn another_accounts_user_filters_to_nothing_like_an_unknown_one() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let theirs = app.signed_up(&TestUser::generate()).await;
    let their_id = app.user_id_of(&theirs).await;

    let other = app
        .rpc(
            "account_audit_list",
            json!({"user_id": their_id}),
            Cred::Cookie(&owner),
        )
        .await;
    let made_up = app
        .rpc(
            "account_audit_list",
            json!({"user_id": "0".repeat(32)}),
            Cred::Cookie(&owner),
        )
        .await;

    assert_eq!(other, made_up);
    assert_eq!(
        other.1["result"],
        json!({"entries": [], "next_cursor": null})
    );
}

#[tokio::test]
async fn a_bad_cursor_limit_or_kind_is_refused_naming_it() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;

    for params in [
        json!({"cursor": "1-' OR 1=1 --"}),
        json!({"limit": 0}),
        json!({"limit": 201}),
        json!({"kind": "dropped_tables"}),
    ] {
        let (status, body) = app
            .rpc("account_audit_list", params.clone(), Cred::Cookie(&owner))
            .await;
        assert_rpc_error(status, &body, StatusCode::BAD_REQUEST, "invalid_params");
    }
}

#[tokio::test]
async fn an_open_log_hears_of_the_entries_its_reader_may_read_and_no_others() {
    let app = spawn_app().await;
    let owner_user = TestUser::generate();
    let owner = app.signed_up(&owner_user).await;
    let bob = app.added_member(&owner, "Bob").await;
    let cara = app.added_member(&owner, "Cara").await;
    let bob_cookie = app.logged_in(&bob).await;
    let cara_cookie = app.logged_in(&cara).await;
    let follow = |cookie: &str| {
        let request = app
            .client
            .get(app.url("/api/events?log=true"))
            .header("cookie", format!("__Host-session={cookie}"));
        async move { request.send().await.unwrap() }
    };
    let mut owner_log = crate::live_client::EventStream::of(follow(&owner).await);
    let mut bob_log = crate::live_client::EventStream::of(follow(&bob_cookie).await);
    let mut owner_page = app.open_events(Cred::Cookie(&owner)).await;
    for stream in [&mut owner_log, &mut bob_log, &mut owner_page] {
        stream.next_event(PROMPTLY).await;
    }

    // Cara signs in again: the owner's log hears of it, Bob's does not.
    app.logged_in(&cara).await;
    assert_eq!(
        owner_log.next_event(PROMPTLY).await.unwrap().name,
        "audit_recorded"
    );
    assert!(bob_log.stays_quiet(Duration::from_millis(300)).await);
    // Something done to Bob: his own log hears of it too.
    let bob_id = app.user_id_of(&bob_cookie).await;
    app.rpc_ok(
        "account_member_sign_out",
        json!({"user_id": bob_id}),
        Cred::Cookie(&owner),
    )
    .await;
    let bob_heard: Vec<String> = [
        bob_log.next_event(PROMPTLY).await,
        bob_log.next_event(PROMPTLY).await,
    ]
    .into_iter()
    .flatten()
    .map(|event| event.name)
    .collect();
    assert!(
        bob_heard.contains(&"session_revoked".to_owned()),
        "{bob_heard:?}"
    );
    // A page that does not show the log is not told.
    assert!(owner_page.stays_quiet(Duration::from_millis(300)).await);
    drop(cara_cookie);
}
