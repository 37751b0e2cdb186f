//! The owner adds members: cheap checks first, and a flood of additions
//! cannot keep the password hashing busy for everyone else.

use api::rpc::Method;
use api::{
    ErrorCode, MemberSignOutParams, MemberSignedOut, NewMemberRequest, Password, RevokeReason,
    UserId,
};
use auth::{Access, AuthError, Via};

use crate::helpers::{
    ada, add_member, caller, login_request, meta, new_token, refused, resolve, signed_up, test_auth,
};

fn member(email: &str) -> NewMemberRequest {
    NewMemberRequest {
        name: "Bob".into(),
        email: email.into(),
        password: Password::new(MEMBER_PASSWORD.into()),
    }
}

#[tokio::test]
async fn a_taken_email_is_refused_before_any_hashing_however_often_it_is_tried() {
    let t = test_auth().await;
    let me = ada(&t).await;

    // More tries than the hashing limit allows: none of them hashes.
    for _ in 0..15 {
        let taken = add_member(&t, &me, member("ada@example.com")).await;
        assert!(matches!(taken, Err(AuthError::EmailTaken)), "{taken:?}");
    }
    assert!(add_member(&t, &me, member("bob@example.com")).await.is_ok());
}

#[tokio::test]
async fn an_owner_adding_members_in_a_flood_is_rate_limited() {
    let t = test_auth().await;
    let me = ada(&t).await;

    let mut answers = Vec::new();
    for n in 0..11 {
        let added = add_member(&t, &me, member(&format!("m{n}@example.com"))).await;
        answers.push(added.map_err(api::ApiError::from).map(drop));
    }

    assert!(answers[..10].iter().all(Result::is_ok), "{answers:?}");
    assert!(
        matches!(&answers[10], Err(refusal) if refusal.code == ErrorCode::RateLimited),
        "{answers:?}"
    );
}

pub const MEMBER_PASSWORD: &str = "a long first password";

/// The owner `owner` adds a member with `email`, who signs in; their session.
pub async fn member_signed_in(
    t: &auth::testing::TestAuth,
    owner: &auth::Caller,
    email: &str,
) -> auth::NewSession {
    add_member(t, owner, member(email)).await.unwrap();
    t.auth
        .login(login_request(email, MEMBER_PASSWORD), meta())
        .await
        .unwrap()
        .session()
        .expect("no second factor")
}

async fn sign_out(
    t: &auth::testing::TestAuth,
    owner: &auth::Caller,
    user_id: &UserId,
    revoke_api_tokens: bool,
) -> Result<MemberSignedOut, AuthError> {
    let params = MemberSignOutParams {
        user_id: user_id.clone(),
        revoke_api_tokens,
    };
    let admitted = t.auth.admit(owner, Method::MemberSignOut, Via::Api).await?;
    admitted
        .owner()?
        .sign_out_member(&admitted.confirmed()?, params, &meta())
        .await
}

#[tokio::test]
async fn the_owner_signs_out_one_member_and_their_tokens_and_no_one_else() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;
    let bob = member_signed_in(&t, &me, "bob@example.com").await;
    let cara = member_signed_in(&t, &me, "cara@example.com").await;
    let bob_caller = caller(&t, &bob.token).await;
    let token = new_token(&t, &bob_caller, "deploy").await;

    let signed_out = sign_out(&t, &me, &bob.signed_in.me.user_id, true)
        .await
        .unwrap();

    assert_eq!(
        signed_out,
        MemberSignedOut {
            sessions: 1,
            tokens: 1
        }
    );
    let bob_now = resolve(&t, &bob.token, Access::Api).await;
    assert!(
        matches!(
            bob_now,
            Err(AuthError::SessionRevoked(RevokeReason::SignedOutByOwner))
        ),
        "{bob_now:?}"
    );
    let secret = auth::ApiTokenSecret::from_bearer(&token.token).unwrap();
    assert!(t.auth.authenticate_api_token(&secret).await.is_err());
    assert!(resolve(&t, &cara.token, Access::Api).await.is_ok());
    assert!(resolve(&t, &owner.token, Access::Api).await.is_ok());
    let closed = t.closer.closed_sessions();
    assert_eq!(closed, std::slice::from_ref(&bob.signed_in.session_id));
    assert_eq!(t.closer.closed_tokens(), [token.id]);
}

#[tokio::test]
async fn a_user_of_another_account_is_answered_exactly_like_an_unknown_one() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let stranger = signed_up(&t, "eve@example.com").await;

    let other_account = sign_out(&t, &me, &stranger.signed_in.me.user_id, true).await;
    let unknown = sign_out(&t, &me, &UserId::from_random_bytes([9; 16]), true).await;

    let (Err(AuthError::Rejected(a)), Err(AuthError::Rejected(b))) = (other_account, unknown)
    else {
        panic!("not refused");
    };
    assert_eq!(a, b);
    assert_eq!(a.code, ErrorCode::NotFound);
    assert!(resolve(&t, &stranger.token, Access::Api).await.is_ok());
}

#[tokio::test]
async fn a_member_may_not_sign_out_anyone() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;
    let bob = member_signed_in(&t, &me, "bob@example.com").await;
    let bob_caller = caller(&t, &bob.token).await;

    let refused_by_gate = refused(&t, &bob_caller, Method::MemberSignOut).await;
    let refused = sign_out(&t, &bob_caller, &owner.signed_in.me.user_id, false).await;

    assert!(
        matches!(refused_by_gate, AuthError::Forbidden),
        "{refused_by_gate:?}"
    );
    assert!(matches!(refused, Err(AuthError::Forbidden)), "{refused:?}");
    assert!(resolve(&t, &owner.token, Access::Api).await.is_ok());
}
