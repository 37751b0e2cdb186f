//! Invitations by mail (owner only): inviting someone to join the account,
//! the pending invitations, revoking one; and what the link's page shows
//! and posts.

use serde::{Deserialize, Serialize};

use crate::{InvitationId, Password, Timestamp};

/// `account_member_invite` (owner only): the address to send the link to.
/// Inviting an address again replaces its earlier link.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteParams {
    pub email: String,
}

/// An invitation whose link has not been used, revoked or run out.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub invitation_id: InvitationId,
    pub email: String,
    pub sent_at: Timestamp,
    pub expires_at: Timestamp,
}

/// `account_invitation_list` (owner only): the pending invitations, newest
/// first, and whether this server sends mail at all (without, members are
/// added with a first password).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitations {
    pub sends_mail: bool,
    pub pending: Vec<PendingInvitation>,
}

/// `account_invitation_revoke` (owner only): its link stops working at
/// once.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRevokeParams {
    pub invitation_id: InvitationId,
}

/// What the page of a working invitation link shows: whose team, and the
/// address invited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationShown {
    pub account_name: String,
    pub email: String,
}

/// `POST /api/auth/invitation`: the link's token, and the name and password
/// the person chooses.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Deserialize)]
pub struct InvitationAcceptRequest {
    pub token: String,
    pub name: String,
    pub password: Password,
}

impl std::fmt::Debug for InvitationAcceptRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvitationAcceptRequest([redacted])")
    }
}
