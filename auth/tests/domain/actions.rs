use std::time::Duration;

use api::rpc::Method;
use api::{
    CredentialKind, PolicySet, PolicySetParams, PolicyView, Preset, RevokeReason, RevokeScope,
    SecurityOverview, SessionId,
};
use auth::testing::TestAuth;
use auth::{Access, AuthError, Caller, PolicyChange};

use crate::helpers::{
    Demo, ada, admitted, caller, demo, demo_owner_signed_in, list_sessions, logged_in, new_token,
    refused, resolve, revoke_all_sessions, revoke_session, set_policy, sign_out_account,
    sign_out_account_and_tokens, signed_up, test_auth,
};

#[tokio::test]
async fn verify_names_the_caller_and_their_session() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;

    let me = caller(&t, &session.token).await;
    let verified = admitted(&t, &me, Method::Verify).await.user().verify();

    assert_eq!(verified.credential, CredentialKind::Session);
    assert_eq!(verified.session_id, Some(session.signed_in.session_id));
    assert_eq!(verified.me.email, "ada@example.com");
    assert_eq!(
        verified.absolute_ends_at,
        Some(session.signed_in.absolute_ends_at)
    );
}

#[tokio::test]
async fn the_session_list_is_newest_first_with_this_device_marked() {
    let t = test_auth().await;
    let first = signed_up(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_secs(5));
    let second = logged_in(&t, "ada@example.com").await;

    let me = caller(&t, &first.token).await;
    let list = list_sessions(&t, &me).await;

    let ids: Vec<_> = list.iter().map(|s| s.session_id.clone()).collect();
    assert_eq!(
        ids,
        vec![second.signed_in.session_id, first.signed_in.session_id]
    );
    assert!(list[1].current && !list[0].current);
    assert_eq!(list[0].device, "Firefox on Linux");
    assert_eq!(list[0].ip.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn revoking_a_session_ends_it_and_closes_its_connections() {
    let t = test_auth().await;
    let here = signed_up(&t, "ada@example.com").await;
    let there = logged_in(&t, "ada@example.com").await;
    let me = caller(&t, &here.token).await;

    let result = revoke_session(&t, &me, there.signed_in.session_id.clone()).await;

    assert!(result.revoked);
    let ended = resolve(&t, &there.token, Access::Api).await;
    assert!(
        matches!(ended, Err(AuthError::SessionRevoked(RevokeReason::Revoked))),
        "{ended:?}"
    );
    let closed = t.closer.closed_sessions();
    assert_eq!(closed, vec![there.signed_in.session_id]);
}

#[tokio::test]
async fn another_users_session_id_answers_false_exactly_like_a_made_up_one() {
    let t = test_auth().await;
    let ada = signed_up(&t, "ada@example.com").await;
    let bob = signed_up(&t, "bob@example.com").await;
    let ada_caller = caller(&t, &ada.token).await;

    let theirs = revoke_session(&t, &ada_caller, bob.signed_in.session_id).await;
    let made_up = revoke_session(&t, &ada_caller, SessionId::from_random_bytes([9; 16])).await;

    assert_eq!(theirs, made_up);
    assert!(!theirs.revoked);
    assert!(resolve(&t, &bob.token, Access::Api).await.is_ok());
    assert!(t.closer.calls().is_empty());
}

#[tokio::test]
async fn revoke_all_can_keep_the_current_session() {
    let t = test_auth().await;
    let here = signed_up(&t, "ada@example.com").await;
    let a = logged_in(&t, "ada@example.com").await;
    let b = logged_in(&t, "ada@example.com").await;
    let me = caller(&t, &here.token).await;

    let count = revoke_all_sessions(&t, &me, true).await.unwrap();

    assert_eq!(count.count, 2);
    assert!(resolve(&t, &here.token, Access::Api).await.is_ok());
    assert!(resolve(&t, &a.token, Access::Api).await.is_err());
    assert!(resolve(&t, &b.token, Access::Api).await.is_err());
    let all = revoke_all_sessions(&t, &me, false).await.unwrap();
    assert_eq!(all.count, 1);
    assert!(resolve(&t, &here.token, Access::Api).await.is_err());
}

/// Who is signed in to the account of the owner `me`
/// (`account_security_get`).
async fn security_overview(t: &TestAuth, me: &Caller) -> SecurityOverview {
    admitted(t, me, Method::SecurityGet)
        .await
        .owner()
        .unwrap()
        .security_overview()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_owner_sees_who_is_signed_in_and_a_member_may_not() {
    let t = test_auth().await;
    let Demo { owner, member, .. } = demo(&t).await;

    let owner_caller = caller(&t, &owner.token).await;
    let overview = security_overview(&t, &owner_caller).await;
    let member_caller = caller(&t, &member.token).await;
    let refused = refused(&t, &member_caller, Method::SecurityGet).await;

    assert_eq!(overview.active_users.len(), 2);
    let you: Vec<_> = overview.active_users.iter().filter(|u| u.you).collect();
    assert_eq!(you.len(), 1);
    assert_eq!(you[0].user_id, owner.signed_in.me.user_id);
    assert_eq!(overview.policy.effective_idle_seconds, 3600);
    assert!(matches!(refused, AuthError::Forbidden), "{refused:?}");
}

#[tokio::test]
async fn signing_out_others_leaves_only_the_owners_current_session() {
    let t = test_auth().await;
    let Demo {
        account,
        owner,
        member,
    } = demo(&t).await;
    let owner_laptop = demo_owner_signed_in(&t, &account).await;
    let me = caller(&t, &owner.token).await;

    let count = sign_out_account(&t, &me, RevokeScope::Others)
        .await
        .unwrap();

    assert_eq!(count.count, 2);
    assert!(resolve(&t, &owner.token, Access::Api).await.is_ok());
    for ended in [&member.token, &owner_laptop.token] {
        let result = resolve(&t, ended, Access::Api).await;
        assert!(
            matches!(
                result,
                Err(AuthError::SessionRevoked(RevokeReason::SignedOutByOwner))
            ),
            "{result:?}"
        );
    }
    let overview = security_overview(&t, &me).await;
    assert_eq!(overview.active_users.len(), 1);
}

#[tokio::test]
async fn signing_out_everyone_includes_the_owner() {
    let t = test_auth().await;
    let Demo { owner, member, .. } = demo(&t).await;
    let me = caller(&t, &owner.token).await;

    let count = sign_out_account(&t, &me, RevokeScope::All).await.unwrap();

    assert_eq!(count.count, 2);
    assert!(resolve(&t, &owner.token, Access::Api).await.is_err());
    assert!(resolve(&t, &member.token, Access::Api).await.is_err());
}

#[tokio::test]
async fn a_member_may_not_sign_out_the_account() {
    let t = test_auth().await;
    let Demo { owner, member, .. } = demo(&t).await;

    let member_caller = caller(&t, &member.token).await;
    let result = sign_out_account(&t, &member_caller, RevokeScope::All).await;

    assert!(matches!(result, Err(AuthError::Forbidden)), "{result:?}");
    assert!(resolve(&t, &owner.token, Access::Api).await.is_ok());
}

#[tokio::test]
async fn policy_set_takes_exactly_one_kind_of_change() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let both = PolicySetParams {
        preset: Some(Preset::Strict),
        clear: true,
        ..PolicySetParams::default()
    };
    let none = PolicySetParams::default();
    let half = PolicySetParams {
        idle_minutes: Some(30),
        ..PolicySetParams::default()
    };
    let out_of_bounds = PolicySetParams {
        idle_minutes: Some(2),
        absolute_minutes: Some(60),
        ..PolicySetParams::default()
    };

    for params in [both, none, half, out_of_bounds] {
        let result = PolicyChange::try_from(&params);
        let err = api::ApiError::from(result.expect_err(&format!("{params:?} was accepted")));
        assert_eq!(err.code, api::ErrorCode::InvalidParams);
    }
    let custom = PolicySetParams {
        idle_minutes: Some(30),
        absolute_minutes: Some(600),
        ..PolicySetParams::default()
    };
    let change = PolicyChange::try_from(&custom).unwrap();
    let set = PolicySet::from(
        set_policy(&t, &me, change, custom.apply_to_live_sessions)
            .await
            .unwrap(),
    );
    assert_eq!(set.policy.effective_idle_seconds, 1800);
    assert_eq!(set.policy.preset, None);
}

#[tokio::test]
async fn a_member_may_read_the_policy() {
    let t = test_auth().await;
    let Demo { member, .. } = demo(&t).await;

    let member = caller(&t, &member.token).await;
    let view = admitted(&t, &member, Method::PolicyGet)
        .await
        .user()
        .policy()
        .await
        .unwrap();
    let stored = PolicyView::from(
        &t.auth
            .account_policy(&member.me().account_id)
            .await
            .unwrap(),
    );

    assert_eq!(view.effective_idle_seconds, 3600);
    assert_eq!(view.policy_override, None);
    assert_eq!(view, stored);
}

#[tokio::test]
async fn signing_out_the_others_with_their_tokens_keeps_only_the_owners_tokens() {
    let t = test_auth().await;
    let Demo { owner, member, .. } = demo(&t).await;
    let me = caller(&t, &owner.token).await;
    let members = caller(&t, &member.token).await;
    let owners_token = new_token(&t, &me, "owner's").await;
    let members_token = new_token(&t, &members, "member's").await;

    let ended = sign_out_account_and_tokens(&t, &me, RevokeScope::Others).await;

    assert_eq!((ended.count, ended.tokens), (1, Some(1)));
    assert!(!t.auth.token_usable(&members_token.id).await.unwrap());
    assert!(t.auth.token_usable(&owners_token.id).await.unwrap());
}

#[tokio::test]
async fn signing_out_everyone_with_their_tokens_ends_every_token_in_the_account_only() {
    let t = test_auth().await;
    let Demo { owner, member, .. } = demo(&t).await;
    let elsewhere = signed_up(&t, "eve@example.com").await;
    let me = caller(&t, &owner.token).await;
    let owners_token = new_token(&t, &me, "owner's").await;
    let members_token = new_token(&t, &caller(&t, &member.token).await, "member's").await;
    let other_accounts_token = new_token(&t, &caller(&t, &elsewhere.token).await, "eve's").await;

    let ended = sign_out_account_and_tokens(&t, &me, RevokeScope::All).await;

    assert_eq!((ended.count, ended.tokens), (2, Some(2)));
    assert!(!t.auth.token_usable(&owners_token.id).await.unwrap());
    assert!(!t.auth.token_usable(&members_token.id).await.unwrap());
    assert!(t.auth.token_usable(&other_accounts_token.id).await.unwrap());
}
