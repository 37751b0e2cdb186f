//! Resolving the credential on a request to its caller: a session cookie
//! (`cookie`), with its expiry, activity and rotation (`rotation`); an API
//! token (`api_token`); a live connection's caller checked again
//! (`connection`); and the sessions that no longer count, among them one
//! whose rotated-out token was reused (`ended`).

mod api_token;
mod connection;
mod cookie;
mod ended;
mod rotation;

pub use connection::{ConnectionStanding, Rechecked};
pub use cookie::{Access, Resolved};
pub(super) use ended::{Taken, refusal};
