use std::num::NonZeroU32;

use api::rpc::Method;
use api::{AccountSignedOut, PolicyFor, Preset, RevokeScope, SessionsRevokeParams};
use api::{Count, Revoked, SessionId, SessionRevokeAllParams, SessionRevokeParams};
use api::{CreatedToken, LoginRequest, Password, SignupRequest, TokenCreateParams, TokenScope};
use api::{
    Me, NewMemberRequest, PasswordChange, PasswordChanged, PasswordConfirmParams,
    PasswordConfirmed, RecoveryCodes, SecondFactorStatus, TotpConfirmParams, TotpSetup,
    TotpTurnOffParams,
};
use auth::Clock as _;
use auth::testing::TestAuth;
use auth::{
    Access, Admitted, AuthError, Caller, Challenge, ClientMeta, DemoAccount, DeviceCookie,
    NewSession, PolicyChange, PolicyUpdate, Resolved, SessionSettings, SessionToken, SignInStep,
    Via,
};
use testkit::TestDevice;

pub const PASSWORD: &str = "a long enough password";

pub async fn test_auth() -> TestAuth {
    TestAuth::new(SessionSettings {
        // Generous, so that only the tests of these limits meet them.
        attempts_per_ip_minute: NonZeroU32::new(10_000).unwrap(),
        attempts_per_email_hour: NonZeroU32::new(10_000).unwrap(),
        ..SessionSettings::default()
    })
    .await
}

pub fn signup_request(email: &str) -> SignupRequest {
    SignupRequest {
        account_name: "Acme".into(),
        name: "Ada Lovelace".into(),
        email: email.into(),
        password: Password::new(PASSWORD.into()),
    }
}

pub fn login_request(email: &str, password: &str) -> LoginRequest {
    LoginRequest {
        email: email.into(),
        password: Password::new(password.into()),
    }
}

pub fn meta() -> ClientMeta {
    ClientMeta::new(
        Some("127.0.0.1".into()),
        Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"),
    )
}

/// Signed up, and the address verified with the link mailed to it (that
/// mail taken out of the outbox): someone every mail reaches.
pub async fn signed_up(t: &TestAuth, email: &str) -> NewSession {
    let session = signed_up_unverified(t, email).await;
    // A server that sends no mail mails no link either.
    if let Some(token) = verification_mailed_to(t, email).await {
        t.auth
            .verify_email(&token, &meta())
            .await
            .expect("the link verifies the address");
    }
    session
}

/// Signed up, the link that verifies the address still in the outbox.
pub async fn signed_up_unverified(t: &TestAuth, email: &str) -> NewSession {
    t.auth
        .signup(signup_request(email), meta())
        .await
        .expect("signup")
}

/// The token of the newest link that verifies an address waiting in the
/// outbox for `email`, and that mail taken out of the outbox (as if
/// delivered); `None` when there is none.
pub async fn verification_mailed_to(t: &TestAuth, email: &str) -> Option<String> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, text_body FROM mail_outbox \
         WHERE recipient = $1 AND kind = 'email_verification' AND sent_at IS NULL \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(api::EmailAddress::parse(email).unwrap().as_str())
    .fetch_optional(t.db.db.reader())
    .await
    .unwrap();
    let (id, text) = row?;
    t.db.db
        .execute_write(sqlx::query("DELETE FROM mail_outbox WHERE id = $1").bind(id))
        .await
        .unwrap();
    let link = format!("{}?token=", api::paths::page::LOGIN_VERIFY_EMAIL);
    let start = text.find(&link)? + link.len();
    text[start..].split_whitespace().next().map(str::to_owned)
}

/// Ada, signed up: the caller her session is.
pub async fn ada(t: &TestAuth) -> Caller {
    let session = signed_up(t, "ada@example.com").await;
    caller(t, &session.token).await
}

pub async fn logged_in(t: &TestAuth, email: &str) -> NewSession {
    logged_in_with(t, email, PASSWORD).await
}

/// A new session of the user with this email and password, who has no
/// second factor.
pub async fn logged_in_with(t: &TestAuth, email: &str, password: &str) -> NewSession {
    t.auth
        .login(login_request(email, password), meta())
        .await
        .expect("login")
        .session()
        .expect("no second factor")
}

/// The demo account with its owner and member signed in once each.
pub struct Demo {
    pub account: DemoAccount,
    pub owner: NewSession,
    pub member: NewSession,
}

pub async fn demo(t: &TestAuth) -> Demo {
    let account = t
        .auth
        .create_demo_account_if_empty()
        .await
        .unwrap()
        .expect("created");
    let owner = demo_owner_signed_in(t, &account).await;
    let member = logged_in_with(t, &account.member_email, account.member_password.expose()).await;
    Demo {
        account,
        owner,
        member,
    }
}

/// A new session of the demo account's owner.
pub async fn demo_owner_signed_in(t: &TestAuth, account: &DemoAccount) -> NewSession {
    logged_in_with(t, &account.owner_email, account.owner_password.expose()).await
}

/// Ada's password, right, where she has a second factor: the challenge it
/// gives.
pub async fn password_step(t: &TestAuth) -> Challenge {
    let step = t
        .auth
        .login(login_request("ada@example.com", PASSWORD), meta())
        .await
        .unwrap();
    let SignInStep::SecondFactor(challenge) = step else {
        panic!("a user with a second factor was signed in on the password alone");
    };
    challenge
}

pub async fn resolve(
    t: &TestAuth,
    token: &SessionToken,
    access: Access,
) -> Result<Resolved, auth::AuthError> {
    t.auth.authenticate(token, access, &meta()).await
}

pub async fn caller(t: &TestAuth, token: &SessionToken) -> Caller {
    resolve(t, token, Access::Api)
        .await
        .expect("a valid session")
        .caller
}

/// A page load with `token` that rotates it; the new token, which the
/// browser has not presented yet.
pub async fn rotated(t: &TestAuth, token: &SessionToken) -> SessionToken {
    resolve(t, token, Access::Interactive)
        .await
        .expect("a valid session")
        .rotated
        .expect("a page load after the interval rotates")
}

/// Rotates the session's token (a page load past the interval) and has the
/// browser come back with the new one, so the old one has only its grace
/// left. Returns the new token.
pub async fn rotated_and_presented(t: &TestAuth, token: &SessionToken) -> SessionToken {
    t.clock.advance(std::time::Duration::from_mins(10));
    let new_token = rotated(t, token).await;
    resolve(t, &new_token, Access::Api)
        .await
        .expect("the new token works");
    new_token
}

/// What the gate lets through when `caller` calls `method` by way of the
/// API, which it must.
pub async fn admitted<'a>(t: &'a TestAuth, caller: &'a Caller, method: Method) -> Admitted<'a> {
    match t.auth.admit(caller, method, Via::Api).await {
        Ok(admitted) => admitted,
        Err(refused) => panic!("{} was refused: {refused:?}", method.name()),
    }
}

/// Why the gate refuses `caller` calling `method` by way of the API, which
/// it must.
pub async fn refused(t: &TestAuth, caller: &Caller, method: Method) -> AuthError {
    match t.auth.admit(caller, method, Via::Api).await {
        Ok(_) => panic!("{} was let through", method.name()),
        Err(refused) => refused,
    }
}

/// The unseen notices of the person at this browser (`account_notice_list`).
pub async fn security_notices(t: &TestAuth, me: &Caller) -> Vec<api::SecurityNotice> {
    let admitted = admitted(t, me, Method::NoticeList).await;
    admitted
        .user()
        .security_notices(&admitted.session().unwrap())
        .await
        .unwrap()
}

/// The person at this browser has been shown these notices
/// (`account_notice_acknowledge`); how many were still unseen.
pub async fn acknowledge_notices(t: &TestAuth, me: &Caller, ids: &[api::NoticeId]) -> u64 {
    let admitted = admitted(t, me, Method::NoticeAcknowledge).await;
    admitted
        .user()
        .acknowledge_security_notices(&admitted.session().unwrap(), ids)
        .await
        .unwrap()
}

/// The notices a page of this caller shows: read, then acknowledged, as
/// the security page does once it runs in the browser.
pub async fn shown_notices(t: &TestAuth, me: &Caller) -> Vec<api::SecurityNotice> {
    let notices = security_notices(t, me).await;
    let ids: Vec<api::NoticeId> = notices.iter().map(|n| n.id.clone()).collect();
    acknowledge_notices(t, me, &ids).await;
    notices
}

/// Live (not revoked) session rows of the user with this email.
pub async fn live_sessions(t: &TestAuth, email: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE u.email = $1 AND s.revoked_at IS NULL",
    )
    .bind(email)
    .fetch_one(t.db.db.reader())
    .await
    .unwrap()
}

/// The kinds of every audit entry stored, oldest first.
pub async fn audited_kinds(t: &TestAuth) -> Vec<String> {
    sqlx::query_scalar("SELECT event FROM audit_events ORDER BY at, event")
        .fetch_all(t.db.db.reader())
        .await
        .unwrap()
}

/// The stored `last_seen_at` of a session.
pub async fn last_seen(t: &TestAuth, session_id: &api::SessionId) -> i64 {
    sqlx::query_scalar("SELECT last_seen_at FROM sessions WHERE session_id = $1")
        .bind(session_id.as_str())
        .fetch_one(t.db.db.reader())
        .await
        .unwrap()
}

/// Parameters for a token that never expires.
pub fn token_named(name: &str) -> TokenCreateParams {
    TokenCreateParams {
        name: name.into(),
        expires_in_days: None,
        scope: TokenScope::Full,
    }
}

/// `me` creates a token (`account_token_create`): the gate's refusal or
/// the action's answer.
pub async fn create_token(
    t: &TestAuth,
    me: &Caller,
    params: TokenCreateParams,
) -> Result<CreatedToken, AuthError> {
    let admitted = t.auth.admit(me, Method::TokenCreate, Via::Api).await?;
    admitted
        .user()
        .create_token(&admitted.fresh()?, params, &meta())
        .await
}

/// A token named `name` created by `me`, which must be allowed to.
pub async fn new_token(t: &TestAuth, me: &Caller, name: &str) -> CreatedToken {
    create_token(t, me, token_named(name)).await.unwrap()
}

/// The caller `created` authenticates as.
pub async fn by_token(t: &TestAuth, created: &CreatedToken) -> Caller {
    let secret = auth::ApiTokenSecret::from_bearer(&created.token).unwrap();
    t.auth.authenticate_api_token(&secret).await.unwrap()
}

/// `me`'s sessions, newest first (`account_session_list`).
pub async fn list_sessions(t: &TestAuth, me: &Caller) -> Vec<api::SessionInfo> {
    admitted(t, me, Method::SessionList)
        .await
        .user()
        .list_sessions()
        .await
        .unwrap()
}

/// `me` ends one of their sessions (`account_session_revoke`).
pub async fn revoke_session(t: &TestAuth, me: &Caller, session_id: SessionId) -> Revoked {
    admitted(t, me, Method::SessionRevoke)
        .await
        .user()
        .revoke_session(SessionRevokeParams { session_id }, &meta())
        .await
        .unwrap()
}

/// `me` ends all their sessions, or all but this one
/// (`account_session_revoke_all`).
pub async fn revoke_all_sessions(
    t: &TestAuth,
    me: &Caller,
    except_current: bool,
) -> Result<Count, AuthError> {
    admitted(t, me, Method::SessionRevokeAll)
        .await
        .user()
        .revoke_all_sessions(SessionRevokeAllParams { except_current }, &meta())
        .await
}

/// `me`'s API tokens (`account_token_list`).
pub async fn list_tokens(t: &TestAuth, me: &Caller) -> Vec<api::TokenInfo> {
    admitted(t, me, Method::TokenList)
        .await
        .user()
        .list_tokens()
        .await
        .unwrap()
}

/// `me` confirms who they are (`account_password_confirm`).
pub async fn confirm_password(
    t: &TestAuth,
    me: &Caller,
    params: PasswordConfirmParams,
) -> Result<PasswordConfirmed, AuthError> {
    let admitted = t.auth.admit(me, Method::PasswordConfirm, Via::Api).await?;
    admitted
        .user()
        .confirm_password(&admitted.session()?, params, &meta())
        .await
}

/// `me` changes their password (`account_password_change`).
pub async fn change_password(
    t: &TestAuth,
    me: &Caller,
    change: PasswordChange,
) -> Result<PasswordChanged, AuthError> {
    let admitted = t.auth.admit(me, Method::PasswordChange, Via::Api).await?;
    admitted
        .user()
        .change_password(&admitted.session()?, change, &meta())
        .await
}

/// The owner `me` adds a member (`account_member_add`).
pub async fn add_member(
    t: &TestAuth,
    me: &Caller,
    request: NewMemberRequest,
) -> Result<Me, AuthError> {
    let admitted = t.auth.admit(me, Method::MemberAdd, Via::Api).await?;
    admitted
        .owner()?
        .add_member(&admitted.confirmed()?, request, &meta())
        .await
}

/// The owner `me` sets the account's policy (`account_policy_set`).
pub async fn set_policy(
    t: &TestAuth,
    me: &Caller,
    change: PolicyChange,
    apply_to_live_sessions: bool,
) -> Result<PolicyUpdate, AuthError> {
    set_policy_for(
        t,
        me,
        PolicyFor::AllSessions,
        change,
        apply_to_live_sessions,
    )
    .await
}

/// The owner `me` sets the account's policy for `which` sessions.
pub async fn set_policy_for(
    t: &TestAuth,
    me: &Caller,
    which: PolicyFor,
    change: PolicyChange,
    apply_to_live_sessions: bool,
) -> Result<PolicyUpdate, AuthError> {
    let admitted = t.auth.admit(me, Method::PolicySet, Via::Api).await?;
    admitted
        .owner()?
        .set_policy(
            &admitted.confirmed()?,
            change,
            which,
            apply_to_live_sessions,
            &meta(),
        )
        .await
}

/// The owner `me` sets the Strict preset, shortening the sessions signed in
/// now or not; `forbidden` for a member.
pub async fn set_strict(
    t: &TestAuth,
    me: &Caller,
    apply_to_live_sessions: bool,
) -> Result<PolicyUpdate, AuthError> {
    set_policy(
        t,
        me,
        PolicyChange::Preset(Preset::Strict),
        apply_to_live_sessions,
    )
    .await
}

/// The owner `me` signs out the account: everyone else, or everyone.
pub async fn sign_out_account(
    t: &TestAuth,
    me: &Caller,
    scope: RevokeScope,
) -> Result<AccountSignedOut, AuthError> {
    revoke_account(t, me, scope, false).await
}

/// The owner `me` signs out the account and revokes its API tokens too
/// (with `others`, not their own).
pub async fn sign_out_account_and_tokens(
    t: &TestAuth,
    me: &Caller,
    scope: RevokeScope,
) -> AccountSignedOut {
    revoke_account(t, me, scope, true).await.unwrap()
}

async fn revoke_account(
    t: &TestAuth,
    me: &Caller,
    scope: RevokeScope,
    revoke_api_tokens: bool,
) -> Result<AccountSignedOut, AuthError> {
    let params = SessionsRevokeParams {
        scope,
        revoke_api_tokens,
    };
    let admitted = t.auth.admit(me, Method::SessionsRevoke, Via::Api).await?;
    admitted
        .owner()?
        .revoke_account_sessions(&admitted.confirmed()?, params, &meta())
        .await
}

/// The code an authenticator app holding `secret` shows at `at`.
pub fn code_at(secret: &str, at: api::Timestamp) -> String {
    let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, secret).unwrap();
    let app = totp_rs::Builder::new().with_secret(bytes).build().unwrap();
    app.generate(u64::try_from(at.as_millis() / 1000).unwrap())
        .to_string()
}

/// `me` starts setting up an authenticator app
/// (`account_totp_setup_start`).
pub async fn start_totp_setup(t: &TestAuth, me: &Caller) -> Result<TotpSetup, AuthError> {
    let admitted = t.auth.admit(me, Method::TotpSetupStart, Via::Api).await?;
    admitted.user().start_totp_setup(&admitted.fresh()?).await
}

/// `me` confirms the app with a code from it
/// (`account_totp_setup_confirm`).
pub async fn confirm_totp_setup(
    t: &TestAuth,
    me: &Caller,
    params: TotpConfirmParams,
) -> Result<RecoveryCodes, AuthError> {
    let admitted = t.auth.admit(me, Method::TotpSetupConfirm, Via::Api).await?;
    admitted
        .user()
        .confirm_totp_setup(&admitted.fresh()?, params, &meta())
        .await
}

/// `me` turns their app off (`account_totp_turn_off`).
pub async fn turn_off_totp(
    t: &TestAuth,
    me: &Caller,
    params: TotpTurnOffParams,
) -> Result<SecondFactorStatus, AuthError> {
    let admitted = t.auth.admit(me, Method::TotpTurnOff, Via::Api).await?;
    admitted
        .user()
        .turn_off_totp(&admitted.session()?, params, &meta())
        .await
}

/// `me`'s second factors (`account_second_factor_get`).
pub async fn second_factor(t: &TestAuth, me: &Caller) -> SecondFactorStatus {
    admitted(t, me, Method::SecondFactorGet)
        .await
        .user()
        .second_factor()
        .await
        .unwrap()
}

/// The owner `me` turns off the second factor of the user `user_id`
/// (`account_member_second_factor_reset`).
pub async fn reset_member_second_factor(
    t: &TestAuth,
    me: &Caller,
    user_id: &api::UserId,
) -> Result<api::MemberSecondFactorReset, AuthError> {
    let admitted = t
        .auth
        .admit(me, Method::MemberSecondFactorReset, Via::Api)
        .await?;
    let params = api::MemberSecondFactorResetParams {
        user_id: user_id.clone(),
    };
    admitted
        .owner()?
        .reset_member_second_factor(&admitted.fresh()?, params, &meta())
        .await
}

/// `me` sets up an authenticator app and confirms it with its current
/// code; its secret and the recovery codes.
pub async fn with_app(t: &TestAuth, me: &Caller) -> (String, api::RecoveryCodes) {
    let setup = start_totp_setup(t, me).await.unwrap();
    let now = TotpConfirmParams {
        code: code_at(&setup.secret, t.clock.now()),
    };
    let codes = confirm_totp_setup(t, me, now).await.unwrap();
    (setup.secret, codes)
}

/// Binds `session` to `device` with the challenge its sign-in offered, as
/// a browser with Device Bound Session Credentials does.
pub async fn bound(t: &TestAuth, session: &NewSession, device: &TestDevice) -> DeviceCookie {
    let me = caller(t, &session.token).await;
    let proof = device.registration(session.device_challenge.expose());
    t.auth
        .register_device(&me, Some(&proof), &meta())
        .await
        .expect("the device registers")
}

/// The token in `mail`'s link to `path` (`{path}?token=...`).
pub fn token_in_link(mail: &auth::mail::OutgoingMail, path: &str) -> String {
    let link = format!("{path}?token=");
    let start = mail.text.find(&link).expect("the link") + link.len();
    mail.text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// Whether `email` and `password` sign in (no second factor asked).
pub async fn signs_in_with(t: &TestAuth, email: &str, password: &str) -> bool {
    t.auth
        .login(login_request(email, password), meta())
        .await
        .is_ok()
}
