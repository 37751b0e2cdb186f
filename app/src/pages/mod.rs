//! One module per page.

mod login;
mod not_found;
mod security;
mod security_log;
mod signup;

pub use login::LoginPage;
pub use not_found::NotFound;
pub use security::SecurityPage;
pub use security_log::SecurityLogPage;
pub use signup::SignupPage;
