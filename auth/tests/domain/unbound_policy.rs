//! The owner's shorter limits for sessions not bound to their device: a
//! sign-in opens with them, and gets the account's policy once its browser
//! binds it to its device (DBSC); browsers that cannot stay on them.

use std::time::Duration;

use api::{ErrorCode, LiveEvent, PolicyFor, Preset, SessionPolicy};
use auth::testing::TestAuth;
use auth::{Access, AuthError, LiveChange, PolicyChange, SessionSettings};
use testkit::TestDevice;

use crate::helpers::{
    bound, caller, logged_in, resolve, set_policy, set_policy_for, signed_up, test_auth,
};

const STRICT: PolicyChange = PolicyChange::Preset(Preset::Strict);
const STANDARD: PolicyChange = PolicyChange::Preset(Preset::Standard);

#[tokio::test]
async fn a_sign_in_opens_with_the_limits_for_unbound_sessions_and_gets_the_accounts_once_bound() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;
    set_policy(&t, &me, STANDARD, false).await.unwrap();
    set_policy_for(&t, &me, PolicyFor::UnboundSessions, STRICT, false)
        .await
        .unwrap();
    let now = t.auth.now();

    let session = logged_in(&t, "ada@example.com").await;
    let unbound = caller(&t, &session.token).await.deadlines().unwrap();
    let cookie = bound(&t, &session, &TestDevice::new()).await;
    let bound_now = caller(&t, &cookie.token).await.deadlines().unwrap();

    assert_eq!(unbound.idle_ends_at, now.plus(Duration::from_mins(15)));
    assert_eq!(unbound.absolute_ends_at, now.plus(Duration::from_hours(8)));
    assert_eq!(bound_now.idle_ends_at, now.plus(Duration::from_hours(1)));
    assert_eq!(
        bound_now.absolute_ends_at,
        now.plus(Duration::from_hours(24))
    );
    let told = t.closer.changes().into_iter().any(|change| {
        matches!(change, LiveChange::ToSession {
            session_id,
            event: LiveEvent::SessionUpdated { absolute_ends_at, .. },
        } if session_id == session.signed_in.session_id && absolute_ends_at == bound_now.absolute_ends_at)
    });
    assert!(told, "the page hears of its later ends at once");
}

#[tokio::test]
async fn a_session_left_unbound_ends_at_the_shorter_idle_limit() {
    let t = TestAuth::new(SessionSettings {
        bound_cookie_lifetime: Duration::from_hours(1),
        ..SessionSettings::default()
    })
    .await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;
    set_policy_for(&t, &me, PolicyFor::UnboundSessions, STRICT, false)
        .await
        .unwrap();
    let unbound = logged_in(&t, "ada@example.com").await;
    let to_bind = logged_in(&t, "ada@example.com").await;
    let cookie = bound(&t, &to_bind, &TestDevice::new()).await;

    t.clock.advance(Duration::from_mins(16));

    let ended = resolve(&t, &unbound.token, Access::Api).await;
    assert!(matches!(ended, Err(AuthError::SessionExpired)), "{ended:?}");
    resolve(&t, &cookie.token, Access::Api)
        .await
        .expect("a bound session keeps the account's hour");
}

#[tokio::test]
async fn limits_for_unbound_sessions_longer_than_the_accounts_are_refused() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;
    set_policy(&t, &me, STRICT, false).await.unwrap();

    let longer = set_policy_for(&t, &me, PolicyFor::UnboundSessions, STANDARD, false).await;

    let Err(AuthError::Rejected(error)) = longer else {
        panic!("refused as invalid: {longer:?}");
    };
    assert_eq!(error.code, ErrorCode::InvalidParams);
    assert_eq!(error.field.as_deref(), Some("idle_minutes"));
    assert!(error.message.contains("15 minutes"), "{}", error.message);
    let policy = t.auth.account_policy(&me.me().account_id).await.unwrap();
    assert_eq!(policy.unbound, None, "nothing was stored");
}

#[tokio::test]
async fn the_policy_shows_both_and_a_shorter_account_policy_shortens_unbound_sessions_too() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;
    let custom = SessionPolicy::new(30, 600).unwrap();
    set_policy_for(
        &t,
        &me,
        PolicyFor::UnboundSessions,
        PolicyChange::Custom(custom),
        false,
    )
    .await
    .unwrap();

    let update = set_policy(&t, &me, STRICT, false).await.unwrap();

    assert_eq!(update.policy.unbound, Some(custom));
    assert_eq!(update.policy.effective_idle, Duration::from_mins(15));
    assert_eq!(
        update.policy.effective_unbound_idle,
        Duration::from_mins(15)
    );
    assert_eq!(
        update.policy.effective_unbound_absolute,
        Duration::from_hours(8)
    );
    let view = api::PolicyView::from(&update.policy);
    assert_eq!(view.unbound_preset, None);
    assert_eq!(view.effective_unbound_idle_seconds, 15 * 60);
}

#[tokio::test]
async fn applied_now_the_limits_shorten_only_the_sessions_no_device_bound() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let cookie = bound(&t, &owner, &TestDevice::new()).await;
    let me = caller(&t, &cookie.token).await;
    let unbound = logged_in(&t, "ada@example.com").await;

    let update = set_policy_for(&t, &me, PolicyFor::UnboundSessions, STRICT, true)
        .await
        .unwrap();
    let cleared = set_policy_for(
        &t,
        &me,
        PolicyFor::UnboundSessions,
        PolicyChange::Clear,
        false,
    )
    .await
    .unwrap();

    assert_eq!(update.sessions_shortened, 1);
    let now = t.auth.now();
    let shortened = caller(&t, &unbound.token).await.deadlines().unwrap();
    assert_eq!(shortened.idle_ends_at, now.plus(Duration::from_mins(15)));
    let kept = caller(&t, &cookie.token).await.deadlines().unwrap();
    assert_eq!(kept.idle_ends_at, now.plus(Duration::from_hours(1)));
    assert_eq!(cleared.policy.unbound, None);
    assert_eq!(
        cleared.policy.effective_unbound_idle,
        Duration::from_hours(1)
    );
}
