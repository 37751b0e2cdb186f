//! API token scopes: chosen at creation, stored, shown, and checked by the
//! gate.

use api::rpc::Method;
use api::{ApiError, ErrorCode, NewMemberRequest, Password, TokenScope};
use auth::{AuthError, Caller, Via};

use crate::helpers::{
    add_member, admitted, by_token, caller, create_token, list_tokens, refused, signed_up,
    test_auth, token_named,
};

async fn token_with(t: &auth::testing::TestAuth, me: &Caller, scope: TokenScope) -> Caller {
    let params = api::TokenCreateParams {
        scope,
        ..token_named("scoped")
    };
    let created = create_token(t, me, params).await.unwrap();
    by_token(t, &created).await
}

/// Whether the gate lets `caller` call `method` by way of the API.
async fn may_call(t: &auth::testing::TestAuth, caller: &Caller, method: Method) -> bool {
    t.auth.admit(caller, method, Via::Api).await.is_ok()
}

#[tokio::test]
async fn a_read_only_token_may_read_and_nothing_else() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;

    let by_token = token_with(&t, &me, TokenScope::ReadOnly).await;

    assert!(may_call(&t, &by_token, Method::Verify).await);
    assert!(may_call(&t, &by_token, Method::AuditList).await);
    let refused = refused(&t, &by_token, Method::SessionRevokeAll).await;
    assert!(
        matches!(refused, AuthError::OutOfScope { .. }),
        "{refused:?}"
    );
    let answer = ApiError::from(refused);
    assert_eq!(answer.code, ErrorCode::Forbidden);
    assert_eq!(answer.field.as_deref(), Some("scope"));
    assert!(answer.message.contains("read-only"), "{}", answer.message);
    assert!(answer.message.contains("account_session_revoke_all"));
    assert!(may_call(&t, &me, Method::SessionRevokeAll).await);
}

#[tokio::test]
async fn a_chosen_scope_is_stored_listed_and_shown_to_the_token_itself() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;
    let chosen = TokenScope::Methods(vec![Method::SessionRevoke, Method::SessionList]);

    let by_token = token_with(&t, &me, chosen).await;

    let ordered = TokenScope::Methods(vec![Method::SessionList, Method::SessionRevoke]);
    let listed = list_tokens(&t, &me).await;
    assert_eq!(listed[0].scope, ordered);
    assert!(may_call(&t, &by_token, Method::SessionRevoke).await);
    let not_chosen = refused(&t, &by_token, Method::Verify).await;
    assert!(
        matches!(not_chosen, AuthError::OutOfScope { action, .. } if action == "account_verify"),
        "{not_chosen:?}"
    );
    // The token reads its own scope with `account_verify`, so that one's
    // scope names it.
    let chosen = TokenScope::Methods(vec![Method::SessionList, Method::Verify]);
    let verifying = token_with(&t, &me, chosen).await;
    let ordered = TokenScope::Methods(vec![Method::Verify, Method::SessionList]);
    assert_eq!(
        admitted(&t, &verifying, Method::Verify)
            .await
            .user()
            .verify()
            .token_scope,
        Some(ordered)
    );
}

#[tokio::test]
async fn an_empty_method_list_is_refused() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;
    let params = api::TokenCreateParams {
        scope: TokenScope::Methods(Vec::new()),
        ..token_named("nothing")
    };

    let result = create_token(&t, &me, params).await;

    assert!(
        matches!(result, Err(AuthError::Input(ref e)) if e.field == "scope"),
        "{result:?}"
    );
    assert!(list_tokens(&t, &me).await.is_empty());
}

#[tokio::test]
async fn only_a_token_whose_scope_allows_member_add_adds_members() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;
    let all_but_adding = Method::ALL
        .into_iter()
        .filter(|method| *method != Method::MemberAdd)
        .collect();
    let without = token_with(&t, &me, TokenScope::Methods(all_but_adding)).await;
    let read_only = token_with(&t, &me, TokenScope::ReadOnly).await;
    let every_method = token_with(&t, &me, TokenScope::Methods(Method::ALL.to_vec())).await;
    let full = token_with(&t, &me, TokenScope::Full).await;
    let member = |email: &str| NewMemberRequest {
        name: "Bob".into(),
        email: email.into(),
        password: Password::new("a long enough password".into()),
    };

    let by_without = add_member(&t, &without, member("bob@example.com")).await;
    let by_read_only = refused(&t, &read_only, Method::MemberAdd).await;

    assert!(
        matches!(by_without, Err(AuthError::OutOfScope { action, .. }) if action == "account_member_add"),
        "{by_without:?}"
    );
    assert!(
        matches!(by_read_only, AuthError::OutOfScope { .. }),
        "{by_read_only:?}"
    );
    add_member(&t, &every_method, member("cara@example.com"))
        .await
        .unwrap();
    add_member(&t, &full, member("dan@example.com"))
        .await
        .unwrap();
}
