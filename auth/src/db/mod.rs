//! The database: one query layer over SQLite (embedded default) and
//! PostgreSQL (several instances), through sqlx's `Any` driver.
//!
//! Connecting, with the database created as needed (`connect`); its schema
//! migrated and checked (`migrations`); the writes, which all go through
//! one pool and are counted (`writes`); PostgreSQL's `NOTIFY` and
//! `LISTEN` between instances (`notifications`); when a session read kept
//! in memory may still be used, with other instances writing too
//! (`peers`); and not asking, for a moment, a database that cannot be
//! reached (`breaker`).

mod breaker;
mod connect;
mod migrations;
mod notifications;
mod peers;
mod writes;

use api::Timestamp;
use sqlx::AnyPool;

use std::sync::Arc;

use breaker::Breaker;
pub use migrations::NotReady;
pub use notifications::Notifications;
use peers::Peers;
use writes::WriteCount;
pub use writes::WriteTx;

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
    /// The other instances on the same PostgreSQL database.
    peers: Option<Arc<Peers>>,
    breaker: Arc<Breaker>,
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

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        if let Some(peers) = &self.peers {
            peers.leave();
        }
        self.writer.close().await;
        self.reader.close().await;
        self.writes.advance();
    }

    /// The write count to keep a read under, when reads kept in memory may
    /// be used now: always on SQLite, where this process makes every write;
    /// on PostgreSQL while this instance is fresh (see `peers`). Checked
    /// before the count is read: a write heard before the heartbeat that
    /// made it fresh has moved the count already.
    pub(crate) fn kept_read_stamp(&self) -> Option<u64> {
        let fresh = self.peers.as_ref().is_none_or(|peers| peers.fresh());
        fresh.then(|| self.writes.current())
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
