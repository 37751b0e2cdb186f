//! Writes: every one goes through the writer pool, in a transaction or on
//! a connection of its own, and is counted once done, so that a kept read
//! knows when it may be stale.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Transaction};

use super::Db;

impl Db {
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
