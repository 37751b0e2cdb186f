//! Signing out the whole account at once (`account_sessions_revoke`,
//! owner only).

use serde::{Deserialize, Serialize};

/// Whose sessions `account_sessions_revoke` ends.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeScope {
    /// Everyone in the account, the caller included.
    All,
    /// Everyone but the caller's current session.
    Others,
}

/// `account_sessions_revoke` (owner only).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsRevokeParams {
    pub scope: RevokeScope,
    /// Also revoke the API tokens of everyone signed out (by `scope`: not
    /// yours with `others`).
    #[serde(default)]
    pub revoke_api_tokens: bool,
}

/// What `account_sessions_revoke` ended.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSignedOut {
    /// Sessions ended.
    pub count: u64,
    /// API tokens revoked; only when asked to revoke them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<u64>,
}
