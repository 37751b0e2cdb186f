//! The connection hub: every live connection (event stream, RPC WebSocket)
//! registered under its session or API token, its user and its account,
//! and the one place a [`LiveChange`] reaches them. Closing removes the
//! entry and fires its close signal; the connection's loop then sends its
//! last word and ends. Dropping a [`Registration`] unregisters it.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use api::{LiveEvent, SessionId, TokenId};
use auth::LiveChange;

use super::mailbox::{Closed, Full, Mailbox, Notice, Received};
use super::registry::{Connection, ConnectionLimits, Owner, Registry, TooMany};

#[derive(Clone, Default)]
pub struct ConnectionHub {
    registry: Arc<Mutex<Registry>>,
    limits: ConnectionLimits,
}

/// Keeps a connection registered; unregisters it when dropped.
pub struct Registration {
    hub: ConnectionHub,
    id: u64,
    /// Its credential's kind, for the metrics.
    credential: &'static str,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.lock().remove(self.id);
        crate::metrics::live_connections(self.credential, -1.0);
    }
}

/// What a registered connection listens to: its mailbox, which it shares
/// with the hub's record of it.
pub struct Inbox {
    connection: Arc<Connection>,
}

impl Inbox {
    /// Waits for the close or the next notice; the close comes first.
    /// Cancel-safe: nothing is taken until it is returned.
    pub async fn next(&self) -> Received {
        self.connection.mailbox.next().await
    }

    /// What `next` would return now, without waiting.
    #[cfg(test)]
    fn try_next(&self) -> Option<Received> {
        self.connection.mailbox.take()
    }
}

impl ConnectionHub {
    pub fn new(limits: ConnectionLimits) -> Self {
        Self {
            registry: Arc::default(),
            limits,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        // The registry holds no invariant a panic elsewhere could break.
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a connection, unless its credential or address already
    /// holds as many as the limits allow.
    pub fn register(&self, owner: Owner) -> Result<(Registration, Inbox), TooMany> {
        let credential = owner.credential.kind();
        let mut registry = self.lock();
        registry.admits(&owner, self.limits)?;
        let connection = Arc::new(Connection {
            owner,
            mailbox: Mailbox::default(),
        });
        let id = registry.insert(connection.clone());
        drop(registry);
        crate::metrics::live_connections(credential, 1.0);
        Ok((
            Registration {
                hub: self.clone(),
                id,
                credential,
            },
            Inbox { connection },
        ))
    }

    /// How many connections are open.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// The sessions and API tokens that have open connections, each once.
    pub fn credentials(&self) -> (Vec<SessionId>, Vec<TokenId>) {
        self.lock().credentials()
    }

    /// Closes every connection of a session that has reached its end.
    pub fn close_expired(&self, session_id: &SessionId) -> usize {
        self.close(|r| r.of_session(session_id), Closed::Expired)
    }

    /// Applies a change to this instance's connections: closes those it
    /// ends, or puts its notice in their inboxes. Returns how many it
    /// closed (a notice closes those that fell too far behind). Closing is
    /// idempotent: a connection closed already is gone from the hub.
    pub fn apply(&self, change: &LiveChange) -> usize {
        match change {
            LiveChange::SessionEnded { session_id, reason } => {
                self.close(|r| r.of_session(session_id), Closed::Session(*reason))
            }
            LiveChange::TokenEnded { token_id } => {
                self.close(|r| r.of_token(token_id), Closed::Token)
            }
            LiveChange::UserEnded { user_id, reason } => {
                self.close(|r| r.of_user(user_id), Closed::Session(*reason))
            }
            LiveChange::SessionRecheck { session_id } => {
                self.send(|r| r.of_session(session_id), &Notice::Recheck)
            }
            LiveChange::ToSession { session_id, event } => {
                self.send(|r| r.of_session(session_id), &Notice::event(event))
            }
            LiveChange::ToUser { user_id, event } => {
                self.send(|r| r.of_user(user_id), &Notice::event(event))
            }
            LiveChange::ToAccount { account_id, event } => {
                self.send(|r| r.of_account(account_id), &Notice::event(event))
            }
            LiveChange::AuditRecorded { account_id, about } => self.send(
                |r| r.log_readers_of(account_id, about),
                &Notice::event(&LiveEvent::AuditRecorded),
            ),
        }
    }

    /// Sends `notice` to the picked connections. One whose inbox is full
    /// is closed instead: it would otherwise miss this notice unknowingly.
    /// Returns how many were closed so.
    fn send(&self, pick: impl FnOnce(&Registry) -> Vec<u64>, notice: &Notice) -> usize {
        let mut registry = self.lock();
        let mut behind = 0;
        for id in pick(&registry) {
            let Some(entry) = registry.get(id) else {
                continue;
            };
            if let Err(Full) = entry.mailbox.put(notice.clone())
                && let Some(entry) = registry.remove(id)
            {
                tracing::debug!(connection = id, "a live connection fell behind; closed it");
                entry.mailbox.close(Closed::Behind);
                behind += 1;
            }
        }
        behind
    }

    fn close(&self, pick: impl FnOnce(&Registry) -> Vec<u64>, why: Closed) -> usize {
        let mut registry = self.lock();
        let mut closed = 0;
        for id in pick(&registry) {
            if let Some(entry) = registry.remove(id) {
                entry.mailbox.close(why);
                closed += 1;
            }
        }
        closed
    }
}

#[cfg(test)]
mod tests;
