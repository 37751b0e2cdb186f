//! The security log as the API shows it: what kinds of events there are,
//! how a page of them is asked for (`account_audit_list`) and what each
//! entry says.

mod cursor;
mod kind;
mod page;

pub use cursor::AuditCursor;
pub use kind::{AuditKind, AuditOutcome};
pub use page::{
    AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, AuditEntry, AuditListParams, AuditPage, AuditPerson,
};
