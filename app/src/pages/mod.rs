//! One module per page.

mod login;
mod login_code;
mod login_password;
mod login_setup;
mod not_found;
mod security;
mod security_log;
mod signup;

pub use login::LoginPage;
pub use login_code::LoginCodePage;
pub use login_password::LoginPasswordPage;
pub use login_setup::LoginSetupPage;
pub use not_found::NotFound;
pub use security::SecurityPage;
pub use security_log::SecurityLogPage;
pub use signup::SignupPage;
