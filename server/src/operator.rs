//! Runs the operator's commands (`latchkey users …`, `latchkey sessions
//! …`, `latchkey migrate`) against the database a server may be using.
//!
//! What they end reaches the running servers' live connections: on
//! PostgreSQL through the change feed like any instance's change, on SQLite
//! through the database file, where the server looks within a quarter of a
//! second. A command on SQLite waits up to two seconds for the server to
//! say it applied them, and says whether it did.

use std::sync::Arc;
use std::time::Duration;

use api::EmailAddress;
use auth::{Auth, AuthError, Backend, DatabaseClock, Db, SessionSettings, SessionsOf, SystemClock};

use crate::cli::{Database, OperatorCommand, SessionsCommand, UsersCommand};
use crate::live::ChangeFeed;

/// How long a command on SQLite waits for a running server to apply its changes.
const WAIT_FOR_SERVER: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("database: {0}")]
    Database(#[from] auth::DbError),
    #[error("{0}")]
    Auth(#[from] AuthError),
    #[error("{0}")]
    Input(#[from] api::InputError),
}

/// Runs one operator command.
pub async fn run(command: OperatorCommand) -> Result<(), OperatorError> {
    match command {
        OperatorCommand::Migrate(database) => migrate(&database).await,
        OperatorCommand::Users(users) => self::users(users).await,
        OperatorCommand::Sessions(sessions) => self::sessions(sessions).await,
    }
}

/// `latchkey migrate`.
async fn migrate(database: &Database) -> Result<(), OperatorError> {
    Db::connect(&database.database_url).await?;
    println!("The database schema is up to date.");
    Ok(())
}

/// `latchkey users …`.
async fn users(command: UsersCommand) -> Result<(), OperatorError> {
    match command {
        UsersCommand::List(database) => {
            let session = Session::open(&database).await?;
            let users = session.auth.as_operator().list_users().await?;
            println!(
                "{:<32} {:<24} {:<7} {:<24} LIVE SESSIONS",
                "EMAIL", "NAME", "ROLE", "ACCOUNT"
            );
            for user in users {
                println!(
                    "{:<32} {:<24} {:<7} {:<24} {}",
                    user.me.email,
                    user.me.name,
                    user.me.role.as_str(),
                    user.me.account_name,
                    user.live_sessions
                );
            }
            Ok(())
        }
        UsersCommand::ResetPassword { email, database } => {
            let email = EmailAddress::parse(&email)?;
            let session = Session::open(&database).await?;
            let reset = session.auth.as_operator().reset_password(&email).await?;
            println!(
                "New password for {} (shown only this once):",
                reset.user.email
            );
            println!("  {}", reset.password.expose());
            println!(
                "Give it to them over a channel you trust. Signing in with it, they must choose \
                 a password of their own before anything opens."
            );
            println!("Ended, so nothing that signed in as them before works:");
            println!("  {} session(s)", reset.sessions_ended);
            println!("  {} API token(s)", reset.api_tokens_revoked);
            if reset.app_removed {
                println!(
                    "  their authenticator app, with {} unused recovery code(s)",
                    reset.recovery_codes_removed
                );
            } else {
                println!("  no authenticator app (they had none)");
            }
            println!("  {} passkey(s)", reset.passkeys_removed);
            session.finish().await
        }
        UsersCommand::MakeOwner { email, database } => {
            let email = EmailAddress::parse(&email)?;
            let session = Session::open(&database).await?;
            let owner = session.auth.as_operator().make_owner(&email).await?;
            println!(
                "{} is now the owner of {}; its owner until now is a member.",
                owner.email, owner.account_name
            );
            session.finish().await
        }
    }
}

/// `latchkey sessions …`.
async fn sessions(command: SessionsCommand) -> Result<(), OperatorError> {
    let SessionsCommand::Revoke {
        user,
        all: _,
        database,
    } = command;
    let of = match user {
        Some(email) => SessionsOf::User(EmailAddress::parse(&email)?),
        None => SessionsOf::Everyone,
    };
    let session = Session::open(&database).await?;
    let ended = session.auth.as_operator().revoke_sessions(&of).await?;
    println!("{ended} session(s) ended.");
    session.finish().await
}

/// The domain as one command sees it, with what tells the running servers.
struct Session {
    auth: Auth,
    feed: ChangeFeed,
    /// On SQLite, the newest change published before this command's.
    published_after: Option<i64>,
}

impl Session {
    async fn open(database: &Database) -> Result<Self, OperatorError> {
        let db = Db::connect(&database.database_url).await?;
        let clock = Arc::new(DatabaseClock::new(Arc::new(SystemClock)));
        clock.set_by(&db).await?;
        let instance = format!("operator-{:x}", std::process::id());
        let published_after = match db.backend() {
            Backend::Sqlite => Some(db.latest_outside_change().await?),
            Backend::Postgres => None,
        };
        let feed = ChangeFeed::for_operator(db.clone(), instance);
        let auth = Auth::new(
            db,
            clock,
            SessionSettings::default(),
            Arc::new(feed.clone()),
        )
        .await?;
        Ok(Self {
            auth,
            feed,
            published_after,
        })
    }

    /// Sends what the command changed to the running servers and, on
    /// SQLite, waits for the server to apply it.
    async fn finish(self) -> Result<(), OperatorError> {
        self.feed.flush().await;
        self.auth.flush().await;
        let db = self.auth.db();
        if let Some(after) = self.published_after
            && db.latest_outside_change().await? > after
        {
            let waited = tokio::time::timeout(WAIT_FOR_SERVER, async {
                while db.outside_changes_waiting(after).await? > 0 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Ok::<_, AuthError>(())
            })
            .await;
            match waited {
                Ok(result) => {
                    result?;
                    println!("The running server has signed out their open pages.");
                }
                Err(_) => println!(
                    "No running server took the change within {} s (none may be running); \
                     the sessions have ended all the same.",
                    WAIT_FOR_SERVER.as_secs()
                ),
            }
        }
        db.close().await;
        Ok(())
    }
}
