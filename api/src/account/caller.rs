//! `account_verify`: who is calling, and with what credential.

use serde::{Deserialize, Serialize};

use crate::{Me, SessionId, SignInMethod, Timestamp, TokenId, TokenScope};

/// What authenticated a request.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    Session,
    ApiToken,
}

/// `account_verify`: who is calling.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    pub me: Me,
    pub credential: CredentialKind,
    /// For a session: its id and deadlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<SessionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_ends_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absolute_ends_at: Option<Timestamp>,
    /// For a session: how it was signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_in_with: Option<SignInMethod>,
    /// For a session: whether its browser bound it to its device (DBSC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_bound: Option<bool>,
    /// For an API token: its id and what it may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<TokenId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_scope: Option<TokenScope>,
}
