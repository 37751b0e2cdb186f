//! The audit log: who did what, when, from where. Each event is written to
//! `audit_events` and then handed to in-process listeners. A failed write is
//! logged and never undoes or stops what it records.

use api::{AccountId, Timestamp, UserId};
use serde::Serialize;
use tokio::sync::broadcast;

use crate::secret::random_bytes;
use crate::{ClientMeta, Db};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
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
    /// The operator made a user their account's owner.
    OwnerChanged,
}

impl AuditKind {
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
        }
    }
}

/// One audit record.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEvent {
    pub at: Timestamp,
    pub kind: AuditKind,
    /// The account it happened in; `None` for a failed sign-in with an unknown email.
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
}

impl AuditLog {
    pub fn new(db: Db) -> Self {
        let (listeners, _) = broadcast::channel(1024);
        Self { db, listeners }
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
        // No listener is not an error.
        let _ = self.listeners.send(event);
    }

    async fn write(&self, event: &AuditEvent) -> Result<(), crate::AuthError> {
        let id = hex::encode(random_bytes::<16>()?);
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
        .execute(&mut *self.db.acquire_write().await?)
        .await?;
        Ok(())
    }
}
