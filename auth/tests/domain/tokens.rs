use std::time::Duration;

use api::rpc::Method;
use api::{CredentialKind, TokenCreateParams, TokenId, TokenRevokeParams, TokenScope};
use auth::{ApiTokenSecret, AuthError};

use crate::helpers::{
    ada, admitted, by_token, caller, create_token, list_tokens, meta, new_token, refused,
    signed_up, test_auth, token_named,
};

#[tokio::test]
async fn a_created_token_is_shown_once_and_authenticates_as_its_user() {
    let t = test_auth().await;
    let me = ada(&t).await;

    let created = new_token(&t, &me, "deploy script").await;

    assert!(created.token.starts_with("lk_"));
    let secret = ApiTokenSecret::from_bearer(&created.token).unwrap();
    let by_token = t.auth.authenticate_api_token(&secret).await.unwrap();
    assert_eq!(by_token.me().user_id, me.me().user_id);
    assert_eq!(
        admitted(&t, &by_token, Method::Verify)
            .await
            .user()
            .verify()
            .credential,
        CredentialKind::ApiToken
    );
    let listed = list_tokens(&t, &me).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "deploy script");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_ne!(stored, created.token);
    assert!(!stored.contains(&created.token[3..]));
}

#[tokio::test]
async fn a_token_cannot_create_more_tokens() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let created = new_token(&t, &me, "ci").await;
    let by_token = by_token(&t, &created).await;

    let result = refused(&t, &by_token, Method::TokenCreate).await;

    assert!(matches!(result, AuthError::SessionRequired), "{result:?}");
    assert_eq!(list_tokens(&t, &me).await.len(), 1, "none was made");
}

#[tokio::test]
async fn the_eleventh_token_evicts_the_oldest() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let mut created = Vec::new();
    for n in 0..11 {
        t.clock.advance(Duration::from_secs(1));
        created.push(
            create_token(&t, &me, token_named(&format!("token {n}")))
                .await
                .unwrap(),
        );
    }

    let listed = list_tokens(&t, &me).await;

    assert_eq!(listed.len(), 10);
    assert!(listed.iter().all(|token| token.id != created[0].id));
    let oldest = ApiTokenSecret::from_bearer(&created[0].token).unwrap();
    assert!(t.auth.authenticate_api_token(&oldest).await.is_err());
    assert_eq!(t.closer.closed_tokens(), vec![created[0].id.clone()]);
}

#[tokio::test]
async fn revoking_a_token_stops_it_and_another_users_token_answers_false() {
    let t = test_auth().await;
    let ada = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;
    let bob = caller(&t, &signed_up(&t, "bob@example.com").await.token).await;
    let adas = new_token(&t, &ada, "ada's").await;
    let bobs = new_token(&t, &bob, "bob's").await;

    let theirs = admitted(&t, &ada, Method::TokenRevoke)
        .await
        .user()
        .revoke_token(
            TokenRevokeParams {
                token_id: bobs.id.clone(),
            },
            &meta(),
        )
        .await
        .unwrap();
    let made_up = admitted(&t, &ada, Method::TokenRevoke)
        .await
        .user()
        .revoke_token(
            TokenRevokeParams {
                token_id: TokenId::from_random_bytes([3; 16]),
            },
            &meta(),
        )
        .await
        .unwrap();
    let own = admitted(&t, &ada, Method::TokenRevoke)
        .await
        .user()
        .revoke_token(
            TokenRevokeParams {
                token_id: adas.id.clone(),
            },
            &meta(),
        )
        .await
        .unwrap();

    assert_eq!(theirs, made_up);
    assert!(!theirs.revoked);
    assert!(own.revoked);
    let bobs_secret = ApiTokenSecret::from_bearer(&bobs.token).unwrap();
    assert!(t.auth.authenticate_api_token(&bobs_secret).await.is_ok());
    let adas_secret = ApiTokenSecret::from_bearer(&adas.token).unwrap();
    assert!(t.auth.authenticate_api_token(&adas_secret).await.is_err());
    assert_eq!(t.closer.closed_tokens(), vec![adas.id]);
}

#[tokio::test]
async fn an_expired_token_stops_working_and_leaves_the_list() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;
    let created = create_token(
        &t,
        &me,
        TokenCreateParams {
            name: "short".into(),
            expires_in_days: Some(1),
            scope: TokenScope::Full,
        },
    )
    .await
    .unwrap();
    let secret = ApiTokenSecret::from_bearer(&created.token).unwrap();

    t.clock.advance(Duration::from_hours(24));

    assert!(t.auth.authenticate_api_token(&secret).await.is_err());
    assert!(list_tokens(&t, &me).await.is_empty());
}

#[tokio::test]
async fn token_names_and_expiry_are_validated() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;

    let blank = create_token(&t, &me, token_named("  ")).await;
    let too_long = create_token(
        &t,
        &me,
        TokenCreateParams {
            name: "x".into(),
            expires_in_days: Some(366),
            scope: TokenScope::Full,
        },
    )
    .await;

    assert!(
        matches!(blank, Err(AuthError::Input(ref e)) if e.field == "name"),
        "{blank:?}"
    );
    assert!(
        matches!(too_long, Err(AuthError::Input(ref e)) if e.field == "expires_in_days"),
        "{too_long:?}"
    );
}

#[tokio::test]
async fn using_a_token_records_when_it_was_last_used() {
    let t = test_auth().await;
    let me = caller(&t, &signed_up(&t, "ada@example.com").await.token).await;
    let created = new_token(&t, &me, "ci").await;
    t.clock.advance(Duration::from_mins(5));

    t.auth
        .authenticate_api_token(&ApiTokenSecret::from_bearer(&created.token).unwrap())
        .await
        .unwrap();
    t.auth.flush().await;

    let listed = list_tokens(&t, &me).await;
    assert_eq!(listed[0].last_used_at, Some(t.auth.now()));
}
