use std::time::Duration;

use api::{Preset, SessionPolicy};
use auth::{Access, AuthError, PolicyChange};

use crate::helpers::{
    ada, caller, demo, logged_in, refused, resolve, set_policy, set_strict, signed_up, test_auth,
};

#[tokio::test]
async fn without_an_override_the_system_default_applies() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;

    let policy = t
        .auth
        .account_policy(&owner.signed_in.me.account_id)
        .await
        .unwrap();

    assert_eq!(policy.policy_override, None);
    assert_eq!(policy.effective_idle, Duration::from_hours(1));
    assert_eq!(policy.effective_absolute, Duration::from_hours(24));
    assert_eq!(policy.default_idle, policy.effective_idle);
}

#[tokio::test]
async fn a_preset_applies_to_new_sign_ins_but_not_to_live_sessions() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;

    let update = set_strict(&t, &me, false).await.unwrap();
    let later = logged_in(&t, "ada@example.com").await;

    assert_eq!(update.policy.policy_override, Some(Preset::Strict.policy()));
    assert_eq!(update.policy.effective_idle, Duration::from_mins(15));
    assert_eq!(update.sessions_shortened, 0);
    let now = t.auth.now();
    assert_eq!(later.signed_in.idle_ends_at, now.plus_millis(15 * 60_000));
    assert_eq!(
        later.signed_in.absolute_ends_at,
        now.plus_millis(480 * 60_000)
    );
    let live = caller(&t, &owner.token).await.deadlines().unwrap();
    assert_eq!(live.idle_ends_at, owner.signed_in.idle_ends_at);
}

#[tokio::test]
async fn tightening_can_be_applied_to_sessions_signed_in_now() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;

    let update = set_strict(&t, &me, true).await.unwrap();

    assert_eq!(update.sessions_shortened, 1);
    let deadlines = caller(&t, &owner.token).await.deadlines().unwrap();
    assert_eq!(
        deadlines.idle_ends_at,
        owner.signed_in.idle_ends_at.plus_millis(-45 * 60_000)
    );
    t.clock.advance(Duration::from_mins(15));
    let after = resolve(&t, &owner.token, Access::Api).await;
    assert!(matches!(after, Err(AuthError::SessionExpired)), "{after:?}");
}

#[tokio::test]
async fn loosening_never_extends_a_live_session() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;
    let longest = SessionPolicy::new(1440, 43_200).unwrap();

    let update = set_policy(&t, &me, PolicyChange::Custom(longest), true)
        .await
        .unwrap();

    assert_eq!(update.sessions_shortened, 0);
    let deadlines = caller(&t, &owner.token).await.deadlines().unwrap();
    assert_eq!(deadlines.idle_ends_at, owner.signed_in.idle_ends_at);
    assert_eq!(deadlines.absolute_ends_at, owner.signed_in.absolute_ends_at);
}

#[tokio::test]
async fn clearing_the_override_returns_to_the_default() {
    let t = test_auth().await;
    let me = ada(&t).await;
    set_strict(&t, &me, false).await.unwrap();

    let update = set_policy(&t, &me, PolicyChange::Clear, false)
        .await
        .unwrap();

    assert_eq!(update.policy.policy_override, None);
    assert_eq!(update.policy.effective_idle, Duration::from_hours(1));
}

#[tokio::test]
async fn a_member_may_not_set_the_policy() {
    let t = test_auth().await;
    let member = demo(&t).await.member;
    let me = caller(&t, &member.token).await;

    let by_gate = refused(&t, &me, api::rpc::Method::PolicySet).await;
    let result = set_strict(&t, &me, true).await;

    assert!(matches!(by_gate, AuthError::Forbidden), "{by_gate:?}");
    assert!(matches!(result, Err(AuthError::Forbidden)), "{result:?}");
    let policy = t.auth.account_policy(&me.me().account_id).await.unwrap();
    assert_eq!(policy.policy_override, None);
}

#[tokio::test]
async fn the_database_refuses_a_policy_out_of_bounds_even_by_direct_update() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let bad = [(4, 60), (60, 43_201), (120, 60), (60, -1)];

    for (idle, absolute) in bad {
        let result = t.db.db.execute_write(sqlx::query(
            "UPDATE accounts SET idle_timeout_min = $1, absolute_timeout_min = $2 WHERE id = $3",
        )
        .bind(i64::from(idle))
        .bind(i64::from(absolute))
        .bind(owner.signed_in.me.account_id.as_str()))
        .await;
        let refused = matches!(&result, Err(sqlx::Error::Database(e)) if e.is_check_violation());
        assert!(
            refused,
            "({idle}, {absolute}) was not refused by a CHECK: {result:?}"
        );
    }
    let half =
        t.db.db
            .execute_write(
                sqlx::query("UPDATE accounts SET idle_timeout_min = 30 WHERE id = $1")
                    .bind(owner.signed_in.me.account_id.as_str()),
            )
            .await;
    assert!(
        half.is_err(),
        "an override must set both timeouts or neither"
    );
}

#[tokio::test]
async fn a_policy_change_is_announced_to_the_accounts_live_connections() {
    let t = test_auth().await;
    let me = ada(&t).await;

    set_strict(&t, &me, false).await.unwrap();

    assert_eq!(t.closer.notified(), vec![api::LiveEvent::PolicyUpdated]);
}
