//! Test helpers: a fresh database per test, on SQLite by default or on the
//! PostgreSQL server named by `LATCHKEY_TEST_POSTGRES_URL` (which `make test`
//! starts).
//!
//! Helpers here panic when set-up fails: a test cannot go on without its
//! database.
#![allow(clippy::expect_used)]

use crate::{Backend, Db};

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
    /// When the database cannot be created: a test cannot go on without it.
    pub async fn new() -> Self {
        match std::env::var(POSTGRES_URL_VAR) {
            Ok(server) if !server.is_empty() => Self::postgres(&server).await,
            _ => Self::sqlite().await,
        }
    }

    async fn sqlite() -> Self {
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
        Self {
            db,
            url,
            _dir: None,
        }
    }
}

/// An `Auth` on a fresh database with a clock that tests move.
pub struct TestAuth {
    pub auth: crate::Auth,
    pub clock: crate::TestClock,
    pub db: TestDb,
}

impl TestAuth {
    /// # Panics
    /// When the database cannot be created.
    pub async fn new(settings: crate::SessionSettings) -> Self {
        let db = TestDb::new().await;
        let clock = crate::TestClock::new();
        let auth = crate::Auth::new(db.db.clone(), std::sync::Arc::new(clock.clone()), settings)
            .await
            .expect("build Auth");
        Self { auth, clock, db }
    }
}
