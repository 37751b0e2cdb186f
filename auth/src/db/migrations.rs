//! The schema: migrated when connecting, and checked by the readiness
//! probe against every migration this build knows of.

use sqlx::migrate::Migrator;

use super::{Backend, Db};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

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
    pub(super) async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.writer).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.writer).await,
        }
    }

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
}
