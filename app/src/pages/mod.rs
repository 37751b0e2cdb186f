//! One module per page; the security pages share their shell.

mod login;
mod login_code;
mod login_forgot;
mod login_invitation;
mod login_not_me;
mod login_password;
mod login_reset;
mod login_setup;
mod login_verify_email;
mod not_found;
mod security;
mod security_log;
mod sent_back;
mod shell;
mod signup;

pub use login::LoginPage;
pub use login_code::LoginCodePage;
pub use login_forgot::{LINK_ON_ITS_WAY, LoginForgotPage};
pub use login_invitation::{INVITATION_ENDED, LoginInvitationPage};
pub use login_not_me::LoginNotMePage;
pub use login_password::LoginPasswordPage;
pub use login_reset::{LoginResetPage, RESET_LINK_ENDED};
pub use login_setup::LoginSetupPage;
pub use login_verify_email::{LoginVerifyEmailPage, VERIFY_LINK_ENDED};
pub use not_found::NotFound;
pub use security::{SignInPage, TeamPage};
pub use security_log::SecurityLogPage;
pub use signup::SignupPage;
