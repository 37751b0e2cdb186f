//! Server functions of invitations by mail: the owner's list, inviting and
//! revoking (the Members card), and what the link's page shows.
#![allow(
    clippy::unused_async,
    reason = "server functions must be async even when they do not await"
)]

use api::{ApiError, InvitationId, InvitationShown, Invitations, PendingInvitation, Revoked};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{acting, admit, admit_owner};
#[cfg(feature = "ssr")]
use api::rpc::Method;

/// The account's pending invitations and whether the server sends mail,
/// for the owner; `None` for a member (loaded for everyone, like the
/// members).
#[server(prefix = "/api/fn")]
pub async fn load_invitations() -> Result<Option<Invitations>, ApiError> {
    let (auth, caller, _) = acting()?;
    let Some(admitted) = admit_owner(&auth, &caller, Method::InvitationList).await? else {
        return Ok(None);
    };
    Ok(Some(admitted.owner()?.list_invitations().await?))
}

/// Invites `email` by mail to join the account (owner only).
#[server(prefix = "/api/fn")]
pub async fn invite_member(email: String) -> Result<PendingInvitation, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::MemberInvite).await?;
    let confirmed = admitted.confirmed()?;
    Ok(admitted
        .owner()?
        .invite_member(&confirmed, api::InviteParams { email }, &meta)
        .await?)
}

/// Ends a pending invitation's link at once (owner only).
#[server(prefix = "/api/fn")]
pub async fn revoke_invitation(invitation_id: InvitationId) -> Result<Revoked, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::InvitationRevoke).await?;
    let params = api::InvitationRevokeParams { invitation_id };
    Ok(admitted.owner()?.revoke_invitation(params, &meta).await?)
}

/// Whose team the link's `token` invites to, while it works: for the
/// link's page, before anyone is signed in. Reads only.
#[server(prefix = "/api/fn")]
pub async fn load_invitation(token: String) -> Result<InvitationShown, ApiError> {
    let auth = crate::ssr::auth()?;
    Ok(auth.invitation(&token).await?)
}
