//! The domain's rules, run against SQLite, or PostgreSQL when
//! `LATCHKEY_TEST_POSTGRES_URL` is set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

mod helpers;
mod sign_in;
