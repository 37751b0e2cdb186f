//! Changes made by another process on the same SQLite file (the operator
//! commands), and how the running server notices them.
//!
//! The server keeps session reads between requests on the promise that it
//! makes every write itself. Another process breaks that promise, so the
//! server watches SQLite's `PRAGMA data_version`, which moves whenever any
//! other connection commits: on a move it forgets every kept read and looks
//! for new rows in `operator_changes`, which say what to close.

use api::Timestamp;
use sqlx::AnyConnection;

use crate::Db;
use crate::error::AuthError;

/// Watches one SQLite database for commits by other connections.
pub struct OutsideWrites {
    db: Db,
    /// A connection of its own: `data_version` is per connection.
    conn: AnyConnection,
    version: i64,
    /// The last change read; the ones before the server started are not its.
    last_id: i64,
}

impl Db {
    /// Publishes a change for the running server (from an operator command).
    pub async fn publish_outside_change(&self, payload: &str) -> Result<(), AuthError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO operator_changes (payload, created_at) \
             VALUES ($1, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER))",
        )
        .bind(payload)
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest change published so far (0 for none).
    pub async fn latest_outside_change(&self) -> Result<i64, AuthError> {
        let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM operator_changes")
            .fetch_one(self.reader())
            .await?;
        Ok(latest.unwrap_or(0))
    }

    /// How many changes published after `after` no server has applied yet.
    pub async fn outside_changes_waiting(&self, after: i64) -> Result<i64, AuthError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM operator_changes WHERE id > $1 AND applied_at IS NULL",
        )
        .bind(after)
        .fetch_one(self.reader())
        .await?)
    }

    /// Starts watching for other processes' commits (SQLite only).
    pub async fn watch_outside_writes(&self) -> Result<OutsideWrites, AuthError> {
        let mut conn = self.reader().acquire().await?.detach();
        let version = data_version(&mut conn).await?;
        Ok(OutsideWrites {
            db: self.clone(),
            conn,
            version,
            last_id: self.latest_outside_change().await?,
        })
    }
}

impl OutsideWrites {
    /// The payloads of the changes published since the last call, if
    /// anything committed meanwhile; every kept read is forgotten first when
    /// something did.
    pub async fn poll(&mut self) -> Result<Vec<String>, AuthError> {
        let version = data_version(&mut self.conn).await?;
        if version == self.version {
            return Ok(Vec::new());
        }
        self.version = version;
        self.db.writes().advance();
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, payload FROM operator_changes WHERE id > $1 ORDER BY id")
                .bind(self.last_id)
                .fetch_all(&mut self.conn)
                .await?;
        if let Some((id, _)) = rows.last() {
            self.last_id = *id;
        }
        Ok(rows.into_iter().map(|(_, payload)| payload).collect())
    }

    /// Marks every change read so far as applied, for the commands waiting
    /// on them, and forgets the ones applied over an hour ago.
    pub async fn applied(&mut self, now: Timestamp) -> Result<(), AuthError> {
        const KEPT_MS: i64 = 60 * 60 * 1000;
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "UPDATE operator_changes SET applied_at = $1 WHERE applied_at IS NULL AND id <= $2",
        )
        .bind(now.as_millis())
        .bind(self.last_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM operator_changes WHERE applied_at < $1")
            .bind(now.as_millis() - KEPT_MS)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn data_version(conn: &mut AnyConnection) -> Result<i64, AuthError> {
    Ok(sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(conn)
        .await?)
}
