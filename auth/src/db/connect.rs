//! Connecting to SQLite (a file, created as needed) or PostgreSQL, by the
//! database URL, and migrating.

use std::path::Path;
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Executor as _;
use sqlx::any::{AnyPoolOptions, install_default_drivers};

use super::peers::Peers;
use super::writes::WriteCount;
use super::{Backend, Db, DbError};

/// How long a request waits for a PostgreSQL connection: past it, the
/// database counts as out of reach and the request is answered
/// `unavailable` (then the breaker answers the next ones at once).
const POSTGRES_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(500);

/// Set on every SQLite connection.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
/// Set on the SQLite reader's connections: the same, and no writes.
const SQLITE_READER_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA query_only = ON;";

impl Db {
    /// Connects, creating and migrating the database as needed.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        install_default_drivers();
        let db = if let Some(path) = sqlite_path(url) {
            Self::connect_sqlite(path).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut db = Self::connect_postgres(url).await?;
            db.peers = Some(Peers::join(url, db.writes.clone()));
            db
        } else {
            return Err(DbError::UnsupportedUrl(url.to_owned()));
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn connect_sqlite(path: &str) -> Result<Self, DbError> {
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)?;
        }
        let url = format!("sqlite://{path}?mode=rwc");
        let options = sqlx::any::AnyConnectOptions::from_str(&url)?;
        let pool = |max: u32, pragmas: &'static str| {
            AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        conn.execute(pragmas).await?;
                        Ok(())
                    })
                })
                .connect_with(options.clone())
        };
        let writer = pool(1, SQLITE_PRAGMAS).await?;
        // The reader cannot write: every write must go through the writer,
        // which counts it, or kept session reads would outlive it.
        let reader = pool(8, SQLITE_READER_PRAGMAS).await?;
        Ok(Self {
            reader,
            writer,
            backend: Backend::Sqlite,
            writes: WriteCount::default(),
            peers: None,
            breaker: Arc::default(),
        })
    }

    async fn connect_postgres(url: &str) -> Result<Self, DbError> {
        // A server that went away is answered `unavailable` within a
        // second, not after the 30 s sqlx would keep trying to connect.
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT)
            .connect(url)
            .await?;
        Ok(Self {
            reader: pool.clone(),
            writer: pool,
            backend: Backend::Postgres,
            writes: WriteCount::default(),
            peers: None,
            breaker: Arc::default(),
        })
    }

    /// Connects to a PostgreSQL server without migrating (test set-up only).
    #[cfg(feature = "testing")]
    pub(crate) async fn connect_unmigrated(url: &str) -> Result<Self, DbError> {
        install_default_drivers();
        Self::connect_postgres(url).await
    }

    /// Creates a database named `name` (test set-up only; `name` is made by
    /// the test helper from hex digits, never from input).
    #[cfg(feature = "testing")]
    pub(crate) async fn create_database(&self, name: &str) -> Result<(), sqlx::Error> {
        let sql = format!("CREATE DATABASE \"{name}\"");
        self.writer.execute(sqlx::AssertSqlSafe(sql)).await?;
        Ok(())
    }
}

/// The file path in a `sqlite:` URL (`sqlite://data/x.db`, `sqlite:x.db`),
/// without any query string.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_file() {
        assert_eq!(
            sqlite_path("sqlite://data/latchkey.db"),
            Some("data/latchkey.db")
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/x.db?mode=rwc"),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_path("sqlite:x.db"), Some("x.db"));
        assert_eq!(sqlite_path("sqlite://"), None);
        assert_eq!(sqlite_path("postgres://localhost/x"), None);
    }
}
