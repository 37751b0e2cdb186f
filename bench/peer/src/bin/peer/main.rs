//! The peer: what a team would build instead with the usual crates, as in
//! axum-login's own SQLite example: tower-sessions with its SQLite store
//! (expiry on inactivity), axum-login with a backend that reads users from
//! the same SQLite database, argon2 for the password. Given a PostgreSQL
//! URL instead, the same app keeps its sessions in tower-sessions'
//! PostgreSQL store and its users in the same PostgreSQL database, as a team
//! running several instances on one database would.
//!
//! `peer <database file | postgres:// URL> <password>`: seeds one user
//! (`bench@example.com`), listens on a free loopback port and prints
//! `listening on <address>`. `POST /login` (JSON `email`, `password`) signs
//! in; `GET /me` answers the signed-in user's name.

mod users;

use std::str::FromStr;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_login::{AuthManagerLayerBuilder, AuthSession, AuthUser, AuthnBackend, UserId};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use users::{User, Users};

const EMAIL: &str = "bench@example.com";
/// The PostgreSQL pool's size: our server's (`auth::db`), so that the two
/// differ in what they ask the database, not in how many connections ask.
const POSTGRES_CONNECTIONS: u32 = 16;

type BoxError = Box<dyn std::error::Error>;

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

#[derive(Clone, Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

#[derive(Clone)]
struct Backend {
    users: Users,
}

#[derive(Debug)]
struct BackendError(String);

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BackendError {}

impl From<sqlx::Error> for BackendError {
    fn from(err: sqlx::Error) -> Self {
        Self(err.to_string())
    }
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = BackendError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>, BackendError> {
        let Some(user) = self.users.by_email(&creds.email).await? else {
            return Ok(None);
        };
        let hash = user.password_hash.clone();
        let verified = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(creds.password.as_bytes(), &parsed)
                    .is_ok()
            })
        })
        .await
        .map_err(|err| BackendError(err.to_string()))?;
        Ok(verified.then_some(user))
    }

    async fn get_user(&self, user_id: &UserId<Self>) -> Result<Option<User>, BackendError> {
        Ok(self.users.by_id(*user_id).await?)
    }
}

type Session = AuthSession<Backend>;

#[derive(Serialize)]
struct Me {
    name: String,
}

async fn login(mut session: Session, Json(creds): Json<Credentials>) -> StatusCode {
    match session.authenticate(creds).await {
        Ok(Some(user)) if session.login(&user).await.is_ok() => StatusCode::OK,
        Ok(_) => StatusCode::UNAUTHORIZED,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn me(session: Session) -> Result<Json<Me>, StatusCode> {
    let user = session.user.ok_or(StatusCode::UNAUTHORIZED)?;
    Ok(Json(Me { name: user.name }))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let (Some(database), Some(password)) = (args.next(), args.next()) else {
        return Err("usage: peer <database file | postgres:// URL> <password>".into());
    };
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|err| err.to_string())?
        .to_string();

    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        let db = PgPoolOptions::new()
            .max_connections(POSTGRES_CONNECTIONS)
            .connect(&database)
            .await?;
        let users = Users::Postgres(db.clone());
        users.seed(EMAIL, &hash).await?;
        let store = PostgresStore::new(db);
        store.migrate().await?;
        serve(store, users).await
    } else {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{database}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let db = SqlitePool::connect_with(options).await?;
        let users = Users::Sqlite(db.clone());
        users.seed(EMAIL, &hash).await?;
        let store = SqliteStore::new(db);
        store.migrate().await?;
        serve(store, users).await
    }
}

/// The routes, with sessions kept in `store` and users read from `users`,
/// on a free loopback port.
async fn serve<S: SessionStore + Clone>(store: S, users: Users) -> Result<(), BoxError> {
    let sessions = SessionManagerLayer::new(store)
        .with_secure(false)
        .with_expiry(Expiry::OnInactivity(Duration::hours(1)));
    let auth = AuthManagerLayerBuilder::new(Backend { users }, sessions).build();
    let app = Router::new()
        .route("/me", get(me))
        .route("/login", post(login))
        .layer(auth);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
