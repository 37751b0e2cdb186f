//! The users of the account as owners manage them: listing them, signing
//! one out, removing one, resetting their second factor, changing their
//! role.

use serde::{Deserialize, Serialize};

use crate::{Role, Timestamp, UserId};

/// One user of the account, as `account_member_list` shows them (owner only).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub added_at: Timestamp,
    /// The last activity of any of their sessions; none if they have none.
    pub last_active_at: Option<Timestamp>,
    pub live_sessions: u64,
    /// How many of the live sessions their browsers bound to the device
    /// (DBSC).
    #[serde(default)]
    pub bound_sessions: u64,
    pub usable_tokens: u64,
    /// When they set up an authenticator app; none without one.
    pub totp_since: Option<Timestamp>,
    /// The caller.
    pub you: bool,
}

/// `account_member_sign_out` (owner only): one member of the account.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSignOutParams {
    pub user_id: UserId,
    /// Also revoke the member's API tokens.
    #[serde(default)]
    pub revoke_api_tokens: bool,
}

/// What signing out one member ended.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSignedOut {
    pub sessions: u64,
    pub tokens: u64,
}

/// `account_member_remove` (owner only): one user of the account, who can
/// then no longer sign in; every credential of theirs ends.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRemoveParams {
    pub user_id: UserId,
}

/// What removing a member ended.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRemoved {
    pub sessions: u64,
    pub tokens: u64,
}

/// `account_member_second_factor_reset` (owner only): turns off the
/// authenticator app of a user of the account who lost it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSecondFactorResetParams {
    pub user_id: UserId,
}

/// Whether the member had an authenticator app to turn off.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSecondFactorReset {
    pub turned_off: bool,
}

/// `account_member_role_set` (owner only): makes a user of the account an
/// owner or a member. The account always keeps an owner.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRoleSetParams {
    pub user_id: UserId,
    pub role: Role,
}

/// The role a member has now, and whether this call changed it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRoleSet {
    pub user_id: UserId,
    pub role: Role,
    pub changed: bool,
}
