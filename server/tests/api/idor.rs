//! Two accounts with two users each: nothing one user does may reveal or
//! touch another user's sessions or tokens, or another account.

use api::paths;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestApp, TestUser, assert_rpc_error, spawn_app};

/// A user with a session and an API token.
struct Probe {
    cookie: String,
    user_id: String,
    session_id: String,
    token_id: String,
    email: String,
}

async fn probe(app: &TestApp, cookie: String, email: String) -> Probe {
    let verified = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&cookie))
        .await;
    let (token_id, _) = app.api_token(&cookie, "probe").await;
    Probe {
        user_id: verified["me"]["user_id"].as_str().unwrap().to_owned(),
        session_id: verified["session_id"].as_str().unwrap().to_owned(),
        cookie,
        token_id,
        email,
    }
}

/// Account A (owner, member) and account B (owner, member).
async fn two_accounts(app: &TestApp) -> [Probe; 4] {
    let mut probes = Vec::new();
    for _ in 0..2 {
        let owner = TestUser::generate();
        let owner_cookie = app.signed_up(&owner).await;
        let member = app.added_member(&owner_cookie, "Member").await;
        let member_cookie = app.logged_in(&member).await;
        probes.push(probe(app, owner_cookie, owner.email).await);
        probes.push(probe(app, member_cookie, member.email).await);
    }
    probes.try_into().unwrap_or_else(|_| unreachable!())
}

#[tokio::test]
async fn nobody_can_revoke_or_see_anyone_elses_sessions_or_tokens() {
    let app = spawn_app().await;
    let probes = two_accounts(&app).await;

    for (i, attacker) in probes.iter().enumerate() {
        let me = Cred::Cookie(&attacker.cookie);
        for (j, victim) in probes.iter().enumerate() {
            if i == j {
                continue;
            }
            let session = app
                .rpc_ok(
                    "account_session_revoke",
                    json!({"session_id": victim.session_id}),
                    me,
                )
                .await;
            let token = app
                .rpc_ok(
                    "account_token_revoke",
                    json!({"token_id": victim.token_id}),
                    me,
                )
                .await;
            assert_eq!(
                session,
                json!({"revoked": false}),
                "{i} revoked {j}'s session"
            );
            assert_eq!(token, json!({"revoked": false}), "{i} revoked {j}'s token");
        }
        let sessions = app.rpc_ok("account_session_list", json!({}), me).await;
        let tokens = app.rpc_ok("account_token_list", json!({}), me).await;
        assert_eq!(
            ids(&sessions, "session_id"),
            vec![attacker.session_id.clone()]
        );
        assert_eq!(ids(&tokens, "id"), vec![attacker.token_id.clone()]);
    }
    for victim in &probes {
        let verified = app
            .rpc_ok("account_verify", json!({}), Cred::Cookie(&victim.cookie))
            .await;
        assert_eq!(
            verified["me"]["email"], victim.email,
            "a probe's own session was touched"
        );
    }
}

#[tokio::test]
async fn a_made_up_id_answers_exactly_like_someone_elses() {
    let app = spawn_app().await;
    let probes = two_accounts(&app).await;
    let me = Cred::Cookie(&probes[0].cookie);

    let theirs = app
        .rpc(
            "account_session_revoke",
            json!({"session_id": probes[3].session_id}),
            me,
        )
        .await;
    let made_up = app
        .rpc(
            "account_session_revoke",
            json!({"session_id": "0".repeat(32)}),
            me,
        )
        .await;

    assert_eq!(theirs, made_up);
}

#[tokio::test]
async fn an_owner_sees_and_signs_out_only_their_own_account() {
    let app = spawn_app().await;
    let [a_owner, a_member, b_owner, b_member] = two_accounts(&app).await;

    let overview = app
        .rpc_ok(
            "account_security_get",
            json!({}),
            Cred::Cookie(&a_owner.cookie),
        )
        .await;
    let emails: Vec<&str> = overview["active_users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2);
    assert!(emails.contains(&a_owner.email.as_str()) && emails.contains(&a_member.email.as_str()));

    let count = app
        .rpc_ok(
            "account_sessions_revoke",
            json!({"scope": "others"}),
            Cred::Cookie(&a_owner.cookie),
        )
        .await;

    assert_eq!(count, json!({"count": 1}));
    for untouched in [&a_owner, &b_owner, &b_member] {
        let (status, _) = app
            .rpc("account_verify", json!({}), Cred::Cookie(&untouched.cookie))
            .await;
        assert_eq!(status, StatusCode::OK, "{} was signed out", untouched.email);
    }
    let (status, body) = app
        .rpc("account_verify", json!({}), Cred::Cookie(&a_member.cookie))
        .await;
    assert_rpc_error(status, &body, StatusCode::UNAUTHORIZED, "session_revoked");
}

#[tokio::test]
async fn members_are_refused_every_owner_action() {
    let app = spawn_app().await;
    let [a_owner, a_member, ..] = two_accounts(&app).await;
    let me = Cred::Cookie(&a_member.cookie);
    let owner = json!({"user_id": a_owner.user_id});

    for (method, params) in [
        ("account_security_get", json!({})),
        ("account_policy_set", json!({"preset": "strict"})),
        ("account_sessions_revoke", json!({"scope": "all"})),
        ("account_member_list", json!({})),
        ("account_member_sign_out", owner.clone()),
        ("account_member_remove", owner.clone()),
        (
            "account_member_role_set",
            json!({"user_id": a_owner.user_id, "role": "member"}),
        ),
        (
            "account_member_role_set",
            json!({"user_id": a_member.user_id, "role": "owner"}),
        ),
    ] {
        let (status, body) = app.rpc(method, params, me).await;
        assert_rpc_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let added = app
        .post_json(
            paths::account::MEMBERS,
            &json!({"name": "Sneaky", "email": "sneaky@example.com", "password": "a long password!"}),
            Some(&a_member.cookie),
        )
        .await;
    assert_eq!(added.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_owner_acting_on_another_accounts_user_is_answered_as_for_an_unknown_one() {
    let app = spawn_app().await;
    let [a_owner, _, b_owner, b_member] = two_accounts(&app).await;
    let me = Cred::Cookie(&a_owner.cookie);
    let made_up = "0".repeat(32);

    for victim in [&b_owner, &b_member] {
        for (method, params) in [
            (
                "account_member_sign_out",
                json!({"revoke_api_tokens": true}),
            ),
            ("account_member_remove", json!({})),
            ("account_member_role_set", json!({"role": "member"})),
            ("account_member_role_set", json!({"role": "owner"})),
        ] {
            let with = |user_id: &str| {
                let mut params = params.clone();
                params["user_id"] = json!(user_id);
                params
            };
            let theirs = app.rpc(method, with(&victim.user_id), me).await;
            let unknown = app.rpc(method, with(&made_up), me).await;
            assert_eq!(theirs, unknown, "{method}");
            assert_rpc_error(theirs.0, &theirs.1, StatusCode::NOT_FOUND, "not_found");
        }
    }
    for untouched in [&b_owner, &b_member] {
        let verified = app
            .rpc_ok("account_verify", json!({}), Cred::Cookie(&untouched.cookie))
            .await;
        assert_eq!(verified["me"]["email"], untouched.email);
    }
    let b_roles = app
        .rpc_ok(
            "account_member_list",
            json!({}),
            Cred::Cookie(&b_owner.cookie),
        )
        .await;
    assert_eq!(b_roles[0]["role"], "owner");
    assert_eq!(b_roles[1]["role"], "member");
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].as_str().unwrap().to_owned())
        .collect()
}
