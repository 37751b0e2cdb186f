use std::num::NonZeroU32;

use api::{AccountSignedOut, Preset, RevokeScope, SessionsRevokeParams};
use api::{CreatedToken, LoginRequest, Password, SignupRequest, TokenCreateParams, TokenScope};
use auth::Clock as _;
use auth::testing::TestAuth;
use auth::{
    Access, AuthError, Caller, ClientMeta, NewSession, PolicyChange, PolicyUpdate, Resolved,
    SessionSettings, SessionToken,
};

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

pub async fn signed_up(t: &TestAuth, email: &str) -> NewSession {
    t.auth
        .signup(signup_request(email), meta())
        .await
        .expect("signup")
}

pub async fn logged_in(t: &TestAuth, email: &str) -> NewSession {
    t.auth
        .login(login_request(email, PASSWORD), meta())
        .await
        .expect("login")
        .session()
        .expect("no second factor")
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

/// The notices a page of this caller shows: read, then acknowledged, as
/// the security page does once it runs in the browser.
pub async fn shown_notices(t: &TestAuth, me: &Caller) -> Vec<api::SecurityNotice> {
    let notices = t.auth.as_user(me).security_notices().await.unwrap();
    let ids: Vec<api::NoticeId> = notices.iter().map(|n| n.id.clone()).collect();
    t.auth
        .as_user(me)
        .acknowledge_security_notices(&ids)
        .await
        .unwrap();
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

/// A token named `name` created by `me`, which must be allowed to.
pub async fn new_token(t: &TestAuth, me: &Caller, name: &str) -> CreatedToken {
    t.auth
        .as_user(me)
        .create_token(token_named(name), &meta())
        .await
        .unwrap()
}

/// The owner `me` sets the Strict preset, shortening the sessions signed in
/// now or not; `forbidden` for a member.
pub async fn set_strict(
    t: &TestAuth,
    me: &Caller,
    apply_to_live_sessions: bool,
) -> Result<PolicyUpdate, AuthError> {
    t.auth
        .as_owner(me)?
        .set_policy(
            PolicyChange::Preset(Preset::Strict),
            apply_to_live_sessions,
            &meta(),
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
    t.auth
        .as_owner(me)?
        .revoke_account_sessions(params, &meta())
        .await
}

/// The code an authenticator app holding `secret` shows at `at`.
pub fn code_at(secret: &str, at: api::Timestamp) -> String {
    let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, secret).unwrap();
    let app = totp_rs::Builder::new().with_secret(bytes).build().unwrap();
    app.generate(u64::try_from(at.as_millis() / 1000).unwrap())
        .to_string()
}

/// `me` sets up an authenticator app and confirms it with its current
/// code; its secret and the recovery codes.
pub async fn with_app(t: &TestAuth, me: &Caller) -> (String, api::RecoveryCodes) {
    let setup = t.auth.as_user(me).start_totp_setup().await.unwrap();
    let now = api::TotpConfirmParams {
        code: code_at(&setup.secret, t.clock.now()),
    };
    let codes = t
        .auth
        .as_user(me)
        .confirm_totp_setup(now, &meta())
        .await
        .unwrap();
    (setup.secret, codes)
}
