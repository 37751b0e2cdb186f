//! Server functions: each decodes, calls the same `auth` action that
//! JSON-RPC calls, and maps errors. They run on the server; the browser gets
//! a generated client stub. The server's `uniform_error_answers` middleware
//! gives each error its code's HTTP status (401, 403, ...).
#![allow(
    clippy::unused_async,
    reason = "server functions must be async even when they do not await"
)]

use api::{
    AccountSignedOut, ApiError, AuditCursor, AuditKind, AuditPage, Count, CreatedToken, Me,
    MemberInfo, MemberRemoved, MemberRoleSet, MemberSignedOut, NoticeId, PasswordConfirmed,
    PolicySet, PolicySetParams, PolicyView, RevokeScope, Revoked, Role, SecurityNotice,
    SecurityOverview, SessionId, SessionInfo, TokenId, TokenInfo, UserId, Verified,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::acting;

mod passkeys;
mod second_factor;

pub use passkeys::{
    confirm_with_passkey, finish_passkey_registration, list_passkeys, remove_passkey,
    start_passkey_confirmation, start_passkey_registration,
};

pub use second_factor::{
    TotpSetupShown, confirm_totp_setup, confirm_with_code, load_second_factor, load_waiting_setup,
    renew_recovery_codes, reset_member_second_factor, set_second_factor_required, start_totp_setup,
    turn_off_totp,
};

/// Who is signed in on this browser.
#[server(prefix = "/api/fn")]
pub async fn current_user() -> Result<Me, ApiError> {
    Ok(crate::ssr::caller()?.me)
}

/// The caller and their session's deadlines. Calling it is activity: it
/// moves the idle end ("Stay signed in").
#[server(prefix = "/api/fn")]
pub async fn verify() -> Result<Verified, ApiError> {
    let (auth, caller, _) = acting()?;
    Ok(auth.as_user(&caller).verify())
}

/// The signed-in user's unseen security notices. Reads only: the page
/// acknowledges what it showed with [`acknowledge_security_notices`].
#[server(prefix = "/api/fn")]
pub async fn load_security_notices() -> Result<Vec<SecurityNotice>, ApiError> {
    let (auth, caller, _) = acting()?;
    Ok(auth.as_user(&caller).security_notices().await?)
}

/// The page has shown these notices; they are not shown again.
#[server(prefix = "/api/fn")]
pub async fn acknowledge_security_notices(ids: Vec<NoticeId>) -> Result<u64, ApiError> {
    let (auth, caller, _) = acting()?;
    Ok(auth
        .as_user(&caller)
        .acknowledge_security_notices(&ids)
        .await?)
}

/// Checks the password again before a sensitive action; counted like a
/// sign-in attempt.
#[server(prefix = "/api/fn")]
pub async fn confirm_password(password: String) -> Result<PasswordConfirmed, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::PasswordConfirmParams {
        password: Some(api::Password::new(password)),
        ..Default::default()
    };
    Ok(auth
        .as_user(&caller)
        .confirm_password(params, &meta)
        .await?)
}

#[server(prefix = "/api/fn")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, ApiError> {
    let (auth, caller, _) = acting()?;
    Ok(auth.as_user(&caller).list_sessions().await?)
}

#[server(prefix = "/api/fn")]
pub async fn revoke_session(session_id: SessionId) -> Result<Revoked, ApiError> {
    let (auth, caller, meta) = acting()?;
    Ok(auth
        .as_user(&caller)
        .revoke_session(api::SessionRevokeParams { session_id }, &meta)
        .await?)
}

#[server(prefix = "/api/fn")]
pub async fn revoke_other_sessions() -> Result<Count, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::SessionRevokeAllParams {
        except_current: true,
    };
    Ok(auth
        .as_user(&caller)
        .revoke_all_sessions(params, &meta)
        .await?)
}

#[server(prefix = "/api/fn")]
pub async fn create_token(
    name: String,
    expires_in_days: Option<u32>,
    scope: String,
) -> Result<CreatedToken, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::TokenCreateParams {
        name,
        expires_in_days,
        scope: api::TokenScope::parse(&scope)?,
    };
    Ok(auth.as_user(&caller).create_token(params, &meta).await?)
}

#[server(prefix = "/api/fn")]
pub async fn list_tokens() -> Result<Vec<TokenInfo>, ApiError> {
    let (auth, caller, _) = acting()?;
    Ok(auth.as_user(&caller).list_tokens().await?)
}

#[server(prefix = "/api/fn")]
pub async fn revoke_token(token_id: TokenId) -> Result<Revoked, ApiError> {
    let (auth, caller, meta) = acting()?;
    Ok(auth
        .as_user(&caller)
        .revoke_token(api::TokenRevokeParams { token_id }, &meta)
        .await?)
}

/// The account's session policy, read-only (any member).
#[server(prefix = "/api/fn")]
pub async fn load_policy() -> Result<PolicyView, ApiError> {
    let (auth, caller, _) = acting()?;
    let policy = auth.account_policy(&caller.me.account_id).await?;
    Ok(PolicyView::from(&policy))
}

/// The account's policy and who is signed in, for the owner; `None` for a
/// member, whose page has no such card (the page loads it for everyone, so
/// that it is loaded the same way on every page; see `PageData`).
#[server(prefix = "/api/fn")]
pub async fn load_security_overview() -> Result<Option<SecurityOverview>, ApiError> {
    let (auth, caller, _) = acting()?;
    let Ok(owner) = auth.as_owner(&caller) else {
        return Ok(None);
    };
    Ok(Some(owner.security_overview().await?))
}

#[server(prefix = "/api/fn")]
pub async fn set_policy(params: PolicySetParams) -> Result<PolicySet, ApiError> {
    let (auth, caller, meta) = acting()?;
    let change = auth::PolicyChange::try_from(&params)?;
    let update = auth
        .as_owner(&caller)?
        .set_policy(change, params.apply_to_live_sessions, &meta)
        .await?;
    Ok(PolicySet::from(update))
}

/// The account's members, for the owner; `None` for a member (loaded for
/// everyone, like [`load_security_overview`]).
#[server(prefix = "/api/fn")]
pub async fn load_members() -> Result<Option<Vec<MemberInfo>>, ApiError> {
    let (auth, caller, _) = acting()?;
    let Ok(owner) = auth.as_owner(&caller) else {
        return Ok(None);
    };
    Ok(Some(owner.list_members().await?))
}

/// Removes a user from the account: every credential of theirs ends (owner only).
#[server(prefix = "/api/fn")]
pub async fn remove_member(user_id: UserId) -> Result<MemberRemoved, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::MemberRemoveParams { user_id };
    Ok(auth.as_owner(&caller)?.remove_member(params, &meta).await?)
}

/// Makes a user of the account an owner or a member (owner only).
#[server(prefix = "/api/fn")]
pub async fn set_member_role(user_id: UserId, role: Role) -> Result<MemberRoleSet, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::MemberRoleSetParams { user_id, role };
    Ok(auth
        .as_owner(&caller)?
        .set_member_role(params, &meta)
        .await?)
}

/// A page of the security log: the account's for an owner, a member's own.
/// (The fields one by one: a form-encoded struct whose fields are all left
/// out would not arrive at all.)
#[server(prefix = "/api/fn")]
pub async fn load_security_log(
    cursor: Option<AuditCursor>,
    kind: Option<AuditKind>,
    user_id: Option<UserId>,
) -> Result<AuditPage, ApiError> {
    let (auth, caller, _) = acting()?;
    let params = api::AuditListParams {
        cursor,
        limit: None,
        kind,
        user_id,
    };
    Ok(auth.as_user(&caller).security_log(params).await?)
}

/// Signs out one user of the account on every device (owner only).
#[server(prefix = "/api/fn")]
pub async fn sign_out_member(
    user_id: UserId,
    revoke_api_tokens: bool,
) -> Result<MemberSignedOut, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::MemberSignOutParams {
        user_id,
        revoke_api_tokens,
    };
    Ok(auth
        .as_owner(&caller)?
        .sign_out_member(params, &meta)
        .await?)
}

/// Signs out everyone in the account but this session, or everyone (owner only).
#[server(prefix = "/api/fn")]
pub async fn revoke_account_sessions(
    scope: RevokeScope,
    revoke_api_tokens: bool,
) -> Result<AccountSignedOut, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::SessionsRevokeParams {
        scope,
        revoke_api_tokens,
    };
    Ok(auth
        .as_owner(&caller)?
        .revoke_account_sessions(params, &meta)
        .await?)
}
