//! The security pages' cards. `/account/security` ("Your sign-in", the
//! entry point) holds what each user manages for themselves: sessions,
//! password, two-step sign-in, passkeys, API tokens. `/account/security/team`
//! ("Your team", the owner's) holds the account's policy, who is signed in,
//! the members and the two-step requirement.

mod add_member;
mod email;
mod invite_member;
mod member_actions;
mod members;
mod passkeys;
mod password;
mod policy;
mod require_second_factor;
mod second_factor;
mod security_mail;
mod sessions;
mod sign_in;
mod team;
mod tokens;
mod totp_setup;
mod unbound_policy;
mod users;

pub use sign_in::SignInPage;
pub use team::TeamPage;
