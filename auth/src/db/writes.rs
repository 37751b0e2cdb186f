//! Writes: every one is a transaction on the writer pool, counted once
//! done, so that a kept read knows when it may be stale. On PostgreSQL the
//! transaction also tells the other instances, and its commit returns once
//! none of them can still use a read kept from before it (see `peers`).

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Any, Transaction};

use super::Db;
use super::peers::{CHANNEL, Peers};

impl Db {
    /// For anything that writes, including read-then-write transactions.
    /// A transaction on the writer; its commit counts as a write.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        Ok(WriteTx {
            tx: self.writer.begin().await?,
            writes: self.writes.clone(),
            peers: self.peers.clone(),
        })
    }

    /// Runs one statement as a write of its own (tests that change the
    /// database behind the domain's back, as another process could).
    #[cfg(feature = "testing")]
    pub async fn execute_write(
        &self,
        statement: sqlx::query::Query<'_, Any, sqlx::any::AnyArguments>,
    ) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let done = statement.execute(&mut **tx).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// How many writes this process has finished so far.
    pub(crate) fn writes(&self) -> &WriteCount {
        &self.writes
    }
}

/// Counts the writes this process finished, and those of the other
/// instances it heard of. Whatever was read while the count stood at `n` is
/// current for as long as it still stands at `n`: this is what lets a read
/// be reused without asking the database again. Every write goes through
/// [`WriteTx`], which moves it on once the write is done, so a reused read
/// can never outlive a revoke.
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
    peers: Option<Arc<Peers>>,
}

impl WriteTx {
    /// Commits. The write is counted however this ends, even when the
    /// future is dropped half-way: a commit cut short may still have
    /// reached the database, and a kept read must not outlive it. On
    /// PostgreSQL the transaction says the write to the other instances
    /// first, and this returns once none of them can use a read kept from
    /// before it.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let Self {
            mut tx,
            writes,
            peers,
        } = self;
        let counted = CountedOnDrop(writes);
        let Some(peers) = peers else {
            return tx.commit().await;
        };
        let write = peers.announce();
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(write.notice())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        drop(counted);
        write.confirmed().await;
        Ok(())
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
