//! API tokens: their limits, creating, listing and revoking them.

use serde::{Deserialize, Serialize};

use crate::{Timestamp, TokenId, TokenScope};

/// Longest expiry for an API token.
pub const TOKEN_MAX_DAYS: u32 = 365;
/// Longest API token name.
pub const TOKEN_NAME_MAX_CHARS: usize = 100;

/// `account_token_create`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCreateParams {
    pub name: String,
    /// Days until it stops working (1..=365); none for no expiry.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
    /// What it may call; full access when left out.
    #[serde(default)]
    pub scope: TokenScope,
}

/// A newly created API token. `token` is the secret, shown this once.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub id: TokenId,
    pub name: String,
    pub token: String,
    pub scope: TokenScope,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

/// An API token as listed (`account_token_list`); never the secret.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: TokenId,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
}

/// `account_token_revoke`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRevokeParams {
    pub token_id: TokenId,
}
