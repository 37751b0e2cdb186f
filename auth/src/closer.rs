//! The domain's handle on live connections (event streams, WebSockets): it
//! closes them when their sessions or tokens end, and tells them when their
//! session or account changes. The server's connection hub implements it.
//! Closes happen after a revoke commits and before the audit write, so a
//! failing audit write can never leave a connection open.

use api::{AccountId, LiveEvent, RevokeReason, SessionId, TokenId, UserId};

pub trait ConnectionCloser: Send + Sync + 'static {
    /// Closes every connection of one session; returns how many. Idempotent.
    fn close_for_session(&self, session_id: &SessionId, reason: RevokeReason) -> usize;

    /// Closes every connection made with one API token; returns how many. Idempotent.
    fn close_for_token(&self, token_id: &TokenId) -> usize;

    /// Closes every connection of one user; returns how many. Idempotent.
    fn close_for_user(&self, user_id: &UserId, reason: RevokeReason) -> usize;

    /// Tells every connection of one session to re-check its credential
    /// (one of the session's tokens is being retired).
    fn recheck_session(&self, session_id: &SessionId);

    /// Sends an event to every connection of one session.
    fn notify_session(&self, session_id: &SessionId, event: &LiveEvent);

    /// Sends an event to every connection of one user.
    fn notify_user(&self, user_id: &UserId, event: &LiveEvent);

    /// Sends an event to every connection in one account.
    fn notify_account(&self, account_id: &AccountId, event: &LiveEvent);

    /// Tells the connections that follow the account's security log of a
    /// new entry, if they may read it: an owner's of every entry, a
    /// member's of those done by or to them (`about`).
    fn audit_recorded(&self, account_id: &AccountId, about: &[UserId]);
}
