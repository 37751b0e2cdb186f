use api::PasswordChange;
use api::{Password, RevokeReason};
use auth::{Access, ApiTokenSecret, AuditKind, AuthError};

use crate::helpers::{
    PASSWORD, ada, caller, change_password, create_token, list_tokens, logged_in, login_request,
    meta, resolve, signed_up, test_auth, token_named,
};

fn change(current: &str, new: &str) -> PasswordChange {
    PasswordChange {
        current_password: Password::new(current.into()),
        new_password: Password::new(new.into()),
        revoke_api_tokens: false,
    }
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_and_keeps_this_one() {
    let t = test_auth().await;
    let here = signed_up(&t, "ada@example.com").await;
    let laptop = logged_in(&t, "ada@example.com").await;
    let phone = logged_in(&t, "ada@example.com").await;
    let me = caller(&t, &here.token).await;

    let changed = change_password(&t, &me, change(PASSWORD, "a brand new passphrase"))
        .await
        .unwrap();

    assert_eq!(changed.other_sessions_ended, 2);
    assert_eq!(changed.api_tokens_revoked, 0);
    assert!(resolve(&t, &here.token, Access::Api).await.is_ok());
    for other in [&laptop, &phone] {
        let result = resolve(&t, &other.token, Access::Api).await;
        assert!(
            matches!(
                result,
                Err(AuthError::SessionRevoked(RevokeReason::PasswordChanged))
            ),
            "{result:?}"
        );
    }
    let closed = t.closer.closed_sessions();
    assert_eq!(closed.len(), 2);
    assert!(!closed.contains(&here.signed_in.session_id));
    assert!(
        t.auth
            .login(login_request("ada@example.com", PASSWORD), meta())
            .await
            .is_err()
    );
    assert!(
        t.auth
            .login(
                login_request("ada@example.com", "a brand new passphrase"),
                meta()
            )
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    let t = test_auth().await;
    let here = signed_up(&t, "ada@example.com").await;
    let other = logged_in(&t, "ada@example.com").await;
    let me = caller(&t, &here.token).await;

    let result =
        change_password(&t, &me, change("not my password", "a brand new passphrase")).await;

    assert!(
        matches!(result, Err(AuthError::WrongPassword)),
        "{result:?}"
    );
    assert!(resolve(&t, &other.token, Access::Api).await.is_ok());
    assert!(
        t.auth
            .login(login_request("ada@example.com", PASSWORD), meta())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_new_password_must_follow_the_rules() {
    let t = test_auth().await;
    let me = ada(&t).await;

    let result = change_password(&t, &me, change(PASSWORD, "short")).await;

    assert!(
        matches!(result, Err(AuthError::Input(ref e)) if e.field == "new_password"),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_password_change_is_audited_with_the_count() {
    let t = test_auth().await;
    let mut audit = t.auth.subscribe_audit();
    let here = signed_up(&t, "ada@example.com").await;
    logged_in(&t, "ada@example.com").await;
    let me = caller(&t, &here.token).await;

    change_password(&t, &me, change(PASSWORD, "a brand new passphrase"))
        .await
        .unwrap();

    let mut changed = None;
    while let Ok(event) = audit.try_recv() {
        if event.kind == AuditKind::PasswordChanged {
            changed = Some(event);
        }
    }
    let event = changed.expect("a password_changed event");
    assert_eq!(event.detail["sessions_ended"], 1);
    assert_eq!(event.actor.as_ref(), Some(&me.me().user_id));
}

#[tokio::test]
async fn a_password_change_keeps_api_tokens_unless_asked_to_revoke_them() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let mut secrets = Vec::new();
    for name in ["deploy", "backup", "ci"] {
        let created = create_token(&t, &me, token_named(name)).await.unwrap();
        secrets.push(ApiTokenSecret::from_bearer(&created.token).unwrap());
    }
    change_password(&t, &me, change(PASSWORD, "a first new passphrase"))
        .await
        .unwrap();
    assert!(t.auth.authenticate_api_token(&secrets[0]).await.is_ok());

    let changed = change_password(
        &t,
        &me,
        PasswordChange {
            revoke_api_tokens: true,
            ..change("a first new passphrase", "a second new passphrase")
        },
    )
    .await
    .unwrap();

    assert_eq!(changed.api_tokens_revoked, 3);
    for secret in &secrets {
        assert!(t.auth.authenticate_api_token(secret).await.is_err());
    }
    assert_eq!(
        t.closer.closed_tokens().len(),
        3,
        "their connections were closed"
    );
    assert!(list_tokens(&t, &me).await.is_empty());
}

#[tokio::test]
async fn a_sign_in_with_the_old_password_that_was_checked_before_a_change_gets_no_session() {
    // Arrange: the sign-in has checked the old password, and is held there
    // while the password changes.
    let t = test_auth().await;
    let me = ada(&t).await;
    let checked = t
        .auth
        .check_password(login_request("ada@example.com", PASSWORD), &meta())
        .await
        .unwrap();
    change_password(&t, &me, change(PASSWORD, "a brand new passphrase"))
        .await
        .unwrap();

    // Act: the held sign-in goes on to open its session.
    let opened = t.auth.after_password(checked, meta()).await;

    // Assert: refused as a wrong password would be, and no session exists.
    assert!(
        matches!(opened, Err(AuthError::InvalidCredentials)),
        "{opened:?}"
    );
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(live, 1, "only the session that changed the password");
}

#[tokio::test]
async fn a_checked_password_opens_a_session_when_nothing_changed() {
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;

    let checked = t
        .auth
        .check_password(login_request("ada@example.com", PASSWORD), &meta())
        .await
        .unwrap();
    let opened = t
        .auth
        .after_password(checked, meta())
        .await
        .unwrap()
        .session()
        .unwrap();

    assert!(resolve(&t, &opened.token, Access::Api).await.is_ok());
}
