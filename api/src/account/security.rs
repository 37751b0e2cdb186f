//! The account's session policy and who is signed in, as owners see and
//! set them (`account_security_get`, `account_policy_get`,
//! `account_policy_set`).

use serde::{Deserialize, Serialize};

use crate::{ABSOLUTE_MINUTES, IDLE_MINUTES, PolicyFor, Preset, SessionPolicy, Timestamp, UserId};

/// Policy limits, for the custom inputs.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyBounds {
    pub idle_minutes_min: u32,
    pub idle_minutes_max: u32,
    pub absolute_minutes_min: u32,
    pub absolute_minutes_max: u32,
}

impl PolicyBounds {
    pub const fn current() -> Self {
        Self {
            idle_minutes_min: *IDLE_MINUTES.start(),
            idle_minutes_max: *IDLE_MINUTES.end(),
            absolute_minutes_min: *ABSOLUTE_MINUTES.start(),
            absolute_minutes_max: *ABSOLUTE_MINUTES.end(),
        }
    }
}

/// An account's session policy: the owner's override (if any), the system
/// default, and what applies. Defaults and effective values are in seconds,
/// because the operator may configure defaults shorter than a minute.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    #[serde(rename = "override")]
    pub policy_override: Option<SessionPolicy>,
    /// The preset the override equals, if any.
    pub preset: Option<Preset>,
    pub default_idle_seconds: u64,
    pub default_absolute_seconds: u64,
    pub effective_idle_seconds: u64,
    pub effective_absolute_seconds: u64,
    pub bounds: PolicyBounds,
    /// The owner's shorter limits for sessions not bound to their device;
    /// `None` when they get the same as the others.
    pub unbound: Option<SessionPolicy>,
    /// The preset `unbound` equals, if any.
    pub unbound_preset: Option<Preset>,
    /// What new sign-ins get until their browser binds the session to its
    /// device: the shorter of `unbound` and the effective values.
    pub effective_unbound_idle_seconds: u64,
    pub effective_unbound_absolute_seconds: u64,
    /// Whether everyone in the account needs a second factor to sign in.
    pub second_factor_required: bool,
}

/// Someone in the account with at least one live session.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveUser {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub last_active_at: Timestamp,
    /// The caller.
    pub you: bool,
}

/// `account_security_get` (owner only).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    pub policy: PolicyView,
    pub active_users: Vec<ActiveUser>,
}

/// `account_policy_set` (owner only): exactly one of `preset`, the two
/// minute values, or `clear: true`; for every session, or (`applies_to`)
/// for the sessions not bound to their device.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySetParams {
    #[serde(default)]
    pub preset: Option<Preset>,
    #[serde(default)]
    pub idle_minutes: Option<i64>,
    #[serde(default)]
    pub absolute_minutes: Option<i64>,
    #[serde(default)]
    pub clear: bool,
    /// Also shorten sessions signed in now (never lengthens them).
    #[serde(default)]
    pub apply_to_live_sessions: bool,
    /// Which sessions the change is for: all of them (the default), or
    /// those not bound to their device.
    #[serde(default)]
    pub applies_to: PolicyFor,
}

/// The result of `account_policy_set`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySet {
    pub policy: PolicyView,
    pub sessions_shortened: u64,
}
