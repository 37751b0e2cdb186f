//! `account_audit_list`: the security log, a page at a time. An owner reads
//! the whole account's log, a member only what they did or what was done
//! to them.

use api::{
    ApiError, AuditCursor, AuditEntry, AuditKind, AuditListParams, AuditPage, AuditPerson,
    ErrorCode, Role, Timestamp, UserId,
};

use super::UserActions;
use crate::AuthError;
use crate::audit::{LogQuery, LogRow};
use crate::device::describe_device;

impl UserActions<'_> {
    /// A page of the log, newest first, after `params.cursor`.
    pub async fn security_log(&self, params: AuditListParams) -> Result<AuditPage, AuthError> {
        let me = &self.caller.me;
        let limit = params.page_size()?;
        let about = match (me.role, params.user_id.as_ref()) {
            (Role::Owner, about) => about,
            (Role::Member, None) => Some(&me.user_id),
            (Role::Member, Some(user_id)) if *user_id == me.user_id => Some(user_id),
            (Role::Member, Some(_)) => return Err(AuthError::Rejected(only_your_own())),
        };
        let query = LogQuery {
            account_id: &me.account_id,
            kind: params.kind,
            about,
            after: params.cursor.as_ref(),
            // One more than asked, to know whether a next page exists.
            limit: limit + 1,
        };
        let mut rows = query.run(self.auth.0.db.reader()).await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let entries: Vec<AuditEntry> = rows.into_iter().filter_map(entry).collect();
        let next_cursor = more
            .then(|| entries.last())
            .flatten()
            .map(|last| AuditCursor::after(last.at, &last.id));
        Ok(AuditPage {
            entries,
            next_cursor,
        })
    }
}

fn only_your_own() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "Members see only their own entries of the security log.",
    )
}

/// The entry a stored row makes; none for a kind this version does not
/// know (logged: it was written by a newer one).
fn entry(row: LogRow) -> Option<AuditEntry> {
    let Some(kind) = AuditKind::parse(&row.event) else {
        tracing::warn!(event = %row.event, "an audit entry of an unknown kind was left out");
        return None;
    };
    let person = |id: Option<&str>, name: Option<String>| {
        id.and_then(|id| UserId::parse(id).ok())
            .map(|user_id| AuditPerson { user_id, name })
    };
    let subject = match row.subject_name.clone() {
        Some(name) => person(row.target.as_deref(), Some(name)),
        None if kind.targets_a_user() => person(row.target.as_deref(), None),
        None => None,
    };
    Some(AuditEntry {
        outcome: kind.outcome(),
        actor: person(row.actor_user_id.as_deref(), row.actor_name),
        subject,
        device: row
            .user_agent
            .as_deref()
            .map(|agent| describe_device(Some(agent))),
        detail: serde_json::from_str(&row.detail).unwrap_or(serde_json::Value::Null),
        id: row.id,
        at: Timestamp::from_millis(row.at),
        kind,
        target: row.target,
        ip: row.ip,
    })
}
