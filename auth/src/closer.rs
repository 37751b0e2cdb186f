//! Closing live connections (event streams, WebSockets) when the sessions
//! behind them end. The server's connection hub implements this; the domain
//! calls it after a revoke commits and before the audit write, so a failing
//! audit write can never leave a connection open.

use api::{RevokeReason, SessionId, UserId};

pub trait ConnectionCloser: Send + Sync + 'static {
    /// Closes every connection of one session; returns how many. Idempotent.
    fn close_for_session(&self, session_id: &SessionId, reason: RevokeReason) -> usize;

    /// Closes every connection of one user; returns how many. Idempotent.
    fn close_for_user(&self, user_id: &UserId, reason: RevokeReason) -> usize;
}
