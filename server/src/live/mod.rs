//! Live connections: the event streams and RPC WebSockets a browser or a
//! script holds open, and how the domain's [`auth::LiveChange`]s reach
//! them on every instance.
//!
//! - `hub`: registers each connection (`registry`: by session, token,
//!   user, account and address) and applies a change to them, into each
//!   one's `mailbox`;
//! - `feed`: the [`auth::LiveSink`] the domain is given: it applies a
//!   change here and hands it to `publish` for the other instances; what
//!   they publish comes back through `listen` (PostgreSQL) or, from an
//!   operator command on SQLite, through `outside`;
//! - `watch`: follows one connection's credential and says when and why
//!   (`ending`) it closes;
//! - `sse` and `ws`: the two endpoints, `GET /api/events` and `/api/ws`.

mod ending;
mod feed;
mod hub;
mod listen;
mod mailbox;
mod outside;
mod publish;
mod registry;
mod sse;
mod watch;
mod ws;

pub use feed::ChangeFeed;
pub use listen::LISTENER_NAME;

pub(crate) use hub::ConnectionHub;
pub(crate) use registry::ConnectionLimits;
pub(crate) use sse::events;
pub(crate) use ws::rpc_over_websocket;
