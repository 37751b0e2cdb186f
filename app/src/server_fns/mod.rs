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
use crate::ssr::{acting, admit, admit_owner};
#[cfg(feature = "ssr")]
use api::rpc::Method;

pub mod email;
pub mod invitations;
pub mod passkeys;
pub mod recovery;
pub mod second_factor;
pub mod security_mail;

pub use email::{
    change_email, load_email_status, load_email_verification, send_verification_again,
};
pub use invitations::{invite_member, load_invitation, load_invitations, revoke_invitation};
pub use passkeys::{
    confirm_with_passkey, finish_passkey_registration, list_passkeys, remove_passkey,
    start_passkey_confirmation, start_passkey_registration,
};
pub use recovery::load_reset_link;
pub use second_factor::{
    TotpSetupShown, confirm_totp_setup, confirm_with_code, load_second_factor, load_waiting_setup,
    renew_recovery_codes, reset_member_second_factor, set_second_factor_required, start_totp_setup,
    turn_off_totp,
};
pub use security_mail::{load_security_mail, set_security_mail};

/// Who is signed in on this browser.
#[server(prefix = "/api/fn")]
pub async fn current_user() -> Result<Me, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::Verify).await?;
    Ok(admitted.caller().me().clone())
}

/// The caller and their session's deadlines. Calling it is activity: it
/// moves the idle end ("Stay signed in").
#[server(prefix = "/api/fn")]
pub async fn verify() -> Result<Verified, ApiError> {
    let (auth, caller, _) = acting()?;
    Ok(admit(&auth, &caller, Method::Verify).await?.user().verify())
}

/// The signed-in user's unseen security notices. Reads only: the page
/// acknowledges what it showed with [`acknowledge_security_notices`].
#[server(prefix = "/api/fn")]
pub async fn load_security_notices() -> Result<Vec<SecurityNotice>, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::NoticeList).await?;
    let session = admitted.session()?;
    Ok(admitted.user().security_notices(&session).await?)
}

/// The page has shown these notices; they are not shown again.
#[server(prefix = "/api/fn")]
pub async fn acknowledge_security_notices(ids: Vec<NoticeId>) -> Result<u64, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::NoticeAcknowledge).await?;
    let session = admitted.session()?;
    Ok(admitted
        .user()
        .acknowledge_security_notices(&session, &ids)
        .await?)
}

/// Checks the password again before a sensitive action; counted like a
/// sign-in attempt.
#[server(prefix = "/api/fn")]
pub async fn confirm_password(password: String) -> Result<PasswordConfirmed, ApiError> {
    let params = api::PasswordConfirmParams {
        password: Some(api::Password::new(password)),
        ..Default::default()
    };
    crate::ssr::confirm(params).await
}

#[server(prefix = "/api/fn")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::SessionList).await?;
    Ok(admitted.user().list_sessions().await?)
}

#[server(prefix = "/api/fn")]
pub async fn revoke_session(session_id: SessionId) -> Result<Revoked, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::SessionRevoke).await?;
    Ok(admitted
        .user()
        .revoke_session(api::SessionRevokeParams { session_id }, &meta)
        .await?)
}

#[server(prefix = "/api/fn")]
pub async fn revoke_other_sessions() -> Result<Count, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::SessionRevokeAll).await?;
    let params = api::SessionRevokeAllParams {
        except_current: true,
    };
    Ok(admitted.user().revoke_all_sessions(params, &meta).await?)
}

#[server(prefix = "/api/fn")]
pub async fn create_token(
    name: String,
    expires_in_days: Option<u32>,
    scope: String,
) -> Result<CreatedToken, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::TokenCreate).await?;
    let params = api::TokenCreateParams {
        name,
        expires_in_days,
        scope: api::TokenScope::parse(&scope)?,
    };
    let fresh = admitted.fresh()?;
    Ok(admitted.user().create_token(&fresh, params, &meta).await?)
}

#[server(prefix = "/api/fn")]
pub async fn list_tokens() -> Result<Vec<TokenInfo>, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::TokenList).await?;
    Ok(admitted.user().list_tokens().await?)
}

#[server(prefix = "/api/fn")]
pub async fn revoke_token(token_id: TokenId) -> Result<Revoked, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::TokenRevoke).await?;
    Ok(admitted
        .user()
        .revoke_token(api::TokenRevokeParams { token_id }, &meta)
        .await?)
}

/// The account's session policy, read-only (any member).
#[server(prefix = "/api/fn")]
pub async fn load_policy() -> Result<PolicyView, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::PolicyGet).await?;
    Ok(admitted.user().policy().await?)
}

/// The account's policy and who is signed in, for the owner; `None` for a
/// member, whose page has no such card (the page loads it for everyone, so
/// that it is loaded the same way on every page; see `PageData`).
#[server(prefix = "/api/fn")]
pub async fn load_security_overview() -> Result<Option<SecurityOverview>, ApiError> {
    let (auth, caller, _) = acting()?;
    let Some(admitted) = admit_owner(&auth, &caller, Method::SecurityGet).await? else {
        return Ok(None);
    };
    Ok(Some(admitted.owner()?.security_overview().await?))
}

#[server(prefix = "/api/fn")]
pub async fn set_policy(params: PolicySetParams) -> Result<PolicySet, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::PolicySet).await?;
    let change = auth::PolicyChange::try_from(&params)?;
    let confirmed = admitted.confirmed()?;
    let update = admitted
        .owner()?
        .set_policy(
            &confirmed,
            change,
            params.applies_to,
            params.apply_to_live_sessions,
            &meta,
        )
        .await?;
    Ok(PolicySet::from(update))
}

/// The account's members, for the owner; `None` for a member (loaded for
/// everyone, like [`load_security_overview`]).
#[server(prefix = "/api/fn")]
pub async fn load_members() -> Result<Option<Vec<MemberInfo>>, ApiError> {
    let (auth, caller, _) = acting()?;
    let Some(admitted) = admit_owner(&auth, &caller, Method::MemberList).await? else {
        return Ok(None);
    };
    Ok(Some(admitted.owner()?.list_members().await?))
}

/// Removes a user from the account: every credential of theirs ends (owner only).
#[server(prefix = "/api/fn")]
pub async fn remove_member(user_id: UserId) -> Result<MemberRemoved, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::MemberRemove).await?;
    let params = api::MemberRemoveParams { user_id };
    let confirmed = admitted.confirmed()?;
    Ok(admitted
        .owner()?
        .remove_member(&confirmed, params, &meta)
        .await?)
}

/// Makes a user of the account an owner or a member (owner only).
#[server(prefix = "/api/fn")]
pub async fn set_member_role(user_id: UserId, role: Role) -> Result<MemberRoleSet, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::MemberRoleSet).await?;
    let params = api::MemberRoleSetParams { user_id, role };
    let confirmed = admitted.confirmed()?;
    Ok(admitted
        .owner()?
        .set_member_role(&confirmed, params, &meta)
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
    let admitted = admit(&auth, &caller, Method::AuditList).await?;
    let params = api::AuditListParams {
        cursor,
        limit: None,
        kind,
        user_id,
    };
    Ok(admitted.user().security_log(params).await?)
}

/// Signs out one user of the account on every device (owner only).
#[server(prefix = "/api/fn")]
pub async fn sign_out_member(
    user_id: UserId,
    revoke_api_tokens: bool,
) -> Result<MemberSignedOut, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::MemberSignOut).await?;
    let params = api::MemberSignOutParams {
        user_id,
        revoke_api_tokens,
    };
    let confirmed = admitted.confirmed()?;
    Ok(admitted
        .owner()?
        .sign_out_member(&confirmed, params, &meta)
        .await?)
}

/// Signs out everyone in the account but this session, or everyone (owner only).
#[server(prefix = "/api/fn")]
pub async fn revoke_account_sessions(
    scope: RevokeScope,
    revoke_api_tokens: bool,
) -> Result<AccountSignedOut, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::SessionsRevoke).await?;
    let params = api::SessionsRevokeParams {
        scope,
        revoke_api_tokens,
    };
    let confirmed = admitted.confirmed()?;
    Ok(admitted
        .owner()?
        .revoke_account_sessions(&confirmed, params, &meta)
        .await?)
}
