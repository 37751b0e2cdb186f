//! The owner adds members: cheap checks first, and a flood of additions
//! cannot keep the password hashing busy for everyone else.

use api::{ErrorCode, NewMemberRequest, Password};
use auth::AuthError;

use crate::helpers::{caller, meta, signed_up, test_auth};

fn member(email: &str) -> NewMemberRequest {
    NewMemberRequest {
        name: "Bob".into(),
        email: email.into(),
        password: Password::new("a long first password".into()),
    }
}

#[tokio::test]
async fn a_taken_email_is_refused_before_any_hashing_however_often_it_is_tried() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;

    // More tries than the hashing limit allows: none of them hashes.
    for _ in 0..15 {
        let taken = t
            .auth
            .as_owner(&me)
            .unwrap()
            .add_member(member("ada@example.com"), &meta())
            .await;
        assert!(matches!(taken, Err(AuthError::EmailTaken)), "{taken:?}");
    }
    assert!(
        t.auth
            .as_owner(&me)
            .unwrap()
            .add_member(member("bob@example.com"), &meta())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn an_owner_adding_members_in_a_flood_is_rate_limited() {
    let t = test_auth().await;
    let owner = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &owner.token).await;

    let mut answers = Vec::new();
    for n in 0..11 {
        let added = t
            .auth
            .as_owner(&me)
            .unwrap()
            .add_member(member(&format!("m{n}@example.com")), &meta())
            .await;
        answers.push(added.map_err(api::ApiError::from).map(drop));
    }

    assert!(answers[..10].iter().all(Result::is_ok), "{answers:?}");
    assert!(
        matches!(&answers[10], Err(refusal) if refusal.code == ErrorCode::RateLimited),
        "{answers:?}"
    );
}
