//! The gate: for every method, what `Auth::admit` answers each kind of
//! caller. Every expectation is read off the table of who may call what
//! (`Method::requires`), so these tests follow the table as it changes and
//! check that the gate does what it says.

use api::rpc::Method;
use api::{Credentials, Effect, PasswordConfirmParams, Proof, TokenScope, Who};
use auth::testing::TestAuth;
use auth::{AuthError, Caller, SessionToken, Via};

use crate::helpers::{
    PASSWORD, by_token, caller, confirm_password, create_token, signed_up, test_auth, token_named,
};
use crate::members::member_signed_in;

/// What the gate answered, by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Admitted,
    Forbidden,
    SessionRequired,
    OutOfScope,
    ReauthRequired,
    Unauthenticated,
}

/// Whose the credential is.
#[derive(Clone, Copy)]
enum Role {
    Owner,
    Member,
}

/// What the table says a browser session gets: the role is checked, then
/// a recent confirmation where the method needs one.
fn for_session(method: Method, role: Role, fresh: bool) -> Answer {
    let needs = method.requires();
    if needs.who == Who::Owner && matches!(role, Role::Member) {
        return Answer::Forbidden;
    }
    if needs.proof == Proof::RecentConfirmation && !fresh {
        return Answer::ReauthRequired;
    }
    Answer::Admitted
}

/// Whether a token of this scope may call the method, as the table says.
fn in_scope(scope: &TokenScope, method: Method) -> bool {
    match scope {
        TokenScope::Full => true,
        TokenScope::ReadOnly => method.requires().effect == Effect::Reads,
        TokenScope::Methods(methods) => methods.contains(&method),
    }
}

/// What the table says an API token gets by way of the API: the kind of
/// credential and the scope are checked, then the role. A token is never
/// asked for a recent confirmation.
fn for_token(method: Method, scope: &TokenScope, role: Role) -> Answer {
    let needs = method.requires();
    if needs.credentials == Credentials::BrowserSession {
        return Answer::SessionRequired;
    }
    if !in_scope(scope, method) {
        return Answer::OutOfScope;
    }
    if needs.who == Who::Owner && matches!(role, Role::Member) {
        return Answer::Forbidden;
    }
    Answer::Admitted
}

async fn answer(t: &TestAuth, caller: &Caller, method: Method, via: Via) -> Answer {
    match t.auth.admit(caller, method, via).await {
        Ok(_) => Answer::Admitted,
        Err(AuthError::Forbidden) => Answer::Forbidden,
        Err(AuthError::SessionRequired) => Answer::SessionRequired,
        Err(AuthError::OutOfScope { action, .. }) => {
            assert_eq!(action, method.name(), "the refusal names the method");
            Answer::OutOfScope
        }
        Err(AuthError::ReauthRequired) => Answer::ReauthRequired,
        Err(AuthError::Unauthenticated) => Answer::Unauthenticated,
        Err(other) => panic!("{}: an unexpected refusal: {other:?}", method.name()),
    }
}

/// Asks the gate about every method for `caller`, by way of `via`; fails
/// with every method whose answer is not the expected one.
async fn every_method(
    t: &TestAuth,
    caller: &Caller,
    via: Via,
    expected: impl Fn(Method) -> Answer,
) {
    let mut wrong = Vec::new();
    for method in Method::ALL {
        let want = expected(method);
        let got = answer(t, caller, method, via).await;
        if got != want {
            wrong.push((method.name(), want, got));
        }
    }
    assert!(wrong.is_empty(), "(method, expected, answered): {wrong:#?}");
}

/// An owner (Ada, just signed up) and a member (Bob, just signed in).
struct People {
    owner: Caller,
    owner_session: SessionToken,
    member: Caller,
    member_session: SessionToken,
}

async fn owner_and_member(t: &TestAuth) -> People {
    let owner_session = signed_up(t, "ada@example.com").await.token;
    let owner = caller(t, &owner_session).await;
    let member_session = member_signed_in(t, &owner, "bob@example.com").await.token;
    let member = caller(t, &member_session).await;
    People {
        owner,
        owner_session,
        member,
        member_session,
    }
}

/// A token of `me`'s with this scope, as the caller it authenticates.
async fn token_with(t: &TestAuth, me: &Caller, scope: TokenScope) -> Caller {
    let params = api::TokenCreateParams {
        scope,
        ..token_named("gate")
    };
    by_token(t, &create_token(t, me, params).await.unwrap()).await
}

/// Moves the clock just past the re-authentication window.
fn past_the_window(t: &TestAuth) {
    let window = t.auth.settings().reauth_window;
    t.clock.advance(window + std::time::Duration::from_secs(1));
}

#[tokio::test]
async fn an_owners_fresh_browser_session_is_let_through_to_every_method() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;

    every_method(&t, &people.owner, Via::Api, |method| {
        for_session(method, Role::Owner, true)
    })
    .await;
}

#[tokio::test]
async fn a_members_session_is_refused_exactly_the_methods_only_an_owner_may_call() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;

    every_method(&t, &people.member, Via::Api, |method| {
        for_session(method, Role::Member, true)
    })
    .await;
    assert!(
        Method::ALL.iter().any(|method| method.owner_only())
            && Method::ALL.iter().any(|method| !method.owner_only()),
        "the table has methods of both kinds"
    );
}

#[tokio::test]
async fn a_full_access_token_is_refused_only_what_needs_a_browser_session() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;
    let full = token_with(&t, &people.owner, TokenScope::Full).await;

    every_method(&t, &full, Via::Api, |method| {
        for_token(method, &TokenScope::Full, Role::Owner)
    })
    .await;
    assert!(
        Method::ALL
            .iter()
            .any(|method| method.requires().credentials == Credentials::BrowserSession),
        "some methods need a browser session"
    );
}

#[tokio::test]
async fn a_members_token_is_told_it_needs_a_browser_session_before_it_is_told_it_is_no_owner() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;
    let full = token_with(&t, &people.member, TokenScope::Full).await;

    every_method(&t, &full, Via::Api, |method| {
        for_token(method, &TokenScope::Full, Role::Member)
    })
    .await;
    let browser_only_and_owners = Method::ALL.iter().filter(|method| {
        method.requires().credentials == Credentials::BrowserSession && method.owner_only()
    });
    assert!(browser_only_and_owners.count() > 0, "the order is tested");
}

#[tokio::test]
async fn a_read_only_token_is_refused_every_change_and_whatever_needs_a_browser_session() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;
    let read_only = token_with(&t, &people.owner, TokenScope::ReadOnly).await;

    every_method(&t, &read_only, Via::Api, |method| {
        for_token(method, &TokenScope::ReadOnly, Role::Owner)
    })
    .await;
}

#[tokio::test]
async fn a_token_scoped_to_one_method_is_let_through_to_that_one_and_refused_every_other() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;

    for only in [
        Method::Verify,
        Method::SessionList,
        Method::MemberAdd,
        Method::MemberInvite,
        Method::InvitationRevoke,
    ] {
        let scope = TokenScope::Methods(vec![only]);
        let token = token_with(&t, &people.owner, scope.clone()).await;

        every_method(&t, &token, Via::Api, |method| {
            for_token(method, &scope, Role::Owner)
        })
        .await;
        assert_eq!(
            answer(&t, &token, only, Via::Api).await,
            Answer::Admitted,
            "{}",
            only.name()
        );
    }
}

#[tokio::test]
async fn past_the_reauthentication_window_a_session_must_confirm_only_where_the_table_says() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;
    let owners_token = token_with(&t, &people.owner, TokenScope::Full).await;
    let members_token = token_with(&t, &people.member, TokenScope::Full).await;

    past_the_window(&t);
    let owner = caller(&t, &people.owner_session).await;
    let member = caller(&t, &people.member_session).await;

    every_method(&t, &owner, Via::Api, |method| {
        for_session(method, Role::Owner, false)
    })
    .await;
    // The role is checked before the confirmation.
    every_method(&t, &member, Via::Api, |method| {
        for_session(method, Role::Member, false)
    })
    .await;
    // A token is never asked: making it took a confirmed session.
    every_method(&t, &owners_token, Via::Api, |method| {
        for_token(method, &TokenScope::Full, Role::Owner)
    })
    .await;
    every_method(&t, &members_token, Via::Api, |method| {
        for_token(method, &TokenScope::Full, Role::Member)
    })
    .await;
    assert!(
        Method::ALL
            .iter()
            .any(|method| method.requires().proof == Proof::RecentConfirmation),
        "some methods need a recent confirmation"
    );
}

#[tokio::test]
async fn confirming_the_password_again_lets_a_stale_session_through_once_more() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;
    past_the_window(&t);
    let owner = caller(&t, &people.owner_session).await;

    let params = PasswordConfirmParams {
        password: Some(api::Password::new(PASSWORD.into())),
        ..Default::default()
    };
    confirm_password(&t, &owner, params).await.unwrap();

    every_method(&t, &owner, Via::Api, |method| {
        for_session(method, Role::Owner, true)
    })
    .await;
}

#[tokio::test]
async fn by_way_of_the_page_no_token_counts_and_a_session_counts_as_itself() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;
    let tokens = [
        token_with(&t, &people.owner, TokenScope::Full).await,
        token_with(&t, &people.owner, TokenScope::ReadOnly).await,
        token_with(&t, &people.owner, TokenScope::Methods(vec![Method::Verify])).await,
        token_with(&t, &people.member, TokenScope::Full).await,
    ];

    for token in &tokens {
        every_method(&t, token, Via::Page, |_| Answer::Unauthenticated).await;
    }
    every_method(&t, &people.owner, Via::Page, |method| {
        for_session(method, Role::Owner, true)
    })
    .await;
    every_method(&t, &people.member, Via::Page, |method| {
        for_session(method, Role::Member, true)
    })
    .await;
}

#[tokio::test]
async fn what_the_gate_lets_through_carries_the_proofs_the_table_names() {
    let t = test_auth().await;
    let people = owner_and_member(&t).await;
    let owners_token = token_with(&t, &people.owner, TokenScope::Full).await;

    for method in Method::ALL {
        let name = method.name();
        let confirms = method.requires().proof == Proof::RecentConfirmation;
        let by_session = t.auth.admit(&people.owner, method, Via::Api).await.unwrap();
        assert_eq!(
            by_session.caller().me().user_id,
            people.owner.me().user_id,
            "{name}"
        );
        assert!(by_session.owner().is_ok(), "{name}");
        let session = by_session.session().unwrap();
        assert_eq!(Some(session.id()), people.owner.session_id(), "{name}");
        assert_eq!(by_session.fresh().is_ok(), confirms, "{name}");
        assert_eq!(by_session.confirmed().is_ok(), confirms, "{name}");
        if !confirms {
            let refused = by_session.confirmed().err();
            assert!(
                matches!(refused, Some(AuthError::RulesDisagree(_))),
                "{name}: {refused:?}"
            );
        }

        if let Ok(by_member) = t.auth.admit(&people.member, method, Via::Api).await {
            let refused = by_member.owner().err();
            assert!(matches!(refused, Some(AuthError::Forbidden)), "{name}");
        }

        if let Ok(by_token) = t.auth.admit(&owners_token, method, Via::Api).await {
            let refused = by_token.session().err();
            assert!(
                matches!(refused, Some(AuthError::SessionRequired)),
                "{name}"
            );
            assert!(by_token.fresh().is_err(), "{name}");
            assert_eq!(by_token.confirmed().is_ok(), confirms, "{name}");
        }
    }
}
