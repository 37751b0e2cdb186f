use std::time::Duration;

use api::RevokeReason;
use auth::{Access, AuthError};

use crate::helpers::{
    PASSWORD, live_sessions, logged_in, login_request, meta, resolve, signed_up, test_auth,
};

#[tokio::test]
async fn signing_in_past_the_cap_ends_the_oldest_sessions_first() {
    let t = test_auth().await;
    let first = signed_up(&t, "ada@example.com").await;
    let mut sessions = vec![first];
    for _ in 0..9 {
        t.clock.advance(Duration::from_secs(1));
        sessions.push(logged_in(&t, "ada@example.com").await);
    }
    assert_eq!(live_sessions(&t, "ada@example.com").await, 10);

    t.clock.advance(Duration::from_secs(1));
    let eleventh = logged_in(&t, "ada@example.com").await;

    assert_eq!(live_sessions(&t, "ada@example.com").await, 10);
    let oldest = resolve(&t, &sessions[0].token, Access::Api).await;
    assert!(
        matches!(
            oldest,
            Err(AuthError::SessionRevoked(RevokeReason::SessionCap))
        ),
        "{oldest:?}"
    );
    assert!(resolve(&t, &sessions[1].token, Access::Api).await.is_ok());
    assert!(resolve(&t, &eleventh.token, Access::Api).await.is_ok());
    let closed = t.closer.closed_sessions();
    assert_eq!(closed, vec![sessions[0].signed_in.session_id.clone()]);
}

#[tokio::test]
async fn fifty_concurrent_sign_ins_never_exceed_the_cap() {
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;

    let logins = (0..50).map(|_| {
        let auth = t.auth.clone();
        tokio::spawn(async move {
            auth.login(login_request("ada@example.com", PASSWORD), meta())
                .await
        })
    });
    for login in logins {
        login.await.unwrap().expect("every sign-in succeeds");
    }

    assert_eq!(live_sessions(&t, "ada@example.com").await, 10);
}
