//! Parameters and results of the account actions, shared by JSON-RPC, the
//! server functions and the UI.

use serde::{Deserialize, Serialize};

use crate::{
    ABSOLUTE_MINUTES, IDLE_MINUTES, Me, Password, Preset, Role, SessionId, SessionPolicy,
    SignInMethod, Timestamp, TokenId, TokenScope, UserId,
};

/// What authenticated a request.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    Session,
    ApiToken,
}

/// `account_password_confirm`: the caller's password entered again before
/// a sensitive action (creating an API token, adding a member, changing the
/// policy, signing out the account), or instead a code from their
/// authenticator app or a recovery code, or a passkey's answer to
/// `account_passkey_confirm_start`. Exactly one of the three.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Default, Deserialize)]
pub struct PasswordConfirmParams {
    #[serde(default)]
    pub password: Option<Password>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub passkey: Option<crate::PasskeyAssertion>,
}

/// `POST /api/auth/password`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Deserialize)]
pub struct PasswordChange {
    pub current_password: Password,
    pub new_password: Password,
    /// Also revoke every API token of the user (for a password that may
    /// have leaked together with them).
    #[serde(default)]
    pub revoke_api_tokens: bool,
}

/// What a password change ended besides the old password.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChanged {
    pub other_sessions_ended: usize,
    pub api_tokens_revoked: usize,
}

/// Until when sensitive actions in this session go through without asking
/// for the password again.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordConfirmed {
    pub until: Timestamp,
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
    /// For an API token: its id and what it may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<TokenId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_scope: Option<TokenScope>,
}

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

/// The answer of a single revoke: `false` when there was nothing of the
/// caller's to revoke, never an error that would reveal whether it exists.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoked {
    pub revoked: bool,
}

/// How many things an action ended.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub count: u64,
}

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
/// minute values, or `clear: true`.
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
}

/// The result of `account_policy_set`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySet {
    pub policy: PolicyView,
    pub sessions_shortened: u64,
}

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
