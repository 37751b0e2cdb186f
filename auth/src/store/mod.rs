//! Storage by concept: one store for each of sessions, users, accounts,
//! the account's members and API tokens. Their rows decode into the
//! domain's types at this edge, as `columns` reads them back and `values`
//! binds them; statements run through `query`; the SQL they share is
//! written once, in `sql`.

pub(crate) mod accounts;
mod columns;
pub(crate) mod devices;
pub(crate) mod email_verifications;
pub(crate) mod expired;
pub(crate) mod invitations;
pub(crate) mod members;
pub(crate) mod outbox;
pub(crate) mod password_resets;
mod query;
pub(crate) mod security_mail;
pub(crate) mod session_reports;
pub(crate) mod sessions;
mod sql;
pub(crate) mod tokens;
pub(crate) mod users;
mod values;

pub(crate) use sql::Whose;
