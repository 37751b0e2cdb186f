//! The session-security domain. Storage, sessions, passwords and policy live
//! here; nothing here knows about HTTP or Leptos.

mod clock;
mod db;
mod error;
mod password;
mod secret;
mod service;
mod sessions;
mod settings;
mod users;

#[cfg(feature = "testing")]
pub mod testing;

pub use clock::{Clock, SystemClock, TestClock};
pub use db::{Backend, Db, DbError};
pub use error::AuthError;
pub use secret::{SessionToken, TokenHash};
pub use service::{Auth, Authentication, Caller, ClientMeta, DemoAccount, NewSession};
pub use sessions::Deadlines;
pub use settings::SessionSettings;
