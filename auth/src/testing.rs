//! Test helpers: a fresh database per test, on SQLite by default or on the
//! PostgreSQL server named by `LATCHKEY_TEST_POSTGRES_URL` (which `make test`
//! starts), and a connection closer that records its calls.
//!
//! Helpers here panic when set-up fails: a test cannot go on without its
//! database.
#![allow(clippy::expect_used)]

use std::sync::{Arc, Mutex, PoisonError};

use api::{AccountId, LiveEvent, RevokeReason, SessionId, TokenId, UserId};
use tokio::sync::broadcast;

use crate::{
    AuditEvent, AuditKind, Auth, Backend, ConnectionCloser, Db, SessionSettings, TestClock,
};

/// The variable that switches tests to PostgreSQL.
pub const POSTGRES_URL_VAR: &str = "LATCHKEY_TEST_POSTGRES_URL";

/// A database that exists for one test. Keep it alive as long as the test
/// runs: the SQLite file is deleted when it drops.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh, migrated database.
    ///
    /// # Panics
    /// When the database cannot be created.
    pub async fn new() -> Self {
        match std::env::var(POSTGRES_URL_VAR) {
            Ok(server) if !server.is_empty() => Self::postgres(&server).await,
            _ => Self::sqlite().await,
        }
    }

    /// A fresh SQLite database, whichever backend the suite runs on: for
    /// tests of the process rather than of storage.
    ///
    /// # Panics
    /// When the database cannot be created.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect(&url).await.expect("open SQLite test database");
        assert_eq!(db.backend(), Backend::Sqlite);
        Self {
            db,
            url,
            _dir: Some(dir),
        }
    }

    async fn postgres(server: &str) -> Self {
        let name = format!(
            "latchkey_test_{}",
            hex::encode(crate::secret::random_bytes::<8>().expect("random"))
        );
        let admin = Db::connect_unmigrated(server)
            .await
            .expect("connect to the PostgreSQL test server");
        admin
            .create_database(&name)
            .await
            .expect("create test database");
        admin.close().await;
        let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
        let url = format!("{base}/{name}");
        let db = Db::connect(&url)
            .await
            .expect("open PostgreSQL test database");
        assert_eq!(db.backend(), Backend::Postgres);
        Self {
            db,
            url,
            _dir: None,
        }
    }
}

/// One call to a [`RecordingCloser`].
#[derive(Clone, Debug)]
pub struct CloseCall {
    pub session_id: Option<SessionId>,
    pub user_id: Option<UserId>,
    pub reason: RevokeReason,
    /// Audit events already recorded when the closer was called.
    pub audited_before: Vec<AuditKind>,
}

/// A connection closer that remembers every call, and which audit events
/// had been recorded by then.
#[derive(Default)]
pub struct RecordingCloser {
    calls: Mutex<Vec<CloseCall>>,
    tokens: Mutex<Vec<TokenId>>,
    notified: Mutex<Vec<LiveEvent>>,
    rechecked: Mutex<Vec<SessionId>>,
    audit: Mutex<Option<broadcast::Receiver<AuditEvent>>>,
    audited: Mutex<Vec<AuditKind>>,
}

impl RecordingCloser {
    pub fn watch_audit(&self, events: broadcast::Receiver<AuditEvent>) {
        *self.audit.lock().unwrap_or_else(PoisonError::into_inner) = Some(events);
    }

    /// API tokens whose connections were closed, in order.
    pub fn closed_tokens(&self) -> Vec<TokenId> {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Events sent to live connections, in order.
    pub fn notified(&self) -> Vec<LiveEvent> {
        self.notified
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The sessions whose connections were told to re-check, in order.
    pub fn rechecked(&self) -> Vec<SessionId> {
        self.rechecked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn calls(&self) -> Vec<CloseCall> {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn record(&self, session_id: Option<SessionId>, user_id: Option<UserId>, reason: RevokeReason) {
        let mut audited = self.audited.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(events) = self
            .audit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
        {
            while let Ok(event) = events.try_recv() {
                audited.push(event.kind);
            }
        }
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(CloseCall {
                session_id,
                user_id,
                reason,
                audited_before: audited.clone(),
            });
    }
}

impl ConnectionCloser for RecordingCloser {
    fn close_for_session(&self, session_id: &SessionId, reason: RevokeReason) -> usize {
        self.record(Some(session_id.clone()), None, reason);
        0
    }

    fn close_for_token(&self, token_id: &TokenId) -> usize {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(token_id.clone());
        0
    }

    fn close_for_user(&self, user_id: &UserId, reason: RevokeReason) -> usize {
        self.record(None, Some(user_id.clone()), reason);
        0
    }

    fn recheck_session(&self, session_id: &SessionId) {
        self.rechecked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(session_id.clone());
    }

    fn notify_session(&self, _session_id: &SessionId, event: &LiveEvent) {
        self.notified
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event.clone());
    }

    fn notify_user(&self, _user_id: &UserId, event: &LiveEvent) {
        self.record_event(event);
    }

    fn notify_account(&self, _account_id: &AccountId, event: &LiveEvent) {
        self.record_event(event);
    }

    fn audit_recorded(&self, _account_id: &AccountId, _about: &[UserId]) {}
}

impl RecordingCloser {
    fn record_event(&self, event: &LiveEvent) {
        self.notified
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event.clone());
    }
}

/// An `Auth` on a fresh database with a clock that tests move and a
/// recording connection closer.
pub struct TestAuth {
    pub auth: Auth,
    pub clock: TestClock,
    pub closer: Arc<RecordingCloser>,
    pub db: TestDb,
}

impl TestAuth {
    /// # Panics
    /// When the database cannot be created.
    pub async fn new(settings: SessionSettings) -> Self {
        let db = TestDb::new().await;
        let clock = TestClock::new();
        let closer = Arc::new(RecordingCloser::default());
        let auth = Auth::new(
            db.db.clone(),
            Arc::new(clock.clone()),
            settings,
            closer.clone(),
        )
        .await
        .expect("build Auth");
        closer.watch_audit(auth.subscribe_audit());
        Self {
            auth,
            clock,
            closer,
            db,
        }
    }
}
