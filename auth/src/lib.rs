//! The session-security domain. Storage, sessions, passwords and policy live
//! here; nothing here knows about HTTP or Leptos.

mod audit;
mod clock;
mod closer;
mod db;
mod error;
mod notices;
mod password;
mod secret;
mod service;
mod sessions;
mod settings;
mod touch;
mod users;

#[cfg(feature = "testing")]
pub mod testing;

pub use audit::{AuditEvent, AuditKind};
pub use clock::{Clock, SystemClock, TestClock};
pub use closer::ConnectionCloser;
pub use db::{Backend, Db, DbError};
pub use error::AuthError;
pub use secret::{SessionToken, TokenHash};
pub use service::{
    Access, AccountPolicy, Auth, Authentication, Caller, ClientMeta, DemoAccount, NewSession,
    PasswordChange, PolicyChange, PolicyUpdate, Resolved,
};
pub use sessions::{Cleanup, Deadlines};
pub use settings::SessionSettings;
