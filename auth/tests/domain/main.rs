//! The domain's rules, run against SQLite, or PostgreSQL when
//! `LATCHKEY_TEST_POSTGRES_URL` is set. Time moves with the test clock;
//! nothing sleeps.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

mod actions;
mod audit;
mod cap;
mod cleanup;
mod clock;
mod device_bound;
mod expiry;
mod gate;
mod helpers;
mod instances;
mod invitations;
mod kept_reads;
mod members;
mod notices;
mod outbox;
mod passkeys;
mod password;
mod password_reset;
mod policy;
mod reauth;
mod recovery;
mod required_second_factor;
mod rotation;
mod scopes;
mod second_factor;
mod second_step;
mod security_mail;
mod security_mail_choices;
mod sign_in;
mod tokens;
mod unbound_policy;
mod verified_email;
