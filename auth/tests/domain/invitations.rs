//! Invitations by mail: the owner invites an address, the mail carries a
//! link that works once, for seven days; revoking it or inviting the
//! address again ends it; the person joins as a member of the owner's
//! account with a name and password of their own, and is sent to set up a
//! second factor where the account requires one. An address with an
//! account is refused; a member and an API token the scope does not allow
//! cannot invite.

use std::time::Duration;

use api::rpc::Method;
use api::{
    ApiError, ErrorCode, InvitationRevokeParams, Invitations, InviteParams, Password,
    PendingInvitation, Revoked, Role, TokenScope,
};
use auth::testing::TestAuth;
use auth::{AuthError, Caller, JoiningMember, SessionSettings, SignInStep, Via};

use crate::helpers::{
    ada, audited_kinds, by_token, caller, create_token, meta, signs_in_with, test_auth,
    token_in_link, token_named,
};
use crate::members::member_signed_in;
use crate::outbox::delivered;
use crate::required_second_factor::{owner_with_app_and_member, require};

const GRACE: &str = "grace@example.com";
const GRACE_PASSWORD: &str = "grace's own passphrase";

/// The owner `me` invites `email` (`account_member_invite`).
async fn invite(t: &TestAuth, me: &Caller, email: &str) -> Result<PendingInvitation, AuthError> {
    let admitted = t.auth.admit(me, Method::MemberInvite, Via::Api).await?;
    let params = InviteParams {
        email: email.into(),
    };
    admitted
        .owner()?
        .invite_member(&admitted.confirmed()?, params, &meta())
        .await
}

/// The owner `me`'s pending invitations (`account_invitation_list`).
async fn invitations(t: &TestAuth, me: &Caller) -> Invitations {
    let admitted = t
        .auth
        .admit(me, Method::InvitationList, Via::Api)
        .await
        .unwrap();
    admitted.owner().unwrap().list_invitations().await.unwrap()
}

/// The owner `me` revokes an invitation (`account_invitation_revoke`).
async fn revoke(t: &TestAuth, me: &Caller, invitation: &PendingInvitation) -> Revoked {
    let admitted = t
        .auth
        .admit(me, Method::InvitationRevoke, Via::Api)
        .await
        .unwrap();
    let params = InvitationRevokeParams {
        invitation_id: invitation.invitation_id.clone(),
    };
    admitted
        .owner()
        .unwrap()
        .revoke_invitation(params, &meta())
        .await
        .unwrap()
}

/// The owner invites `email`; the token in the link of the mail it sent.
async fn invited(t: &TestAuth, me: &Caller, email: &str) -> String {
    invite(t, me, email).await.unwrap();
    let sent = delivered(t).await;
    let mail = sent.last().expect("a mail");
    assert_eq!(mail.to, email);
    token_in_link(mail, "/login/invitation")
}

fn joining(password: &str) -> JoiningMember {
    JoiningMember {
        name: "Grace Hopper".into(),
        password: Password::new(password.into()),
    }
}

async fn accept(t: &TestAuth, token: &str) -> Result<SignInStep, AuthError> {
    t.auth
        .accept_invitation(token, joining(GRACE_PASSWORD), meta())
        .await
}

/// The refusal of a link that does not work: the same for every reason.
fn ended(result: Result<SignInStep, AuthError>) -> ApiError {
    let err = ApiError::from(result.expect_err("refused"));
    assert_eq!(err.code, ErrorCode::InvalidParams);
    assert_eq!(err.field.as_deref(), Some("token"));
    assert!(err.message.contains("expired or was already used"), "{err}");
    err
}

#[tokio::test]
async fn an_invited_person_joins_the_owners_account_as_a_member_signed_in() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let token = invited(&t, &owner, GRACE).await;
    let shown = t.auth.invitation(&token).await.unwrap();

    // Act
    let step = accept(&t, &token).await.unwrap();

    // Assert
    assert_eq!(shown.email, GRACE);
    assert_eq!(shown.account_name, "Acme");
    let session = step.session().expect("signed in at once");
    let me = &session.signed_in.me;
    assert_eq!(me.email, GRACE);
    assert_eq!(me.name, "Grace Hopper");
    assert_eq!(me.role, Role::Member);
    assert_eq!(me.account_id, owner.me().account_id);
    assert!(signs_in_with(&t, GRACE, GRACE_PASSWORD).await);
    assert!(invitations(&t, &owner).await.pending.is_empty());
    let kinds = audited_kinds(&t).await;
    assert!(kinds.contains(&"invitation_sent".to_owned()), "{kinds:?}");
    assert!(
        kinds.contains(&"invitation_accepted".to_owned()),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn joining_by_the_link_from_the_mail_verifies_the_address() {
    let t = test_auth().await;
    let owner = ada(&t).await;
    let token = invited(&t, &owner, GRACE).await;

    let step = accept(&t, &token).await.unwrap();

    let session = step.session().expect("signed in at once");
    let grace = crate::helpers::caller(&t, &session.token).await;
    let admitted = t
        .auth
        .admit(&grace, api::rpc::Method::EmailGet, auth::Via::Api)
        .await
        .unwrap();
    let status = admitted.user().email_status().await.unwrap();
    assert!(status.verified_at.is_some(), "the invitation came to it");
    assert!(status.pending.is_none());
}

#[tokio::test]
async fn the_mail_links_to_the_public_url_and_only_the_tokens_hash_is_stored() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;

    // Act
    invite(&t, &owner, GRACE).await.unwrap();
    let sent = delivered(&t).await;

    // Assert
    let mail = &sent[0];
    assert!(
        mail.text
            .contains("http://127.0.0.1:3000/login/invitation?token="),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("Ada Lovelace") && mail.text.contains("Acme"));
    let start = mail.text.find("token=").unwrap() + "token=".len();
    let token = mail.text[start..].split_whitespace().next().unwrap();
    assert_eq!(token.len(), 43, "256 bits, base64url");
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM invitations")
        .fetch_all(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(
        stored,
        [blake3::hash(token.as_bytes()).to_hex().to_string()]
    );
}

#[tokio::test]
async fn the_pending_invitation_is_listed_with_when_it_was_sent_and_ends() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;

    // Act
    let sent = invite(&t, &owner, "Grace@Example.com").await.unwrap();
    let listed = invitations(&t, &owner).await;

    // Assert
    assert!(listed.sends_mail);
    assert_eq!(listed.pending, std::slice::from_ref(&sent));
    assert_eq!(sent.email, GRACE, "the address as it is kept");
    assert_eq!(
        sent.expires_at.millis_since(sent.sent_at),
        7 * 24 * 60 * 60 * 1000
    );
}

#[tokio::test]
async fn a_link_works_for_seven_days_and_no_longer() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let late_token = invited(&t, &owner, GRACE).await;
    let in_time_token = invited(&t, &owner, "alan@example.com").await;

    // Act
    t.clock
        .advance(Duration::from_hours(7 * 24) - Duration::from_secs(1));
    let in_time = t.auth.invitation(&in_time_token).await;
    t.clock.advance(Duration::from_secs(1));
    let late_page = t.auth.invitation(&late_token).await;
    let late = accept(&t, &late_token).await;

    // Assert
    assert!(in_time.is_ok());
    assert!(late_page.is_err());
    ended(late);
    assert!(!signs_in_with(&t, GRACE, GRACE_PASSWORD).await);
    assert!(
        invitations(&t, &owner).await.pending.is_empty(),
        "an expired invitation is pending no more"
    );
}

#[tokio::test]
async fn a_link_works_once() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let token = invited(&t, &owner, GRACE).await;
    accept(&t, &token).await.unwrap();

    // Act
    let again = t
        .auth
        .accept_invitation(&token, joining("another passphrase here"), meta())
        .await;

    // Assert
    ended(again);
    assert!(signs_in_with(&t, GRACE, GRACE_PASSWORD).await);
    assert!(!signs_in_with(&t, GRACE, "another passphrase here").await);
}

#[tokio::test]
async fn a_revoked_link_ends_at_once_and_looks_like_a_used_or_unknown_one() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let token = invited(&t, &owner, GRACE).await;
    let pending = invitations(&t, &owner).await.pending.remove(0);

    // Act
    let revoked = revoke(&t, &owner, &pending).await;
    let twice = revoke(&t, &owner, &pending).await;
    let by_revoked = ended(accept(&t, &token).await);
    let by_unknown = ended(accept(&t, &"A".repeat(43)).await);
    let by_junk = ended(accept(&t, "not a token").await);

    // Assert
    assert!(revoked.revoked);
    assert!(!twice.revoked);
    assert_eq!(by_revoked, by_unknown);
    assert_eq!(by_revoked, by_junk);
    assert!(invitations(&t, &owner).await.pending.is_empty());
    assert!(
        audited_kinds(&t)
            .await
            .contains(&"invitation_revoked".to_owned())
    );
}

#[tokio::test]
async fn inviting_the_same_address_again_replaces_the_earlier_link() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let first = invited(&t, &owner, GRACE).await;

    // Act
    let second = invited(&t, &owner, GRACE).await;
    let by_first = accept(&t, &first).await;
    let by_second = accept(&t, &second).await;

    // Assert
    ended(by_first);
    assert!(by_second.is_ok());
    assert_ne!(first, second);
}

#[tokio::test]
async fn an_address_that_has_an_account_is_not_invited() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let other_owner = crate::helpers::signed_up(&t, GRACE).await;

    // Act
    let own = invite(&t, &owner, "ada@example.com").await;
    let others = invite(&t, &owner, GRACE).await;

    // Assert
    for refused in [own, others] {
        let err = ApiError::from(refused.unwrap_err());
        assert_eq!(err.code, ErrorCode::AlreadyHasAccount);
    }
    assert!(delivered(&t).await.is_empty(), "no mail");
    assert!(invitations(&t, &owner).await.pending.is_empty());
    drop(other_owner);
}

#[tokio::test]
async fn an_address_that_joined_another_team_meanwhile_ends_the_link() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let token = invited(&t, &owner, GRACE).await;
    crate::helpers::signed_up(&t, GRACE).await;

    // Act
    let late = accept(&t, &token).await;

    // Assert
    ended(late);
    assert!(invitations(&t, &owner).await.pending.is_empty());
}

#[tokio::test]
async fn the_name_and_password_follow_the_rules_of_signing_up_and_keep_the_link() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let token = invited(&t, &owner, GRACE).await;

    // Act
    let short = t
        .auth
        .accept_invitation(&token, joining("short"), meta())
        .await;
    let nameless = t
        .auth
        .accept_invitation(
            &token,
            JoiningMember {
                name: "  ".into(),
                password: Password::new(GRACE_PASSWORD.into()),
            },
            meta(),
        )
        .await;
    let right = accept(&t, &token).await;

    // Assert
    let short = ApiError::from(short.unwrap_err());
    assert_eq!(short.field.as_deref(), Some("password"));
    let nameless = ApiError::from(nameless.unwrap_err());
    assert_eq!(nameless.field.as_deref(), Some("name"));
    assert!(right.is_ok(), "the link still worked");
}

#[tokio::test]
async fn where_the_account_requires_a_second_factor_the_new_member_sets_one_up_first() {
    // Arrange
    let t = test_auth().await;
    let (owner, _member) = owner_with_app_and_member(&t).await;
    require(&t, &owner, true).await.unwrap();
    let token = invited(&t, &owner, GRACE).await;

    // Act
    let step = accept(&t, &token).await.unwrap();

    // Assert
    assert!(
        matches!(step, SignInStep::SetupRequired(..)),
        "sent to set up an app: {step:?}"
    );
    let joined: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(GRACE)
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(joined, 1, "a member of the account, without a session yet");
}

#[tokio::test]
async fn a_member_may_not_invite_list_or_revoke() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let member = member_signed_in(&t, &owner, "max@example.com").await;
    let member = caller(&t, &member.token).await;

    // Act
    let invited = invite(&t, &member, GRACE).await;

    // Assert
    assert!(matches!(invited, Err(AuthError::Forbidden)), "{invited:?}");
    for method in [Method::InvitationList, Method::InvitationRevoke] {
        let refused = t.auth.admit(&member, method, Via::Api).await;
        assert!(matches!(refused, Err(AuthError::Forbidden)));
    }
    assert!(delivered(&t).await.is_empty());
}

#[tokio::test]
async fn an_api_token_the_scope_does_not_allow_may_not_invite() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    let token_with = |scope: TokenScope| {
        let (t, owner) = (&t, &owner);
        async move {
            let params = api::TokenCreateParams {
                scope,
                ..token_named("invite")
            };
            by_token(t, &create_token(t, owner, params).await.unwrap()).await
        }
    };
    let read_only = token_with(TokenScope::ReadOnly).await;
    let list_only = token_with(TokenScope::Methods(vec![Method::InvitationList])).await;
    let inviting = token_with(TokenScope::Methods(vec![Method::MemberInvite])).await;

    // Act
    let by_read_only = invite(&t, &read_only, GRACE).await;
    let by_list_only = invite(&t, &list_only, GRACE).await;
    let by_inviting = invite(&t, &inviting, GRACE).await;

    // Assert
    for refused in [by_read_only, by_list_only] {
        assert!(
            matches!(refused, Err(AuthError::OutOfScope { action, .. }) if action == "account_member_invite"),
        );
    }
    assert!(
        by_inviting.is_ok(),
        "a token made to invite does, as one made to add members adds them"
    );
    let listed = invitations(&t, &read_only).await;
    assert_eq!(
        listed.pending.len(),
        1,
        "reading is open to a read-only token"
    );
}

#[tokio::test]
async fn without_mail_nobody_is_invited() {
    // Arrange
    let t = TestAuth::new(SessionSettings {
        sends_mail: false,
        ..SessionSettings::default()
    })
    .await;
    let owner = ada(&t).await;

    // Act
    let refused = invite(&t, &owner, GRACE).await;

    // Assert
    let err = ApiError::from(refused.unwrap_err());
    assert_eq!(err.code, ErrorCode::MailOff);
    assert!(!invitations(&t, &owner).await.sends_mail);
    assert_eq!(t.auth.outbox_counts().await.unwrap().waiting, 0);
}

#[tokio::test]
async fn an_owner_revokes_only_their_own_accounts_invitations() {
    // Arrange
    let t = test_auth().await;
    let owner = ada(&t).await;
    invite(&t, &owner, GRACE).await.unwrap();
    let pending = invitations(&t, &owner).await.pending.remove(0);
    let other = crate::helpers::signed_up(&t, "eve@example.com").await;
    let other = caller(&t, &other.token).await;

    // Act
    let by_other = revoke(&t, &other, &pending).await;

    // Assert
    assert!(!by_other.revoked);
    assert_eq!(invitations(&t, &owner).await.pending.len(), 1);
}
