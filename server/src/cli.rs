//! The command line: `latchkey` alone (or `latchkey serve`) serves; the
//! other subcommands are the operator's, run against the database a server
//! may be using at that moment.

use clap::{Args, Parser, Subcommand};

use crate::Config;

#[derive(Debug, Parser)]
#[command(
    name = "latchkey",
    version,
    about = "Session security for your team's web app",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no subcommand: the flags of `serve`.
    #[command(flatten)]
    pub serve: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serves the app (what `latchkey` alone does).
    Serve(Box<Config>),
    #[command(flatten)]
    Operator(OperatorCommand),
}

/// The operator's commands.
#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Creates the database or brings its schema up to date, then exits.
    Migrate(Database),
    /// The users of every account.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Signed-in sessions.
    #[command(subcommand)]
    Sessions(SessionsCommand),
}

/// Which database an operator command works on.
#[derive(Clone, Debug, Args)]
pub struct Database {
    /// Database: `sqlite://PATH` or `postgres://...`, the one the server uses.
    #[arg(long, env = "DATABASE_URL", default_value = crate::config::DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Lists every user with their account, role and live sessions.
    List(Database),
    /// The way back in after an account was taken over: gives a user a new
    /// random password, printed once, which they must replace with their
    /// own when they sign in with it; and ends everything that signed in as
    /// them: every session and API token (their open pages and sockets
    /// close at once), their authenticator app and recovery codes, and
    /// their passkeys. They are told when they sign in.
    ResetPassword {
        email: String,
        #[command(flatten)]
        database: Database,
    },
    /// Makes a user their account's only owner (the way back in); its
    /// owners until now become members.
    MakeOwner {
        email: String,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// Ends the sessions of one user (`--user EMAIL`) or of everyone
    /// (`--all`); their open pages are signed out at once.
    Revoke {
        /// The user whose sessions end.
        #[arg(long, value_name = "EMAIL", required_unless_present = "all")]
        user: Option<String>,
        /// Every user's sessions end.
        #[arg(long, conflicts_with = "user")]
        all: bool,
        #[command(flatten)]
        database: Database,
    },
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[test]
    fn no_subcommand_serves_with_the_serve_flags() {
        let cli = Cli::parse_from(["latchkey", "--listen", "127.0.0.1:4000"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.listen.port(), 4000);
    }

    #[test]
    fn revoking_sessions_names_one_user_or_everyone_never_both_nor_neither() {
        assert!(Cli::try_parse_from(["latchkey", "sessions", "revoke"]).is_err());
        assert!(
            Cli::try_parse_from(["latchkey", "sessions", "revoke", "--all", "--user", "a@b.c"])
                .is_err()
        );
        let cli = Cli::parse_from(["latchkey", "sessions", "revoke", "--user", "a@b.c"]);
        assert!(matches!(
            cli.command,
            Some(Command::Operator(OperatorCommand::Sessions(
                SessionsCommand::Revoke {
                    user: Some(_),
                    all: false,
                    ..
                }
            )))
        ));
    }
}
