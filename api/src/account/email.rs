//! The caller's email address: whether it is verified, a link to verify it
//! sent again, and a change to a new address (which takes effect once a
//! link mailed to the new address is used).

use serde::{Deserialize, Serialize};

use crate::{Password, Timestamp};

/// `account_email_get`: the caller's address and where its verification
/// stands.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailStatus {
    pub email: String,
    /// When the address was shown to be the caller's; `None` while it is
    /// not: then no mail but the link that verifies it goes to it.
    pub verified_at: Option<Timestamp>,
    /// Whether the server sends mail at all (`--no-mail`: it does not, and
    /// nothing can be verified).
    pub sends_mail: bool,
    /// The link waiting to be used, if any: for this address, or for the
    /// address the caller is changing to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingVerification>,
}

/// A link that verifies an address, mailed to it and not used yet.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingVerification {
    /// The address the link was mailed to, and which it verifies.
    pub email: String,
    pub sent_at: Timestamp,
    pub expires_at: Timestamp,
}

/// `account_email_change`: the new address, and the caller's current
/// password. Nothing changes until the link mailed to the new address is
/// used.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Deserialize)]
pub struct EmailChangeParams {
    pub new_email: String,
    pub current_password: Password,
}

/// What the page of a working verification link shows: the address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailVerificationShown {
    pub email: String,
}

/// `POST /api/auth/verify-email`: the link's token.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Deserialize)]
pub struct EmailVerifyRequest {
    pub token: String,
}

/// What a used verification link did.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailVerified {
    /// The address now verified.
    pub email: String,
    /// Whether it replaced the user's earlier address.
    pub changed: bool,
}
