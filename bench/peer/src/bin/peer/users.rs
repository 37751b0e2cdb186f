//! The peer's users table, on whichever database its sessions are on:
//! SQLite, as in axum-login's own example, or PostgreSQL, as a team running
//! several instances would have it. The same columns and the same queries on
//! both; only the placeholders and the upsert differ.

use sqlx::{PgPool, SqlitePool};

/// A user as axum-login's backend reads it.
#[derive(Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The database the users (and the sessions) are kept in. Cheap to clone.
#[derive(Clone)]
pub enum Users {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Users {
    /// Creates the table if it is missing and sets the one user (id 1,
    /// `email`) with the argon2 `password_hash`.
    pub async fn seed(&self, email: &str, password_hash: &str) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(db) => {
                sqlx::query(
                    "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, \
                     email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL)",
                )
                .execute(db)
                .await?;
                sqlx::query(
                    "INSERT OR REPLACE INTO users (id, name, email, password_hash) \
                     VALUES (1, 'Bench', ?, ?)",
                )
                .bind(email)
                .bind(password_hash)
                .execute(db)
                .await?;
            }
            Self::Postgres(db) => {
                sqlx::query(
                    "CREATE TABLE IF NOT EXISTS users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, \
                     email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL)",
                )
                .execute(db)
                .await?;
                sqlx::query(
                    "INSERT INTO users (id, name, email, password_hash) VALUES (1, 'Bench', $1, $2) \
                     ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, \
                     password_hash = EXCLUDED.password_hash",
                )
                .bind(email)
                .bind(password_hash)
                .execute(db)
                .await?;
            }
        }
        Ok(())
    }

    /// The user signing in with `email`, if there is one.
    pub async fn by_email(&self, email: &str) -> Result<Option<User>, sqlx::Error> {
        match self {
            Self::Sqlite(db) => {
                sqlx::query_as("SELECT * FROM users WHERE email = ?")
                    .bind(email)
                    .fetch_optional(db)
                    .await
            }
            Self::Postgres(db) => {
                sqlx::query_as("SELECT * FROM users WHERE email = $1")
                    .bind(email)
                    .fetch_optional(db)
                    .await
            }
        }
    }

    /// The user a session names, read on every authenticated request.
    pub async fn by_id(&self, id: i64) -> Result<Option<User>, sqlx::Error> {
        match self {
            Self::Sqlite(db) => {
                sqlx::query_as("SELECT * FROM users WHERE id = ?")
                    .bind(id)
                    .fetch_optional(db)
                    .await
            }
            Self::Postgres(db) => {
                sqlx::query_as("SELECT * FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(db)
                    .await
            }
        }
    }
}
