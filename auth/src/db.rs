//! The database: one query layer over SQLite (embedded default) and
//! PostgreSQL (several instances), through sqlx's `Any` driver.

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use api::Timestamp;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor as _, Transaction};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Set on every SQLite connection.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
/// Set on the SQLite reader's connections: the same, and no writes.
const SQLITE_READER_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA query_only = ON;";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connection pools. On SQLite all writes go through one connection, so
/// write transactions queue instead of failing with `SQLITE_BUSY`, while
/// reads use several; on PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Db {
    reader: AnyPool,
    writer: AnyPool,
    backend: Backend,
    writes: WriteCount,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported DATABASE_URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("could not create the directory for the SQLite file: {0}")]
    CreateDir(#[from] std::io::Error),
    #[error(transparent)]
    Connect(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Connects, creating and migrating the database as needed.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        install_default_drivers();
        let db = if let Some(path) = sqlite_path(url) {
            Self::connect_sqlite(path).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(url).await?
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
        })
    }

    async fn connect_postgres(url: &str) -> Result<Self, DbError> {
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        Ok(Self {
            reader: pool.clone(),
            writer: pool,
            backend: Backend::Postgres,
            writes: WriteCount::default(),
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

    async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.writer).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.writer).await,
        }
    }

    /// Each pool's name, open connections and idle ones, for metrics.
    pub fn pool_use(&self) -> [(&'static str, usize, usize); 2] {
        let open = |pool: &AnyPool| usize::try_from(pool.size()).unwrap_or(usize::MAX);
        [
            ("reader", open(&self.reader), self.reader.num_idle()),
            ("writer", open(&self.writer), self.writer.num_idle()),
        ]
    }

    /// For queries that only read. On SQLite its connections refuse to
    /// write (`PRAGMA query_only`).
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// For anything that writes, including read-then-write transactions.
    /// A transaction on the writer; its commit counts as a write.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        Ok(WriteTx {
            tx: self.writer.begin().await?,
            writes: self.writes.clone(),
        })
    }

    /// A connection of the writer for single statements; each use counts
    /// as a write once it is given back.
    pub async fn acquire_write(&self) -> Result<WriteConn, sqlx::Error> {
        Ok(WriteConn {
            conn: self.writer.acquire().await?,
            writes: self.writes.clone(),
        })
    }

    /// How many writes this process has finished so far.
    pub(crate) fn writes(&self) -> &WriteCount {
        &self.writes
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
        self.writes.advance();
    }
}

/// Counts the writes this process finished. Whatever was read while the
/// count stood at `n` is current for as long as it still stands at `n`: this
/// is what lets a read be reused without asking the database again. Every
/// write goes through [`WriteTx`] or [`WriteConn`], which move it on once
/// the write is done, so a reused read can never outlive a revoke.
#[derive(Clone, Debug, Default)]
pub(crate) struct WriteCount(Arc<AtomicU64>);

impl WriteCount {
    pub(crate) fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    pub(crate) fn advance(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

/// A write transaction. Dropped without `commit`, it rolls back.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    writes: WriteCount,
}

impl WriteTx {
    /// Commits. The write is counted however this ends, even when the
    /// future is dropped half-way: a commit cut short may still have
    /// reached the database, and a kept read must not outlive it.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let Self { tx, writes } = self;
        let _counted = CountedOnDrop(writes);
        tx.commit().await
    }
}

/// Counts a write when dropped.
struct CountedOnDrop(WriteCount);

impl Drop for CountedOnDrop {
    fn drop(&mut self) {
        self.0.advance();
    }
}

impl Deref for WriteTx {
    type Target = Transaction<'static, Any>;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// A writer connection for statements outside a transaction.
pub struct WriteConn {
    conn: PoolConnection<Any>,
    writes: WriteCount,
}

impl Drop for WriteConn {
    fn drop(&mut self) {
        self.writes.advance();
    }
}

impl Deref for WriteConn {
    type Target = AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}

impl DerefMut for WriteConn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.conn
    }
}

impl Db {
    /// Sends `payload` to everyone listening on `channel` (PostgreSQL `NOTIFY`).
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}

/// Why the database is not ready to serve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotReady {
    /// It does not answer.
    Database,
    /// Its schema is older than this build.
    Migrations,
}

impl NotReady {
    /// The reason code a readiness probe answers with.
    pub const fn code(self) -> &'static str {
        match self {
            NotReady::Database => "database",
            NotReady::Migrations => "migrations",
        }
    }
}

impl Db {
    /// Whether the database answers and has every migration this build
    /// knows of.
    pub async fn readiness(&self) -> Result<(), NotReady> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        let latest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.reader)
                .await
                .map_err(|err| {
                    tracing::warn!(error = %err, "readiness: the database does not answer");
                    NotReady::Database
                })?;
        if applied.unwrap_or(0) < latest {
            return Err(NotReady::Migrations);
        }
        Ok(())
    }

    /// The database server's clock, to the millisecond.
    pub async fn now(&self) -> Result<Timestamp, DbError> {
        let query = match self.backend {
            Backend::Sqlite => {
                "SELECT CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"
            }
            Backend::Postgres => {
                "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
            }
        };
        let millis: i64 = sqlx::query_scalar(query).fetch_one(&self.reader).await?;
        Ok(Timestamp::from_millis(millis))
    }
}

/// A dedicated PostgreSQL connection that `LISTEN`s on one channel.
pub struct Notifications(PgListener);

impl Notifications {
    /// Connects to `url` as `application_name` and listens on `channel`.
    pub async fn listen(url: &str, channel: &str, application_name: &str) -> Result<Self, DbError> {
        let options = PgConnectOptions::from_str(url)?.application_name(application_name);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_with(options)
            .await?;
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(channel).await?;
        Ok(Self(listener))
    }

    /// The next payload; `None` when the connection was lost (notifications
    /// sent meanwhile are gone).
    pub async fn next(&mut self) -> Result<Option<String>, DbError> {
        Ok(self.0.try_recv().await?.map(|n| n.payload().to_owned()))
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
