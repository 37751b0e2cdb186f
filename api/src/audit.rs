//! The security log as the API shows it: what kinds of events there are,
//! how a page of them is asked for (`account_audit_list`) and what each
//! entry says.

use serde::{Deserialize, Serialize};

use crate::{ApiError, ErrorCode, Timestamp, UserId};

/// What happened.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    SignedUp,
    SignedIn,
    SignInFailed,
    SignedOut,
    SessionsRevoked,
    TokenReuse,
    PasswordChanged,
    PasswordConfirmed,
    PasswordConfirmFailed,
    PolicyChanged,
    TokenCreated,
    TokensRevoked,
    MemberAdded,
    /// A user was made their account's owner by the server's operator.
    OwnerChanged,
    /// An owner removed a user from the account.
    MemberRemoved,
    /// An owner made a user an owner or a member.
    RoleChanged,
    /// A user set up an authenticator app as their second factor.
    TotpAdded,
    /// A user turned their authenticator app off.
    TotpRemoved,
    /// A user made new recovery codes; the old ones stopped working.
    RecoveryCodesRenewed,
    /// A user registered a passkey.
    PasskeyAdded,
    /// A user removed one of their passkeys.
    PasskeyRemoved,
}

/// Whether what an entry records went through.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    Succeeded,
    /// A wrong password.
    Failed,
    /// A stolen session token was presented and its session ended.
    Blocked,
}

impl AuditKind {
    pub const ALL: [AuditKind; 21] = [
        AuditKind::SignedUp,
        AuditKind::SignedIn,
        AuditKind::SignInFailed,
        AuditKind::SignedOut,
        AuditKind::SessionsRevoked,
        AuditKind::TokenReuse,
        AuditKind::PasswordChanged,
        AuditKind::PasswordConfirmed,
        AuditKind::PasswordConfirmFailed,
        AuditKind::PolicyChanged,
        AuditKind::TokenCreated,
        AuditKind::TokensRevoked,
        AuditKind::MemberAdded,
        AuditKind::OwnerChanged,
        AuditKind::MemberRemoved,
        AuditKind::RoleChanged,
        AuditKind::TotpAdded,
        AuditKind::TotpRemoved,
        AuditKind::RecoveryCodesRenewed,
        AuditKind::PasskeyAdded,
        AuditKind::PasskeyRemoved,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AuditKind::SignedUp => "signed_up",
            AuditKind::SignedIn => "signed_in",
            AuditKind::SignInFailed => "sign_in_failed",
            AuditKind::SignedOut => "signed_out",
            AuditKind::SessionsRevoked => "sessions_revoked",
            AuditKind::TokenReuse => "token_reuse",
            AuditKind::PasswordChanged => "password_changed",
            AuditKind::PasswordConfirmed => "password_confirmed",
            AuditKind::PasswordConfirmFailed => "password_confirm_failed",
            AuditKind::PolicyChanged => "policy_changed",
            AuditKind::TokenCreated => "token_created",
            AuditKind::TokensRevoked => "tokens_revoked",
            AuditKind::MemberAdded => "member_added",
            AuditKind::OwnerChanged => "owner_changed",
            AuditKind::MemberRemoved => "member_removed",
            AuditKind::RoleChanged => "role_changed",
            AuditKind::TotpAdded => "totp_added",
            AuditKind::TotpRemoved => "totp_removed",
            AuditKind::RecoveryCodesRenewed => "recovery_codes_renewed",
            AuditKind::PasskeyAdded => "passkey_added",
            AuditKind::PasskeyRemoved => "passkey_removed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// What the security log calls it.
    pub const fn label(self) -> &'static str {
        match self {
            AuditKind::SignedUp => "Signed up",
            AuditKind::SignedIn => "Signed in",
            AuditKind::SignInFailed => "Sign-in failed",
            AuditKind::SignedOut => "Signed out",
            AuditKind::SessionsRevoked => "Sessions ended",
            AuditKind::TokenReuse => "Stolen session stopped",
            AuditKind::PasswordChanged => "Password changed",
            AuditKind::PasswordConfirmed => "Password confirmed",
            AuditKind::PasswordConfirmFailed => "Password confirmation failed",
            AuditKind::PolicyChanged => "Session policy changed",
            AuditKind::TokenCreated => "API token created",
            AuditKind::TokensRevoked => "API tokens revoked",
            AuditKind::MemberAdded => "Member added",
            AuditKind::OwnerChanged => "Owner changed by the operator",
            AuditKind::MemberRemoved => "Member removed",
            AuditKind::RoleChanged => "Role changed",
            AuditKind::TotpAdded => "Authenticator app set up",
            AuditKind::TotpRemoved => "Authenticator app turned off",
            AuditKind::RecoveryCodesRenewed => "New recovery codes made",
            AuditKind::PasskeyAdded => "Passkey added",
            AuditKind::PasskeyRemoved => "Passkey removed",
        }
    }

    /// Whether the entry's target is always a user of the account (who is
    /// then named as its subject, even once removed).
    pub const fn targets_a_user(self) -> bool {
        matches!(
            self,
            AuditKind::MemberAdded
                | AuditKind::OwnerChanged
                | AuditKind::MemberRemoved
                | AuditKind::RoleChanged
        )
    }

    pub const fn outcome(self) -> AuditOutcome {
        match self {
            AuditKind::SignInFailed | AuditKind::PasswordConfirmFailed => AuditOutcome::Failed,
            AuditKind::TokenReuse => AuditOutcome::Blocked,
            _ => AuditOutcome::Succeeded,
        }
    }
}

/// Where a page of the log ends: the next page starts after this entry.
/// Opaque to clients; made of the entry's time and id, so a page never
/// repeats or skips an entry however many are written meanwhile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AuditCursor {
    at: Timestamp,
    id: String,
}

/// Length of an audit entry's id (hex).
const AUDIT_ID_CHARS: usize = 32;

impl AuditCursor {
    /// The cursor after the entry `id` at `at`.
    pub fn after(at: Timestamp, id: &str) -> Self {
        Self {
            at,
            id: id.to_owned(),
        }
    }

    pub const fn at(&self) -> Timestamp {
        self.at
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let bad = || {
            ApiError::new(
                ErrorCode::InvalidParams,
                "That page cursor is not one of ours.",
            )
            .with_field("cursor")
        };
        let (at, id) = raw.split_once('-').ok_or_else(bad)?;
        let at = at.parse::<i64>().map_err(|_| bad())?;
        let hex = id.len() == AUDIT_ID_CHARS
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            return Err(bad());
        }
        Ok(Self::after(Timestamp::from_millis(at), id))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for AuditCursor {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AuditCursor".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+-[0-9a-f]{32}$",
            "description": "Where the next page of the log starts, as `next_cursor` gave it.",
        })
    }
}

impl TryFrom<String> for AuditCursor {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw).map_err(|err| err.message)
    }
}

impl From<AuditCursor> for String {
    fn from(cursor: AuditCursor) -> Self {
        format!("{}-{}", cursor.at.as_millis(), cursor.id)
    }
}

/// Entries per page unless asked otherwise, and at most.
pub const AUDIT_PAGE_DEFAULT: u32 = 50;
pub const AUDIT_PAGE_MAX: u32 = 200;

/// `account_audit_list`: a page of the security log, newest first. Owners
/// see the whole account, members their own entries (done by them or to
/// them).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditListParams {
    /// From `next_cursor` of the page before; none for the newest page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<AuditCursor>,
    /// 1 to 200; 50 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Only entries of this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AuditKind>,
    /// Only entries done by or to this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
}

impl AuditListParams {
    /// The page size asked for, checked.
    pub fn page_size(&self) -> Result<u32, ApiError> {
        match self.limit {
            None => Ok(AUDIT_PAGE_DEFAULT),
            Some(limit @ 1..=AUDIT_PAGE_MAX) => Ok(limit),
            Some(_) => Err(ApiError::new(
                ErrorCode::InvalidParams,
                format!("Ask for 1 to {AUDIT_PAGE_MAX} entries at a time."),
            )
            .with_field("limit")),
        }
    }
}

/// Someone an entry names. `name` is none once they were removed from the
/// account.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPerson {
    pub user_id: UserId,
    pub name: Option<String>,
}

/// One entry of the security log.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: Timestamp,
    pub kind: AuditKind,
    pub outcome: AuditOutcome,
    /// Who did it; none when the server or its operator did.
    pub actor: Option<AuditPerson>,
    /// The user it was done to, when it was done to a user of the account.
    pub subject: Option<AuditPerson>,
    /// What it was done to, as recorded: a user, session, token or account
    /// id, or the email a sign-in was tried with.
    pub target: Option<String>,
    /// The browser and system it came from, as far as its user agent says.
    pub device: Option<String>,
    pub ip: Option<String>,
    /// Anything else recorded, such as how many sessions a revoke ended.
    pub detail: serde_json::Value,
}

/// A page of the security log.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Where the next page starts; none on the last page.
    pub next_cursor: Option<AuditCursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.as_str());
        }
        assert_eq!(AuditKind::parse("dropped_tables"), None);
    }

    #[test]
    fn a_cursor_goes_out_and_comes_back_the_same() {
        let cursor =
            AuditCursor::after(Timestamp::from_millis(1_700_000_000_123), &"ab".repeat(16));
        let json = serde_json::to_string(&cursor).unwrap();
        assert_eq!(json, format!("\"1700000000123-{}\"", "ab".repeat(16)));
        assert_eq!(serde_json::from_str::<AuditCursor>(&json).unwrap(), cursor);
    }

    #[test]
    fn a_cursor_that_is_not_ours_is_refused_naming_the_field() {
        let id = "ab".repeat(16);
        for raw in [
            String::new(),
            "12".to_owned(),
            format!("x-{id}"),
            format!("12-{}", &id[1..]),
            format!("12-{}", id.to_uppercase()),
            "12-' OR 1=1 --".to_owned(),
        ] {
            let err = AuditCursor::parse(&raw).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidParams, "{raw}");
            assert_eq!(err.field.as_deref(), Some("cursor"));
        }
    }

    #[test]
    fn the_page_size_is_bounded() {
        let with = |limit| AuditListParams {
            limit,
            ..AuditListParams::default()
        };
        assert_eq!(with(None).page_size().unwrap(), AUDIT_PAGE_DEFAULT);
        assert_eq!(with(Some(1)).page_size().unwrap(), 1);
        assert_eq!(
            with(Some(AUDIT_PAGE_MAX)).page_size().unwrap(),
            AUDIT_PAGE_MAX
        );
        for bad in [0, AUDIT_PAGE_MAX + 1] {
            assert_eq!(
                with(Some(bad)).page_size().unwrap_err().field.as_deref(),
                Some("limit")
            );
        }
    }
}
