use api::paths;
use std::net::IpAddr;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Cred, TestApp, TestUser, assert_api_error, assert_rpc_error, spawn_app, spawn_app_on_real_time,
    spawn_app_with, with_cred,
};
use crate::live_client::{EventStream, PROMPTLY, Socket};

#[tokio::test]
async fn the_stream_starts_with_the_session_state_and_the_server_time() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;

    let mut events = app.open_events(Cred::Cookie(&cookie)).await;
    let first = events.next_event(PROMPTLY).await.expect("a first event");

    assert_eq!(first.name, "session");
    assert_eq!(first.data["server_time"], app.clock_now());
    assert!(first.data["idle_ends_at"].as_i64().unwrap() > app.clock_now());
    assert_eq!(first.data["session_id"].as_str().unwrap().len(), 32);
}

#[tokio::test]
async fn the_first_event_says_the_role_now_so_a_page_drawn_before_a_change_can_tell() {
    // Arrange: a page of Max's was drawn while he was a member; before its
    // stream opened, the owner made him an owner.
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let max = app.added_member(&owner, "Max Member").await;
    let cookie = app.logged_in(&max).await;
    let before = app
        .open_events(Cred::Cookie(&cookie))
        .await
        .next_event(PROMPTLY)
        .await;
    let user_id = app.user_id_of(&cookie).await;
    app.rpc_ok(
        "account_member_role_set",
        json!({"user_id": user_id, "role": "owner"}),
        Cred::Cookie(&owner),
    )
    .await;

    // Act
    let mut events = app.open_events(Cred::Cookie(&cookie)).await;
    let after = events.next_event(PROMPTLY).await.expect("a first event");

    // Assert
    assert_eq!(before.expect("a first event").data["role"], "member");
    assert_eq!(after.name, "session");
    assert_eq!(after.data["role"], "owner");
}

#[tokio::test]
async fn revoking_a_session_closes_its_stream_and_socket_but_not_the_others() {
    // Arrange: two sessions of one user, each with a stream; one socket.
    let app = spawn_app().await;
    let user = TestUser::generate();
    let here = app.signed_up(&user).await;
    let there = app.logged_in(&user).await;
    let mut here_events = app.open_events(Cred::Cookie(&here)).await;
    let mut there_events = app.open_events(Cred::Cookie(&there)).await;
    let mut there_socket = app.open_socket(Cred::Cookie(&there), None).await.unwrap();
    here_events.next_event(PROMPTLY).await;
    there_events.next_event(PROMPTLY).await;
    let there_id =
        there_socket.call("account_verify", json!({})).await["result"]["session_id"].clone();

    // Act
    app.rpc_ok(
        "account_session_revoke",
        json!({"session_id": there_id}),
        Cred::Cookie(&here),
    )
    .await;

    // Assert
    let last = there_events
        .next_event(PROMPTLY)
        .await
        .expect("a last event");
    assert_eq!(last.name, "session_revoked");
    assert_eq!(last.data["reason"], "revoked");
    assert_eq!(
        there_events.next_event(PROMPTLY).await,
        None,
        "the stream ended"
    );
    let closed = there_socket.closed(PROMPTLY).await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (4001, "session revoked")
    );
    assert!(
        here_events.stays_quiet(Duration::from_millis(300)).await,
        "the other stream was touched"
    );
}

#[tokio::test]
async fn signing_out_others_closes_every_stream_but_the_owners_current_one() {
    let app = spawn_app().await;
    let owner = TestUser::generate();
    let owner_cookie = app.signed_up(&owner).await;
    let member = app.added_member(&owner_cookie, "M").await;
    let member_cookie = app.logged_in(&member).await;
    let owner_laptop = app.logged_in(&owner).await;
    let mut owner_events = app.open_events(Cred::Cookie(&owner_cookie)).await;
    let mut member_events = app.open_events(Cred::Cookie(&member_cookie)).await;
    let mut laptop_events = app.open_events(Cred::Cookie(&owner_laptop)).await;
    for events in [&mut owner_events, &mut member_events, &mut laptop_events] {
        events.next_event(PROMPTLY).await;
    }

    let count = app
        .rpc_ok(
            "account_sessions_revoke",
            json!({"scope": "others"}),
            Cred::Cookie(&owner_cookie),
        )
        .await;

    assert_eq!(count, json!({"count": 2}));
    for events in [&mut member_events, &mut laptop_events] {
        let last = events.next_event(PROMPTLY).await.unwrap();
        assert_eq!(
            (last.name.as_str(), &last.data["reason"]),
            ("session_revoked", &json!("signed_out_by_owner"))
        );
    }
    assert!(owner_events.stays_quiet(Duration::from_millis(300)).await);
    let list = app
        .rpc_ok(
            "account_session_list",
            json!({}),
            Cred::Cookie(&owner_cookie),
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn signing_out_everyone_closes_every_stream_including_the_owners_own() {
    let app = spawn_app().await;
    let owner = TestUser::generate();
    let owner_cookie = app.signed_up(&owner).await;
    let member = app.added_member(&owner_cookie, "M").await;
    let member_cookie = app.logged_in(&member).await;
    let mut streams = Vec::new();
    for cookie in [&owner_cookie, &member_cookie] {
        let mut events = app.open_events(Cred::Cookie(cookie)).await;
        events.next_event(PROMPTLY).await;
        streams.push(events);
    }

    let count = app
        .rpc_ok(
            "account_sessions_revoke",
            json!({"scope": "all"}),
            Cred::Cookie(&owner_cookie),
        )
        .await;

    assert_eq!(count, json!({"count": 2}));
    for events in &mut streams {
        let last = events.next_event(PROMPTLY).await.unwrap();
        assert_eq!(
            (last.name.as_str(), &last.data["reason"]),
            ("session_revoked", &json!("signed_out_by_owner"))
        );
    }
    for cookie in [&owner_cookie, &member_cookie] {
        let (status, body) = app
            .rpc("account_verify", json!({}), Cred::Cookie(cookie))
            .await;
        assert_rpc_error(status, &body, StatusCode::UNAUTHORIZED, "session_revoked");
    }
}

#[tokio::test]
async fn revoking_an_api_token_closes_its_socket() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let (id, secret) = app.api_token(&cookie, "socket script").await;
    let mut socket = app.open_socket(Cred::Bearer(&secret), None).await.unwrap();
    let verified = socket.call("account_verify", json!({})).await;
    assert_eq!(verified["result"]["credential"], "api_token");

    app.rpc_ok(
        "account_token_revoke",
        json!({"token_id": id}),
        Cred::Cookie(&cookie),
    )
    .await;

    let closed = socket.closed(PROMPTLY).await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (4001, "token revoked")
    );
}

#[tokio::test]
async fn a_policy_change_reaches_the_accounts_streams() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let mut events = app.open_events(Cred::Cookie(&cookie)).await;
    events.next_event(PROMPTLY).await;

    app.rpc_ok(
        "account_policy_set",
        json!({"preset": "strict"}),
        Cred::Cookie(&cookie),
    )
    .await;

    assert_eq!(
        events.next_event(PROMPTLY).await.unwrap().name,
        "policy_updated"
    );
}

#[tokio::test]
async fn activity_in_one_tab_updates_the_other_tabs_stream() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let mut events = app.open_events(Cred::Cookie(&cookie)).await;
    let first = events.next_event(PROMPTLY).await.unwrap();
    app.clock.advance(Duration::from_mins(2));

    app.get(paths::page::SECURITY, Some(&cookie)).await;

    let updated = events.next_event(PROMPTLY).await.unwrap();
    assert_eq!(updated.name, "session_updated");
    let moved = updated.data["idle_ends_at"].as_i64().unwrap()
        - first.data["idle_ends_at"].as_i64().unwrap();
    assert_eq!(moved, 120_000);
}

#[tokio::test]
async fn the_stream_of_an_expiring_session_ends_at_its_end_with_session_expired() {
    // The server's own clock, and a 2 s idle timeout: the session ends while
    // the stream is open, with no request to notice it.
    let app =
        spawn_app_on_real_time(|config| config.default_idle_timeout = Duration::from_secs(2)).await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let mut events = app.open_events(Cred::Cookie(&cookie)).await;
    let first = events.next_event(PROMPTLY).await.unwrap();
    let mut socket = app.open_socket(Cred::Cookie(&cookie), None).await.unwrap();

    let last = events
        .next_event(Duration::from_secs(4))
        .await
        .expect("a last event");

    assert_eq!(last.name, "session_expired");
    assert_eq!(events.next_event(PROMPTLY).await, None, "the stream ended");
    let ended_at = first.data["idle_ends_at"].as_i64().unwrap();
    assert!(now_millis() >= ended_at, "ended early");
    let closed = socket.closed(PROMPTLY).await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (4001, "session expired")
    );
}

#[tokio::test]
async fn the_stream_needs_a_browser_session() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let (_, secret) = app.api_token(&cookie, "script").await;

    let by_token = app.try_open_events(Cred::Bearer(&secret)).await;
    let anonymous = app.try_open_events(Cred::Nothing).await;

    assert_eq!(by_token.status(), reqwest::StatusCode::FORBIDDEN);
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_socket_from_another_sites_page_is_refused() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;

    let refused = app
        .open_socket(Cred::Cookie(&cookie), Some("https://evil.example"))
        .await;
    let same_site = app
        .open_socket(Cred::Cookie(&cookie), Some(&format!("http://{}", app.addr)))
        .await;

    assert!(refused.is_err());
    assert!(same_site.is_ok());
}

fn now_millis() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

#[tokio::test]
async fn a_socket_rechecks_its_session_on_every_request() {
    // A revoke this instance was never told of, as when another instance
    // could not publish it, still stops the socket at its next request.
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let mut socket = app.open_socket(Cred::Cookie(&cookie), None).await.unwrap();
    socket.call("account_verify", json!({})).await;
    app.db
        .db
        .execute_write(
            sqlx::query("UPDATE sessions SET revoked_at = $1, revoke_reason = 'revoked'")
                .bind(app.clock_now()),
        )
        .await
        .unwrap();

    socket.send("account_session_list", json!({})).await;

    assert_eq!(socket.closed(PROMPTLY).await.reason, "session revoked");
}

#[tokio::test]
async fn a_session_past_its_live_connection_limit_is_refused_clearly() {
    let app = spawn_app_with(|config| config.live_per_credential = 2).await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let _first = app.open_events(Cred::Cookie(&cookie)).await;
    let _second = app.open_socket(Cred::Cookie(&cookie), None).await.unwrap();

    let third = app.try_open_events(Cred::Cookie(&cookie)).await;
    let socket = app.open_socket(Cred::Cookie(&cookie), None).await;

    assert_api_error(third, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(socket.is_err(), "the socket is refused before the upgrade");
    let other = app.signed_up(&TestUser::generate()).await;
    assert_eq!(
        app.try_open_events(Cred::Cookie(&other)).await.status(),
        StatusCode::OK,
        "another session is not affected"
    );
}

#[tokio::test]
async fn one_address_past_its_live_connection_limit_is_refused() {
    let app = spawn_app_with(|config| config.live_per_address = 2).await;
    let mut cookies = Vec::new();
    for _ in 0..3 {
        cookies.push(app.signed_up(&TestUser::generate()).await);
    }
    let _a = app.open_events(Cred::Cookie(&cookies[0])).await;
    let _b = app.open_events(Cred::Cookie(&cookies[1])).await;

    let third = app.try_open_events(Cred::Cookie(&cookies[2])).await;

    assert_api_error(third, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn streams_from_one_ipv6_64_network_share_its_live_connection_limit() {
    // Arrange: clients seen through a trusted proxy on loopback.
    let app = spawn_app_with(|config| {
        config.live_per_address = 2;
        config.trusted_proxies = vec![IpAddr::from([127, 0, 0, 1])];
    })
    .await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let open_from = |client: &'static str| {
        with_cred(
            app.client.get(app.url(paths::EVENTS)),
            Cred::Cookie(&cookie),
        )
        .header("x-forwarded-for", client)
        .send()
    };
    let _a = EventStream::of(open_from("2001:db8:1:2::1").await.unwrap());
    let _b = EventStream::of(open_from("2001:db8:1:2::2").await.unwrap());

    // Act
    let same_64 = open_from("2001:db8:1:2:aaaa:bbbb:cccc:dddd").await.unwrap();
    let another_64 = open_from("2001:db8:1:3::1").await.unwrap();

    // Assert
    assert_api_error(same_64, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_eq!(another_64.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_socket_that_stops_answering_pings_is_closed() {
    let app = spawn_app_with(|config| config.ws_ping_interval = Duration::from_millis(200)).await;
    let cookie = app.signed_up(&TestUser::generate()).await;
    let mut socket = app.open_socket(Cred::Cookie(&cookie), None).await.unwrap();

    // A half-open connection: the client reads nothing, so it answers no
    // ping, for three intervals.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let closed = socket.closed(PROMPTLY).await;

    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (4002, "no answer to ping")
    );
}

/// Bob and Cara, members of one account, each signed in and following
/// their stream (its first event read); Bob on a socket too and, given an
/// API token of his first, on a script's socket with it.
pub struct BobAndCara {
    pub owner: String,
    pub bob_id: String,
    bob_events: EventStream,
    bob_sockets: Vec<Socket>,
    cara_events: EventStream,
}

impl BobAndCara {
    pub async fn signed_in(app: &TestApp, bob_has_a_token: bool) -> Self {
        let owner = app.signed_up(&TestUser::generate()).await;
        let bob = app.added_member(&owner, "Bob").await;
        let cara = app.added_member(&owner, "Cara").await;
        let bob_cookie = app.logged_in(&bob).await;
        let cara_cookie = app.logged_in(&cara).await;
        let bob_token = if bob_has_a_token {
            Some(app.api_token(&bob_cookie, "deploy").await.1)
        } else {
            None
        };
        let bob_id = app.user_id_of(&bob_cookie).await;
        let mut bob_events = app.open_events(Cred::Cookie(&bob_cookie)).await;
        let mut cara_events = app.open_events(Cred::Cookie(&cara_cookie)).await;
        let mut bob_sockets = Vec::new();
        let bearer = bob_token.as_deref().map(Cred::Bearer);
        for cred in std::iter::once(Cred::Cookie(&bob_cookie)).chain(bearer) {
            bob_sockets.push(app.open_socket(cred, None).await.unwrap());
        }
        for events in [&mut bob_events, &mut cara_events] {
            events.next_event(PROMPTLY).await;
        }
        Self {
            owner,
            bob_id,
            bob_events,
            bob_sockets,
            cara_events,
        }
    }

    /// The owner calls `method` on Bob: his stream ends for `reason`, every
    /// socket of his closes, and Cara hears nothing. The method's answer.
    pub async fn ended_by_the_owner(&mut self, app: &TestApp, method: &str, reason: &str) -> Value {
        let answer = app
            .rpc_ok(
                method,
                json!({"user_id": self.bob_id}),
                Cred::Cookie(&self.owner),
            )
            .await;
        let last = self.bob_events.next_event(PROMPTLY).await.unwrap();
        assert_eq!(
            (last.name.as_str(), &last.data["reason"]),
            ("session_revoked", &json!(reason))
        );
        for socket in &mut self.bob_sockets {
            assert_eq!(socket.closed(PROMPTLY).await.code, 4001);
        }
        assert!(
            self.cara_events
                .stays_quiet(Duration::from_millis(300))
                .await
        );
        answer
    }
}

#[tokio::test]
async fn signing_out_one_member_closes_their_stream_and_socket_and_no_one_elses() {
    let app = spawn_app().await;
    let mut members = BobAndCara::signed_in(&app, false).await;

    let signed_out = members
        .ended_by_the_owner(&app, "account_member_sign_out", "signed_out_by_owner")
        .await;

    assert_eq!(signed_out, json!({"sessions": 1, "tokens": 0}));
}
