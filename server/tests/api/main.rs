//! Black-box tests of the HTTP server on a random loopback port, against
//! SQLite, or PostgreSQL when `LATCHKEY_TEST_POSTGRES_URL` is set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

mod bad_input;
mod client_errors;
mod device_bound;
mod faults;
mod forward;
mod hardening;
mod headers;
mod helpers;
mod idor;
mod instances;
mod invitations;
mod limits;
mod live;
mod live_client;
mod live_rotation;
mod logs;
mod members;
mod metrics;
mod new_device_place;
mod openapi;
mod openapi_truth;
mod openrpc;
mod operator;
mod outage;
mod pages;
mod passkeys;
mod password_reset;
mod probes;
mod reauth;
mod rpc;
mod scopes;
mod second_factor;
mod security_log;
mod security_mail;
mod security_mail_choices;
mod sessions;
mod sign_in;
mod smtp_sink;
mod tls;
mod verify_email;
mod who_may_call;
