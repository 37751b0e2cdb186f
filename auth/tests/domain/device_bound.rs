//! Sessions bound to their device (DBSC): the cookie lives minutes and is
//! renewed only against a proof signed by the key the session's browser
//! registered; a proof from another key, or a challenge used again, ends
//! the session as taken.

use std::time::Duration;

use api::{NoticeKind, RevokeReason};
use auth::{Access, AuditKind, AuthError, Clock as _, DeviceCookie, Refresh, SessionSettings};
use testkit::TestDevice;

use crate::helpers::{
    audited_kinds, bound, caller, logged_in, meta, resolve, shown_notices, signed_up, test_auth,
};
use auth::testing::TestAuth;

/// A refresh of the bound session that the device signs, as a browser
/// does it: asks, gets a challenge, signs it.
async fn refreshed(
    t: &TestAuth,
    cookie: &DeviceCookie,
    device: &TestDevice,
) -> Result<DeviceCookie, AuthError> {
    let challenge = challenge_for(t, cookie).await;
    let proof = device.refresh(&challenge);
    match t
        .auth
        .refresh_device(cookie.identifier.expose(), Some(&proof), &meta())
        .await?
    {
        Refresh::Renewed(renewed) => Ok(renewed),
        Refresh::Challenge(_) => panic!("a signed live challenge renews the cookie"),
    }
}

async fn challenge_for(t: &TestAuth, cookie: &DeviceCookie) -> String {
    match t
        .auth
        .refresh_device(cookie.identifier.expose(), None, &meta())
        .await
    {
        Ok(Refresh::Challenge(challenge)) => challenge.expose().to_owned(),
        other => panic!("a refresh without a proof gets a challenge: {other:?}"),
    }
}

#[tokio::test]
async fn a_bound_session_gets_a_cookie_of_minutes_that_only_a_proof_renews() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let device = TestDevice::new();

    let cookie = bound(&t, &session, &device).await;

    assert_eq!(cookie.max_age_secs, 600, "the bound cookie lifetime");
    resolve(&t, &cookie.token, Access::Api)
        .await
        .expect("the bound cookie works");
    t.clock.advance(Duration::from_mins(10));
    let expired = resolve(&t, &cookie.token, Access::Api).await;
    assert!(
        matches!(expired, Err(AuthError::Unauthenticated)),
        "{expired:?}"
    );
    let renewed = refreshed(&t, &cookie, &device)
        .await
        .expect("the device renews it");
    let resolved = resolve(&t, &renewed.token, Access::Interactive)
        .await
        .unwrap();
    assert_eq!(
        resolved.caller.session_id(),
        Some(&session.signed_in.session_id)
    );
    assert!(
        resolved.rotated.is_none(),
        "a bound session never rotates by time"
    );
    let kinds = audited_kinds(&t).await;
    assert!(
        kinds.contains(&AuditKind::DeviceBound.as_str().to_owned()),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn the_cookie_a_proof_replaced_works_for_the_grace_then_not_and_the_session_goes_on() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let device = TestDevice::new();
    let cookie = bound(&t, &session, &device).await;

    let renewed = refreshed(&t, &cookie, &device).await.unwrap();
    t.clock.advance(Duration::from_secs(59));
    let in_grace = resolve(&t, &cookie.token, Access::Api).await;
    t.clock.advance(Duration::from_secs(2));
    let after = resolve(&t, &cookie.token, Access::Api).await;

    assert!(in_grace.is_ok(), "{in_grace:?}");
    assert!(
        matches!(after, Err(AuthError::Unauthenticated)),
        "{after:?}"
    );
    resolve(&t, &renewed.token, Access::Api)
        .await
        .expect("the session goes on");
    assert!(
        t.closer.calls().is_empty(),
        "a copied cookie past its lifetime is no theft alarm"
    );
}

#[tokio::test]
async fn the_cookie_of_the_sign_in_stops_working_when_a_bound_cookie_would_though_the_grace_is_longer()
 {
    let t = TestAuth::new(SessionSettings {
        bound_cookie_lifetime: Duration::from_secs(6),
        rotation_grace: Duration::from_mins(1),
        ..SessionSettings::default()
    })
    .await;
    let session = signed_up(&t, "ada@example.com").await;
    let cookie = bound(&t, &session, &TestDevice::new()).await;

    t.clock.advance(Duration::from_secs(5));
    let in_flight = resolve(&t, &session.token, Access::Api).await;
    t.clock.advance(Duration::from_secs(2));
    let copied = resolve(&t, &session.token, Access::Api).await;

    assert!(in_flight.is_ok(), "{in_flight:?}");
    assert!(
        matches!(copied, Err(AuthError::Unauthenticated)),
        "{copied:?}"
    );
    assert!(
        matches!(
            resolve(&t, &cookie.token, Access::Api).await,
            Err(AuthError::Unauthenticated)
        ),
        "the bound cookie is past its lifetime too"
    );
}

#[tokio::test]
async fn two_refreshes_of_one_device_at_once_both_renew_its_cookie() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let device = TestDevice::new();
    let cookie = bound(&t, &session, &device).await;
    let first = device.refresh(&challenge_for(&t, &cookie).await);
    let second = device.refresh(&challenge_for(&t, &cookie).await);
    let (id, meta) = (cookie.identifier.expose(), meta());

    let (first, second) = tokio::join!(
        t.auth.refresh_device(id, Some(&first), &meta),
        t.auth.refresh_device(id, Some(&second), &meta),
    );

    let renewed: Vec<DeviceCookie> = [first, second]
        .into_iter()
        .map(|refresh| match refresh {
            Ok(Refresh::Renewed(cookie)) => cookie,
            other => panic!("a browser refreshing twice at once keeps its session: {other:?}"),
        })
        .collect();
    for cookie in &renewed {
        resolve(&t, &cookie.token, Access::Api)
            .await
            .expect("both cookies work: the newer is current, the other in its grace");
    }
}

#[tokio::test]
async fn a_refresh_signed_by_another_key_ends_the_session_as_taken_and_tells_its_user() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let cookie = bound(&t, &session, &TestDevice::new()).await;
    let thief = TestDevice::new();

    let stolen = refreshed(&t, &cookie, &thief).await;

    assert!(matches!(stolen, Err(AuthError::SessionTaken)), "{stolen:?}");
    let holder = resolve(&t, &cookie.token, Access::Api).await;
    assert!(matches!(holder, Err(AuthError::SessionTaken)), "{holder:?}");
    let calls = t.closer.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].reason, RevokeReason::DeviceProofFailed);
    let kinds = audited_kinds(&t).await;
    assert!(
        kinds.contains(&AuditKind::DeviceProofFailed.as_str().to_owned()),
        "{kinds:?}"
    );
    let again = logged_in(&t, "ada@example.com").await;
    let notices = shown_notices(&t, &caller(&t, &again.token).await).await;
    assert_eq!(notices[0].kind, NoticeKind::SessionTaken);
}

#[tokio::test]
async fn a_challenge_signed_twice_ends_the_session_as_taken() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let device = TestDevice::new();
    let cookie = bound(&t, &session, &device).await;
    let challenge = challenge_for(&t, &cookie).await;
    let proof = device.refresh(&challenge);
    let first = t
        .auth
        .refresh_device(cookie.identifier.expose(), Some(&proof), &meta())
        .await;

    let replayed = t
        .auth
        .refresh_device(cookie.identifier.expose(), Some(&proof), &meta())
        .await;

    assert!(matches!(first, Ok(Refresh::Renewed(_))), "{first:?}");
    assert!(
        matches!(replayed, Err(AuthError::SessionTaken)),
        "{replayed:?}"
    );
}

#[tokio::test]
async fn a_session_takes_one_key_and_no_other_sessions_challenge() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let other = logged_in(&t, "ada@example.com").await;
    let device = TestDevice::new();
    let me = caller(&t, &session.token).await;

    let foreign = device.registration(other.device_challenge.expose());
    let with_another_sessions = t.auth.register_device(&me, Some(&foreign), &meta()).await;
    let cookie = bound(&t, &session, &device).await;
    let me = caller(&t, &cookie.token).await;
    let second = TestDevice::new().registration(session.device_challenge.expose());
    let second_key = t.auth.register_device(&me, Some(&second), &meta()).await;
    let forged = TestDevice::new().registration_naming(&device, "anything");
    let forgery = t.auth.register_device(&me, Some(&forged), &meta()).await;

    assert!(
        matches!(with_another_sessions, Err(AuthError::DeviceChallenge)),
        "{with_another_sessions:?}"
    );
    assert!(second_key.is_err(), "{second_key:?}");
    assert!(
        matches!(forgery, Err(AuthError::DeviceProof(_))),
        "{forgery:?}"
    );
    refreshed(&t, &cookie, &device)
        .await
        .expect("the first key still renews");
}

#[tokio::test]
async fn the_device_names_its_session_by_a_secret_of_its_own_never_its_id() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let cookie = bound(&t, &session, &TestDevice::new()).await;

    let by_id = t
        .auth
        .refresh_device(session.signed_in.session_id.as_str(), None, &meta())
        .await;

    assert_ne!(
        cookie.identifier.expose(),
        session.signed_in.session_id.as_str()
    );
    assert!(
        matches!(by_id, Err(AuthError::Unauthenticated)),
        "{by_id:?}"
    );
}

#[tokio::test]
async fn a_bound_session_in_use_still_ends_at_its_absolute_end() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let device = TestDevice::new();
    let mut cookie = bound(&t, &session, &device).await;

    loop {
        t.clock.advance(Duration::from_mins(9));
        let asked = t
            .auth
            .refresh_device(cookie.identifier.expose(), None, &meta())
            .await;
        let challenge = match asked {
            Ok(Refresh::Challenge(challenge)) => challenge,
            Err(AuthError::SessionExpired) => break,
            other => panic!("{other:?}"),
        };
        let proof = device.refresh(challenge.expose());
        let Ok(Refresh::Renewed(renewed)) = t
            .auth
            .refresh_device(cookie.identifier.expose(), Some(&proof), &meta())
            .await
        else {
            panic!("a signed challenge renews the cookie");
        };
        cookie = renewed;
        resolve(&t, &cookie.token, Access::Api)
            .await
            .expect("in use");
    }

    assert!(
        t.clock.now() >= session.signed_in.absolute_ends_at,
        "ended before its absolute end"
    );
}

#[tokio::test]
async fn a_bound_session_left_alone_ends_at_its_idle_end_though_its_device_refreshes() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let device = TestDevice::new();
    let mut cookie = bound(&t, &session, &device).await;

    for _ in 0..6 {
        t.clock.advance(Duration::from_mins(9));
        cookie = refreshed(&t, &cookie, &device)
            .await
            .expect("within the idle end");
    }
    t.clock.advance(Duration::from_mins(7));
    let asked = t
        .auth
        .refresh_device(cookie.identifier.expose(), None, &meta())
        .await;

    assert!(matches!(asked, Err(AuthError::SessionExpired)), "{asked:?}");
}

#[tokio::test]
async fn an_offer_to_bind_that_no_device_took_expires_and_is_cleaned_up() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &session.token).await;

    t.clock.advance(Duration::from_mins(5));
    let proof = TestDevice::new().registration(session.device_challenge.expose());
    let late = t.auth.register_device(&me, Some(&proof), &meta()).await;
    let removed = t.auth.clean_up().await.unwrap();

    assert!(matches!(late, Err(AuthError::DeviceChallenge)), "{late:?}");
    assert_eq!(removed.device_challenges, 1);
}

#[tokio::test]
async fn every_refused_proof_is_logged_naming_the_sessions_device_and_address() {
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let cookie = bound(&t, &session, &TestDevice::new()).await;
    let garbage = t
        .auth
        .refresh_device(cookie.identifier.expose(), Some("not.a.proof"), &meta())
        .await;

    let stolen = refreshed(&t, &cookie, &TestDevice::new()).await;

    assert!(garbage.is_err(), "{garbage:?}");
    assert!(matches!(stolen, Err(AuthError::SessionTaken)), "{stolen:?}");
    let details: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE event = 'device_proof_failed' ORDER BY at, id",
    )
    .fetch_all(t.db.db.reader())
    .await
    .unwrap();
    assert_eq!(details.len(), 2, "{details:?}");
    for detail in &details {
        let detail: serde_json::Value = serde_json::from_str(detail).unwrap();
        assert_eq!(detail["device"], "Firefox on Linux", "{detail}");
        assert_eq!(detail["ip"], "127.0.0.1", "{detail}");
    }
}
