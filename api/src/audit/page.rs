//! A page of the log: how it is asked for (`account_audit_list`) and what
//! each entry on it says.

use serde::{Deserialize, Serialize};

use super::{AuditCursor, AuditKind, AuditOutcome};
use crate::{ApiError, ErrorCode, Timestamp, UserId};

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
