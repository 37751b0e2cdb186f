//! PostgreSQL's `NOTIFY` and `LISTEN`, by which instances tell each other
//! what changed.

use std::str::FromStr as _;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};

use super::{Db, DbError};

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
