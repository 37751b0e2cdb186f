//! The caller's own sessions: listing them and ending them.

use serde::{Deserialize, Serialize};

use crate::{SessionId, SignInMethod, Timestamp};

/// One of the caller's live sessions (`account_session_list`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub session_id: SessionId,
    /// "Firefox on Linux", from the user agent.
    pub device: String,
    pub ip: Option<String>,
    pub signed_in_at: Timestamp,
    pub last_active_at: Timestamp,
    pub idle_ends_at: Timestamp,
    pub absolute_ends_at: Timestamp,
    /// The session making this request.
    pub current: bool,
    /// How it was signed in.
    pub signed_in_with: SignInMethod,
    /// Whether its browser bound it to a key kept on the device (DBSC):
    /// then a copy of its cookie stops working within minutes.
    #[serde(default)]
    pub device_bound: bool,
}

/// `account_session_revoke`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRevokeParams {
    pub session_id: SessionId,
}

/// `account_session_revoke_all`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRevokeAllParams {
    /// Keep the session making the request (default: false, end all).
    #[serde(default)]
    pub except_current: bool,
}
