//! Passkeys in the domain: registration needs a browser session and a
//! recent password and asks for a discoverable key; a ceremony counts once,
//! for five minutes, for its purpose and user only; a passkey is a second
//! factor (the password step then waits for it, and a required second
//! factor cannot lose its last one). The browser's part, and real answers,
//! are in `end2end/tests/passkeys.spec.ts`.

use std::time::Duration;

use api::rpc::Method;
use api::{
    ApiError, ErrorCode, PasskeyAssertion, PasskeyRegisterParams, PasskeyRemoveParams, Password,
    PasswordConfirmParams,
};
use auth::testing::TestAuth;
use auth::{AuthError, Caller, Clock, SignInStep, Via};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use crate::helpers::{
    PASSWORD, ada, admitted, by_token, caller, confirm_password, login_request, meta, new_token,
    password_step, refused, reset_member_second_factor, second_factor, signed_up, test_auth,
    turn_off_totp, with_app,
};
use crate::members::{MEMBER_PASSWORD, member_signed_in};
use crate::required_second_factor::require;

/// A passkey as a virtual authenticator registered it (public key only).
const PASSKEY: &str = include_str!("fixtures/passkey.json");
pub const CREDENTIAL_ID: &str = "wiJJrMTd1nzh8TybeOg1t_pqUtfAoP07nOJ0J2IH9WM";

/// Gives `me` the fixture passkey, as a finished registration would.
pub async fn with_passkey(t: &TestAuth, me: &Caller) -> api::PasskeyId {
    let id = api::PasskeyId::from_random_bytes([0x77; 16]);
    t.db.db
        .execute_write(
            sqlx::query(
                "INSERT INTO passkeys (id, user_id, credential_id, name, passkey, created_at) \
         VALUES ($1, $2, $3, 'Work laptop', $4, $5)",
            )
            .bind(id.as_str())
            .bind(me.me().user_id.as_str())
            .bind(CREDENTIAL_ID)
            .bind(PASSKEY)
            .bind(t.clock.now().as_millis()),
        )
        .await
        .unwrap();
    id
}

fn code_of(err: AuthError) -> ErrorCode {
    ApiError::from(err).code
}

/// `me` starts registering a passkey (`account_passkey_register_start`).
async fn start_registration(t: &TestAuth, me: &Caller) -> Result<api::PasskeyCeremony, AuthError> {
    let admitted = t
        .auth
        .admit(me, Method::PasskeyRegisterStart, Via::Api)
        .await?;
    admitted
        .user()
        .start_passkey_registration(&admitted.fresh()?)
        .await
}

/// `me` answers a registration ceremony (`account_passkey_register_finish`).
async fn finish_registration(
    t: &TestAuth,
    me: &Caller,
    params: PasskeyRegisterParams,
) -> Result<api::PasskeyInfo, AuthError> {
    let admitted = t
        .auth
        .admit(me, Method::PasskeyRegisterFinish, Via::Api)
        .await?;
    admitted
        .user()
        .finish_passkey_registration(&admitted.fresh()?, params, &meta())
        .await
}

/// `me` removes a passkey (`account_passkey_remove`).
async fn remove_passkey(
    t: &TestAuth,
    me: &Caller,
    params: PasskeyRemoveParams,
) -> Result<api::Revoked, AuthError> {
    let admitted = t.auth.admit(me, Method::PasskeyRemove, Via::Api).await?;
    admitted
        .user()
        .remove_passkey(&admitted.fresh()?, params, &meta())
        .await
}

/// `me`'s passkeys (`account_passkey_list`).
async fn list_passkeys(t: &TestAuth, me: &Caller) -> Vec<api::PasskeyInfo> {
    admitted(t, me, Method::PasskeyList)
        .await
        .user()
        .list_passkeys()
        .await
        .unwrap()
}

/// A made-up answer to `ceremony`: it never checks out.
pub fn answer(ceremony: &str) -> PasskeyAssertion {
    PasskeyAssertion {
        ceremony: ceremony.to_owned(),
        credential: json!({"id": "x", "rawId": "eA", "type": "public-key", "response": {}}),
    }
}

#[tokio::test]
async fn registering_asks_for_a_discoverable_verified_passkey_and_none_twice() {
    let t = test_auth().await;
    let me = ada(&t).await;
    with_passkey(&t, &me).await;

    let started = start_registration(&t, &me).await.unwrap();

    let options = &started.options;
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(
        options["authenticatorSelection"]["userVerification"],
        "required"
    );
    assert_eq!(options["excludeCredentials"][0]["id"], CREDENTIAL_ID);
    assert_eq!(options["user"]["name"], "ada@example.com");
}

#[tokio::test]
async fn registering_needs_a_recent_password() {
    let t = test_auth().await;
    let me = ada(&t).await;
    t.clock.advance(Duration::from_mins(16));

    let stale = refused(&t, &me, Method::PasskeyRegisterStart).await;

    assert!(matches!(stale, AuthError::ReauthRequired), "{stale:?}");
}

#[tokio::test]
async fn a_ceremony_is_answered_once_within_five_minutes_by_its_own_user() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let other = member_signed_in(&t, &me, "max@example.com").await;
    let other = caller(&t, &other.token).await;
    let finish = |ceremony: &str| PasskeyRegisterParams {
        name: "Laptop".into(),
        answer: answer(ceremony),
    };

    let first = start_registration(&t, &me).await.unwrap();
    let by_another = finish_registration(&t, &other, finish(&first.ceremony))
        .await
        .unwrap_err();
    let garbled = finish_registration(&t, &me, finish(&first.ceremony))
        .await
        .unwrap_err();
    let again = finish_registration(&t, &me, finish(&first.ceremony))
        .await
        .unwrap_err();
    let second = start_registration(&t, &me).await.unwrap();
    t.clock.advance(Duration::from_mins(5));
    let late = finish_registration(&t, &me, finish(&second.ceremony))
        .await
        .unwrap_err();

    assert_eq!(code_of(by_another), ErrorCode::SignInExpired, "not theirs");
    let garbled = ApiError::from(garbled);
    assert_eq!(garbled.code, ErrorCode::InvalidParams);
    assert_eq!(garbled.field.as_deref(), Some("credential"));
    assert_eq!(code_of(again), ErrorCode::SignInExpired, "answered once");
    assert_eq!(code_of(late), ErrorCode::SignInExpired, "five minutes");
    assert!(list_passkeys(&t, &me).await.is_empty());
}

#[tokio::test]
async fn a_registration_ceremony_signs_nobody_in() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let started = start_registration(&t, &me).await.unwrap();

    let signed_in = t
        .auth
        .sign_in_with_passkey(answer(&started.ceremony), meta())
        .await;
    let confirmed = confirm_password(
        &t,
        &me,
        PasswordConfirmParams {
            passkey: Some(answer(&started.ceremony)),
            ..Default::default()
        },
    )
    .await;

    assert!(signed_in.is_err());
    assert!(confirmed.is_err());
}

#[tokio::test]
async fn a_passkey_is_listed_and_only_its_owner_removes_it() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let other = member_signed_in(&t, &me, "max@example.com").await;
    let other = caller(&t, &other.token).await;
    let id = with_passkey(&t, &me).await;
    let remove = || PasskeyRemoveParams {
        passkey_id: id.clone(),
    };

    let listed = list_passkeys(&t, &me).await;
    let by_other = remove_passkey(&t, &other, remove()).await.unwrap();
    let by_owner = remove_passkey(&t, &me, remove()).await.unwrap();

    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "Work laptop");
    assert_eq!(listed[0].last_used_at, None);
    assert!(!by_other.revoked);
    assert!(by_owner.revoked);
    assert!(list_passkeys(&t, &me).await.is_empty());
}

#[tokio::test]
async fn with_a_passkey_the_password_step_waits_for_it() {
    let t = test_auth().await;
    let me = ada(&t).await;
    with_passkey(&t, &me).await;

    let challenge = password_step(&t).await;
    let started = t
        .auth
        .start_passkey_second_step(&challenge.token, &meta())
        .await
        .unwrap();
    let wrong = t
        .auth
        .complete_sign_in_with_passkey(&challenge.token, answer(&started.ceremony), meta())
        .await;

    assert_eq!(
        started.options["allowCredentials"][0]["id"], CREDENTIAL_ID,
        "only the user's own passkeys"
    );
    assert!(
        wrong.is_err(),
        "an answer that does not check out opens nothing"
    );
    let status = second_factor(&t, &me).await;
    assert_eq!(status.passkeys, 1);
}

#[tokio::test]
async fn without_a_passkey_the_second_step_offers_none() {
    let t = test_auth().await;
    let me = ada(&t).await;
    with_app(&t, &me).await;
    let challenge = password_step(&t).await;

    let refused = t
        .auth
        .start_passkey_second_step(&challenge.token, &meta())
        .await
        .unwrap_err();

    assert_eq!(code_of(refused), ErrorCode::Conflict);
}

#[tokio::test]
async fn a_required_second_factor_counts_a_passkey_and_keeps_the_last_one() {
    let t = test_auth().await;
    let owner = ada(&t).await;
    with_app(&t, &owner).await;
    let member = member_signed_in(&t, &owner, "max@example.com").await;
    let member = caller(&t, &member.token).await;
    let id = with_passkey(&t, &member).await;

    let ended = require(&t, &owner, true).await.unwrap();
    let last = remove_passkey(&t, &member, PasskeyRemoveParams { passkey_id: id })
        .await
        .unwrap_err();
    let step = t
        .auth
        .login(login_request("max@example.com", MEMBER_PASSWORD), meta())
        .await
        .unwrap();

    assert_eq!(ended, 0, "a passkey is a second factor");
    assert_eq!(code_of(last), ErrorCode::Conflict);
    assert!(matches!(step, SignInStep::SecondFactor(_)));
    assert_eq!(list_passkeys(&t, &member).await.len(), 1);
}

#[tokio::test]
async fn an_owner_resetting_a_members_second_factor_removes_their_passkeys() {
    let t = test_auth().await;
    let owner = ada(&t).await;
    let member = member_signed_in(&t, &owner, "max@example.com").await;
    let member = caller(&t, &member.token).await;
    with_passkey(&t, &member).await;

    let reset = reset_member_second_factor(&t, &owner, &member.me().user_id)
        .await
        .unwrap();

    assert!(reset.turned_off);
    assert!(list_passkeys(&t, &member).await.is_empty());
}

#[tokio::test]
async fn removing_or_registering_a_passkey_needs_a_browser_session_confirmed_recently() {
    let t = test_auth().await;
    let me = ada(&t).await;
    let id = with_passkey(&t, &me).await;
    let script = by_token(&t, &new_token(&t, &me, "ci").await).await;

    let by_token_remove = refused(&t, &script, Method::PasskeyRemove).await;
    let by_token_finish = refused(&t, &script, Method::PasskeyRegisterFinish).await;
    t.clock.advance(Duration::from_mins(16));
    let stale_remove = remove_passkey(&t, &me, PasskeyRemoveParams { passkey_id: id }).await;
    let stale_finish = refused(&t, &me, Method::PasskeyRegisterFinish).await;

    assert!(
        matches!(by_token_remove, AuthError::SessionRequired),
        "{by_token_remove:?}"
    );
    assert!(
        matches!(by_token_finish, AuthError::SessionRequired),
        "{by_token_finish:?}"
    );
    assert!(
        matches!(stale_remove, Err(AuthError::ReauthRequired)),
        "{stale_remove:?}"
    );
    assert!(
        matches!(stale_finish, AuthError::ReauthRequired),
        "{stale_finish:?}"
    );
    assert_eq!(list_passkeys(&t, &me).await.len(), 1, "still there");
}

/// A passkey-alone answer from the passkey `credential_id` whose user
/// handle names `user_id`, as any client may send; its signature checks
/// nothing.
pub fn answer_naming(
    ceremony: &str,
    user_id: &api::UserId,
    credential_id: &str,
) -> PasskeyAssertion {
    let handle = URL_SAFE_NO_PAD.encode(hex::decode(user_id.as_str()).unwrap());
    PasskeyAssertion {
        ceremony: ceremony.to_owned(),
        credential: json!({
            "id": credential_id,
            "rawId": credential_id,
            "type": "public-key",
            "response": {
                "authenticatorData": "",
                "clientDataJSON": "",
                "signature": "",
                "userHandle": handle,
            },
        }),
    }
}

/// Every failed sign-in logged: its account, target and detail.
async fn failed_sign_ins(t: &TestAuth) -> Vec<(Option<String>, Option<String>, String)> {
    sqlx::query_as(
        "SELECT account_id, target, detail FROM audit_events \
         WHERE event = 'sign_in_failed' ORDER BY at, id",
    )
    .fetch_all(t.db.db.reader())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_passkey_sign_in_naming_another_users_handle_leaves_nothing_in_their_accounts_log() {
    // Arrange: Ada; Mallory, in an account of her own, with a passkey.
    let t = test_auth().await;
    let ada = ada(&t).await;
    let mallory = signed_up(&t, "mallory@example.com").await;
    let mallory = caller(&t, &mallory.token).await;
    with_passkey(&t, &mallory).await;
    let nobodys = "bm9ib2R5IHJlZ2lzdGVyZWQgdGhpcyBvbmU";

    // Act: answers naming Ada, from Mallory's passkey and from one nobody
    // registered.
    for credential_id in [CREDENTIAL_ID, nobodys] {
        let started = t.auth.start_passkey_sign_in(&meta()).await.unwrap();
        let answer = answer_naming(&started.ceremony, &ada.me().user_id, credential_id);
        let refused = t.auth.sign_in_with_passkey(answer, meta()).await;
        assert!(refused.is_err(), "signed in with {credential_id}");
    }

    // Assert: logged, in no account.
    let failed = failed_sign_ins(&t).await;
    assert_eq!(failed.len(), 2, "{failed:?}");
    for (account_id, target, detail) in failed {
        assert_eq!((account_id, target), (None, None), "{detail}");
        let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
        assert_eq!(detail["second_factor"], "passkey");
        assert_eq!(detail["claimed_user"], ada.me().user_id.as_str());
    }
}

#[tokio::test]
async fn a_failed_passkey_sign_in_with_the_users_own_passkey_is_logged_in_their_account() {
    let t = test_auth().await;
    let ada = ada(&t).await;
    with_passkey(&t, &ada).await;
    let started = t.auth.start_passkey_sign_in(&meta()).await.unwrap();

    let refused = t
        .auth
        .sign_in_with_passkey(
            answer_naming(&started.ceremony, &ada.me().user_id, CREDENTIAL_ID),
            meta(),
        )
        .await;

    assert!(refused.is_err());
    let failed = failed_sign_ins(&t).await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    let (account_id, target, _) = &failed[0];
    assert_eq!(account_id.as_deref(), Some(ada.me().account_id.as_str()));
    assert_eq!(target.as_deref(), Some(ada.me().user_id.as_str()));
}

#[tokio::test]
async fn turning_the_app_off_and_removing_the_passkey_at_once_leave_one_factor_where_required() {
    let t = test_auth().await;
    let owner = ada(&t).await;
    let (_, recovery) = with_app(&t, &owner).await;
    let id = with_passkey(&t, &owner).await;
    require(&t, &owner, true).await.unwrap();
    let app_off = api::TotpTurnOffParams {
        password: Password::new(PASSWORD.into()),
        code: recovery.codes[0].clone(),
    };

    let (app, passkey) = tokio::join!(
        turn_off_totp(&t, &owner, app_off),
        remove_passkey(&t, &owner, PasskeyRemoveParams { passkey_id: id }),
    );

    assert!(
        app.is_err() || passkey.is_err(),
        "both went: the account requires a factor this owner no longer has"
    );
    let left = second_factor(&t, &owner).await;
    assert!(left.totp_since.is_some() || left.passkeys > 0, "{left:?}");
}
