//! API token scopes: chosen at creation, stored, shown, and checked.

use api::rpc::Method;
use api::{ApiError, ErrorCode, NewMemberRequest, Password, TokenScope};
use auth::{ApiTokenSecret, AuthError, Caller};

use crate::helpers::{caller, meta, signed_up, test_auth, token_named};

async fn token_with(t: &auth::testing::TestAuth, me: &Caller, scope: TokenScope) -> Caller {
    let params = api::TokenCreateParams {
        scope,
        ..token_named("scoped")
    };
    let created = t
        .auth
        .as_user(me)
        .create_token(params, &meta())
        .await
        .unwrap();
    let secret = ApiTokenSecret::from_bearer(&created.token).unwrap();
    t.auth.authenticate_api_token(&secret).await.unwrap()
}

#[tokio::test]
async fn a_read_only_token_may_read_and_nothing_else() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;

    let by_token = token_with(&t, &me, TokenScope::ReadOnly).await;

    assert!(by_token.may_call(Method::Verify).is_ok());
    assert!(by_token.may_call(Method::AuditList).is_ok());
    let refused = by_token.may_call(Method::SessionRevokeAll).unwrap_err();
    let answer = ApiError::from(refused);
    assert_eq!(answer.code, ErrorCode::Forbidden);
    assert_eq!(answer.field.as_deref(), Some("scope"));
    assert!(answer.message.contains("read-only"), "{}", answer.message);
    assert!(answer.message.contains("account_session_revoke_all"));
    assert!(me.may_call(Method::SessionRevokeAll).is_ok());
}

#[tokio::test]
async fn a_chosen_scope_is_stored_listed_and_shown_to_the_token_itself() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;
    let chosen = TokenScope::Methods(vec![Method::SessionRevoke, Method::SessionList]);

    let by_token = token_with(&t, &me, chosen).await;

    let ordered = TokenScope::Methods(vec![Method::SessionList, Method::SessionRevoke]);
    let listed = t.auth.as_user(&me).list_tokens().await.unwrap();
    assert_eq!(listed[0].scope, ordered);
    assert_eq!(
        t.auth.as_user(&by_token).verify().token_scope,
        Some(ordered)
    );
    assert!(by_token.may_call(Method::SessionRevoke).is_ok());
    assert!(by_token.may_call(Method::Verify).is_err());
}

#[tokio::test]
async fn an_empty_method_list_is_refused() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;
    let params = api::TokenCreateParams {
        scope: TokenScope::Methods(Vec::new()),
        ..token_named("nothing")
    };

    let result = t.auth.as_user(&me).create_token(params, &meta()).await;

    assert!(
        matches!(result, Err(AuthError::Input(ref e)) if e.field == "scope"),
        "{result:?}"
    );
    assert!(t.auth.as_user(&me).list_tokens().await.unwrap().is_empty());
}

#[tokio::test]
async fn only_a_full_access_token_adds_members() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;
    let every_method = TokenScope::Methods(Method::ALL.to_vec());
    let by_token = token_with(&t, &me, every_method).await;
    let member = NewMemberRequest {
        name: "Bob".into(),
        email: "bob@example.com".into(),
        password: Password::new("a long enough password".into()),
    };

    let result = t
        .auth
        .as_owner(&by_token)
        .unwrap()
        .add_member(member, &meta())
        .await;

    assert!(
        matches!(result, Err(AuthError::OutOfScope { .. })),
        "{result:?}"
    );
}
