//! Signing in: the password, then, for a user with a second factor, a code
//! that turns the waiting sign-in into a session (after the server's
//! operator reset the password, a new one of the user's own comes first:
//! `new_password`). The sign-in rate limits are inside, so no transport can
//! forget them.
//!
//! The steps in order: the password (`password`); a sign-in waiting for
//! its next step, and the request that takes it up (`waiting`); the code
//! of a second factor, or an app set up where the account requires one
//! (`second_step`); and the end, the session it opens (`opening`) or the
//! failure it records (`failure`).

mod failure;
mod opening;
mod password;
mod second_step;
mod waiting;

pub use password::{CheckedPassword, SignInStep};
pub use waiting::Challenge;
pub(super) use waiting::waiting_user;
