//! The audit log: who did what, when, from where. Each event is written to
//! `audit_events`, then handed to in-process listeners, and the account's
//! live connections are told (an open security log shows it). A failed
//! write is logged and never undoes or stops what it records. The log is
//! read back a page at a time ([`LogQuery`]).

pub use api::AuditKind;
use api::{AccountId, AuditCursor, Timestamp, UserId};
use serde::Serialize;
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::live::{LiveChange, LiveSink};
use crate::secret::random_bytes;
use crate::{ClientMeta, Db};

/// One audit record.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEvent {
    pub at: Timestamp,
    pub kind: AuditKind,
    /// The account it happened in; `None` for a failed sign-in with an
    /// unknown email, or with a passkey that is not the named user's.
    pub account_id: Option<AccountId>,
    /// Who did it, when known.
    pub actor: Option<UserId>,
    /// What it was done to (a session id, a user id, an email), if anything.
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Anything else worth keeping, such as how many sessions a revoke ended.
    pub detail: serde_json::Value,
}

impl AuditEvent {
    pub fn new(kind: AuditKind, at: Timestamp, meta: &ClientMeta) -> Self {
        Self {
            at,
            kind,
            account_id: None,
            actor: None,
            target: None,
            ip: meta.ip.clone(),
            user_agent: meta.user_agent.clone(),
            detail: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    #[must_use]
    pub fn by(mut self, account_id: &AccountId, actor: &UserId) -> Self {
        self.account_id = Some(account_id.clone());
        self.actor = Some(actor.clone());
        self
    }

    /// In this account, by nobody known (a failed sign-in).
    #[must_use]
    pub fn in_account(mut self, account_id: &AccountId) -> Self {
        self.account_id = Some(account_id.clone());
        self
    }

    #[must_use]
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    #[must_use]
    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// Writes audit events and fans them out.
#[derive(Clone)]
pub(crate) struct AuditLog {
    db: Db,
    listeners: broadcast::Sender<AuditEvent>,
    live: Arc<dyn LiveSink>,
}

impl AuditLog {
    pub fn new(db: Db, live: Arc<dyn LiveSink>) -> Self {
        let (listeners, _) = broadcast::channel(1024);
        Self {
            db,
            listeners,
            live,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<AuditEvent> {
        self.listeners.subscribe()
    }

    /// Writes the event, then tells listeners. Failures are logged, not returned.
    pub async fn record(&self, event: AuditEvent) {
        if let Err(err) = self.write(&event).await {
            tracing::error!(error = %err, event = event.kind.as_str(), "could not write an audit event");
            return;
        }
        if let Some(account_id) = &event.account_id {
            let target = event.target.as_deref().and_then(|t| UserId::parse(t).ok());
            self.live.apply(LiveChange::AuditRecorded {
                account_id: account_id.clone(),
                about: event.actor.iter().cloned().chain(target).collect(),
            });
        }
        // No listener is not an error.
        let _ = self.listeners.send(event);
    }

    async fn write(&self, event: &AuditEvent) -> Result<(), crate::AuthError> {
        let id = hex::encode(random_bytes::<16>()?);
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "INSERT INTO audit_events (id, at, account_id, actor_user_id, event, target, ip, user_agent, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(event.at.as_millis())
        .bind(event.account_id.as_ref().map(AccountId::as_str))
        .bind(event.actor.as_ref().map(UserId::as_str))
        .bind(event.kind.as_str())
        .bind(event.target.as_deref())
        .bind(event.ip.as_deref())
        .bind(event.user_agent.as_deref())
        .bind(event.detail.to_string())
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Which entries a page of the security log holds.
pub(crate) struct LogQuery<'a> {
    pub account_id: &'a AccountId,
    pub kind: Option<AuditKind>,
    /// Only entries done by or to this user.
    pub about: Option<&'a UserId>,
    /// Only entries older than this one (the page before ended there).
    pub after: Option<&'a AuditCursor>,
    pub limit: u32,
}

/// One entry, with the names of the users it names (none for a user
/// removed since).
#[derive(sqlx::FromRow)]
pub(crate) struct LogRow {
    pub id: String,
    pub at: i64,
    pub event: String,
    pub actor_user_id: Option<String>,
    pub actor_name: Option<String>,
    pub target: Option<String>,
    /// Set when `target` is a user of the account.
    pub subject_name: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub detail: String,
}

impl LogQuery<'_> {
    /// The statement and its parameters in order. The page is picked by
    /// index alone (newest first, keyset on `at, id`), then joined with
    /// the names: one index for the account, one for a kind, and for a
    /// user the union of two bounded walks (as actor, as target).
    fn statement(&self) -> (String, Vec<LogParam>) {
        let mut params = vec![LogParam::Text(self.account_id.as_str().to_owned())];
        let mut next = |param: LogParam| {
            params.push(param);
            format!("${}", params.len())
        };
        let mut conditions = vec!["account_id = $1".to_owned()];
        if let Some(kind) = self.kind {
            let kind = next(LogParam::Text(kind.as_str().to_owned()));
            conditions.push(format!("event = {kind}"));
        }
        if let Some(cursor) = self.after {
            let at = next(LogParam::Int(cursor.at().as_millis()));
            let id = next(LogParam::Text(cursor.id().to_owned()));
            conditions.push(format!("(at, id) < ({at}, {id})"));
        }
        let filters = conditions.join(" AND ");
        let limit = next(LogParam::Int(i64::from(self.limit)));
        let newest = format!("ORDER BY at DESC, id DESC LIMIT {limit}");
        let picked = match self.about {
            None => format!("SELECT id, at FROM audit_events WHERE {filters} {newest}"),
            Some(user_id) => {
                let user = next(LogParam::Text(user_id.as_str().to_owned()));
                format!(
                    "SELECT id, at FROM (\
                       SELECT id, at FROM (SELECT id, at FROM audit_events \
                         WHERE actor_user_id = {user} AND {filters} {newest}) AS by_actor \
                       UNION \
                       SELECT id, at FROM (SELECT id, at FROM audit_events \
                         WHERE target = {user} AND {filters} {newest}) AS by_target\
                     ) AS theirs {newest}"
                )
            }
        };
        let sql = format!(
            "WITH page AS ({picked}) \
             SELECT e.id, e.at, e.event, e.actor_user_id, actor.name AS actor_name, e.target, \
                    subject.name AS subject_name, e.ip, e.user_agent, e.detail \
             FROM page JOIN audit_events e ON e.id = page.id \
             LEFT JOIN users actor ON actor.id = e.actor_user_id \
             LEFT JOIN users subject ON subject.id = e.target AND subject.account_id = e.account_id \
             ORDER BY e.at DESC, e.id DESC"
        );
        (sql, params)
    }

    /// The page's entries, newest first.
    pub(crate) async fn run(&self, pool: &sqlx::AnyPool) -> Result<Vec<LogRow>, crate::AuthError> {
        let (sql, params) = self.statement();
        // Safe: built from fixed fragments; every value is a bound parameter.
        let mut query = sqlx::query_as::<_, LogRow>(sqlx::AssertSqlSafe(sql));
        for param in params {
            query = match param {
                LogParam::Text(text) => query.bind(text),
                LogParam::Int(int) => query.bind(int),
            };
        }
        Ok(query.fetch_all(pool).await?)
    }
}

enum LogParam {
    Text(String),
    Int(i64),
}

#[cfg(test)]
mod tests {
    use api::{AuditCursor, AuditKind, Timestamp};

    use super::*;
    use crate::testing::TestDb;

    /// SQLite's plan for a page of the log: each line, and whether it sorts.
    async fn plan(db: &Db, query: &LogQuery<'_>) -> Vec<String> {
        let (sql, params) = query.statement();
        let mut explain = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(
            format!("EXPLAIN QUERY PLAN {sql}"),
        ));
        for param in params {
            explain = match param {
                LogParam::Text(text) => explain.bind(text),
                LogParam::Int(int) => explain.bind(int),
            };
        }
        explain
            .fetch_all(db.reader())
            .await
            .unwrap()
            .into_iter()
            .map(|(_, _, _, detail)| detail)
            .collect()
    }

    /// The log stays fast however long it grows: every page is read through
    /// an index, never by scanning the table, and the account's newest-first
    /// order comes from the index, with no sort.
    #[tokio::test]
    async fn every_page_of_the_log_is_read_through_an_index() {
        let db = TestDb::sqlite().await;
        let account_id = AccountId::from_random_bytes([1; 16]);
        let user_id = UserId::from_random_bytes([2; 16]);
        let cursor = AuditCursor::after(Timestamp::from_millis(1), &"ab".repeat(16));
        let query = |kind, about, after| LogQuery {
            account_id: &account_id,
            kind,
            about,
            after,
            limit: 51,
        };
        // What each page is read with; how many sorts (of a page of rows
        // at most) its plan may hold.
        let cases = [
            (
                "the account",
                query(None, None, None),
                &["audit_events_account_at_idx"][..],
                1,
            ),
            (
                "a later page",
                query(None, None, Some(&cursor)),
                &["audit_events_account_at_idx"],
                1,
            ),
            (
                "one kind",
                query(Some(AuditKind::SignedIn), None, Some(&cursor)),
                &["audit_events_account_kind_idx"],
                1,
            ),
            // Two bounded walks, as actor and as target, merged.
            (
                "one user",
                query(None, Some(&user_id), Some(&cursor)),
                &["audit_events_actor_idx", "audit_events_target_idx"],
                3,
            ),
        ];
        for (what, query, indexes, sorts) in cases {
            let plan = plan(&db.db, &query).await;
            assert!(
                !plan
                    .iter()
                    .any(|line| line.starts_with("SCAN audit_events")),
                "{what}: a table scan in {plan:#?}"
            );
            for index in indexes {
                assert!(
                    plan.iter()
                        .any(|line| line.starts_with("SEARCH audit_events USING")
                            && line.contains(&format!("INDEX {index} ("))),
                    "{what}: {index} unused in {plan:#?}"
                );
            }
            let sorted = plan
                .iter()
                .filter(|line| line.contains("TEMP B-TREE"))
                .count();
            assert!(sorted <= sorts, "{what}: sorts in {plan:#?}");
        }
    }
}
