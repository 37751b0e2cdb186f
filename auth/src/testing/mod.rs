//! Test helpers: a fresh database per test, on SQLite by default or on the
//! PostgreSQL server named by `LATCHKEY_TEST_POSTGRES_URL` (which `make test`
//! starts), a live sink that records what it is handed, and a tiny GeoIP
//! database.
//!
//! Helpers here panic when set-up fails: a test cannot go on without its
//! database.
#![allow(clippy::expect_used)]

mod geoip;

use std::sync::{Arc, Mutex, PoisonError};

use api::{LiveEvent, RevokeReason, SessionId, TokenId, UserId};
use tokio::sync::broadcast;

pub use geoip::{GeoIpFile, KnownRange};

use crate::{
    AuditEvent, AuditKind, Auth, Backend, Db, LiveChange, LiveSink, SessionSettings, TestClock,
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

/// A session or user whose connections were ended, as a [`RecordingSink`]
/// saw it.
#[derive(Clone, Debug)]
pub struct CloseCall {
    pub session_id: Option<SessionId>,
    pub user_id: Option<UserId>,
    pub reason: RevokeReason,
    /// Audit events already recorded when the end was handed over.
    pub audited_before: Vec<AuditKind>,
}

/// A live sink that remembers every change, and which audit events had
/// been recorded by then.
#[derive(Default)]
pub struct RecordingSink {
    changes: Mutex<Vec<(LiveChange, Vec<AuditKind>)>>,
    audit: Mutex<Option<broadcast::Receiver<AuditEvent>>>,
    audited: Mutex<Vec<AuditKind>>,
}

impl RecordingSink {
    pub fn watch_audit(&self, events: broadcast::Receiver<AuditEvent>) {
        *self.audit.lock().unwrap_or_else(PoisonError::into_inner) = Some(events);
    }

    /// Every change so far, in order.
    pub fn changes(&self) -> Vec<LiveChange> {
        self.picked(|change, _| Some(change))
    }

    /// The sessions whose connections were ended, in order.
    pub fn closed_sessions(&self) -> Vec<SessionId> {
        self.picked(|change, _| match change {
            LiveChange::SessionEnded { session_id, .. } => Some(session_id),
            _ => None,
        })
    }

    /// API tokens whose connections were closed, in order.
    pub fn closed_tokens(&self) -> Vec<TokenId> {
        self.picked(|change, _| match change {
            LiveChange::TokenEnded { token_id } => Some(token_id),
            _ => None,
        })
    }

    /// Events sent to live connections (of a session, a user or an
    /// account), in order.
    pub fn notified(&self) -> Vec<LiveEvent> {
        self.picked(|change, _| match change {
            LiveChange::ToSession { event, .. }
            | LiveChange::ToUser { event, .. }
            | LiveChange::ToAccount { event, .. } => Some(event),
            _ => None,
        })
    }

    /// The sessions whose connections were told to re-check, in order.
    pub fn rechecked(&self) -> Vec<SessionId> {
        self.picked(|change, _| match change {
            LiveChange::SessionRecheck { session_id } => Some(session_id),
            _ => None,
        })
    }

    /// The sessions and users whose connections were ended, in order.
    pub fn calls(&self) -> Vec<CloseCall> {
        self.picked(|change, audited_before| match change {
            LiveChange::SessionEnded { session_id, reason } => Some(CloseCall {
                session_id: Some(session_id),
                user_id: None,
                reason,
                audited_before,
            }),
            LiveChange::UserEnded { user_id, reason } => Some(CloseCall {
                session_id: None,
                user_id: Some(user_id),
                reason,
                audited_before,
            }),
            _ => None,
        })
    }

    /// What `pick` makes of each change so far (with the audit events
    /// recorded before it), in order.
    fn picked<T>(&self, pick: impl Fn(LiveChange, Vec<AuditKind>) -> Option<T>) -> Vec<T> {
        self.changes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter_map(|(change, audited)| pick(change.clone(), audited.clone()))
            .collect()
    }
}

impl LiveSink for RecordingSink {
    fn apply(&self, change: LiveChange) {
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
        self.changes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((change, audited.clone()));
    }
}

/// An `Auth` on a fresh database with a clock that tests move and a
/// recording live sink (`closer`).
pub struct TestAuth {
    pub auth: Auth,
    pub clock: TestClock,
    pub closer: Arc<RecordingSink>,
    pub db: TestDb,
}

impl TestAuth {
    /// # Panics
    /// When the database cannot be created.
    pub async fn new(settings: SessionSettings) -> Self {
        let db = TestDb::new().await;
        let clock = TestClock::new();
        let closer = Arc::new(RecordingSink::default());
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

/// Writes `mail` to the outbox in a write transaction of its own, which
/// commits when `commit`, or else is dropped (rolled back), as a change
/// that fails after queueing its mail.
///
/// # Panics
/// When the database fails.
pub async fn queue_mail(auth: &Auth, mail: &crate::mail::OutgoingMail, commit: bool) {
    let mut tx = auth.db().begin_write().await.expect("begin");
    crate::store::outbox::enqueue(&mut tx, mail, auth.now())
        .await
        .expect("enqueue");
    if commit {
        tx.commit().await.expect("commit");
    }
}
