//! The connection hub: every live connection (event stream, RPC WebSocket)
//! registered under its session, user and account. Closing removes the
//! entry and fires its close signal; the connection's loop then sends its
//! last event and ends. Dropping a [`Registration`] unregisters it.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use api::{AccountId, LiveEvent, RevokeReason, SessionId, UserId};
use auth::ConnectionCloser;
use tokio::sync::{mpsc, oneshot};

/// Events a connection may fall behind by before further ones are dropped.
const EVENT_BUFFER: usize = 16;

/// Who a connection belongs to.
#[derive(Clone, Debug)]
pub struct Owner {
    pub session: SessionId,
    pub user: UserId,
    pub account: AccountId,
}

/// What a registered connection listens to.
pub struct Inbox {
    /// Events to pass on to the client.
    pub events: mpsc::Receiver<LiveEvent>,
    /// Fires (or is dropped) when the connection must close.
    pub closed: oneshot::Receiver<RevokeReason>,
}

struct Entry {
    owner: Owner,
    events: mpsc::Sender<LiveEvent>,
    close: oneshot::Sender<RevokeReason>,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    entries: HashMap<u64, Entry>,
    by_session: HashMap<SessionId, HashSet<u64>>,
    by_user: HashMap<UserId, HashSet<u64>>,
    by_account: HashMap<AccountId, HashSet<u64>>,
}

impl Registry {
    fn remove(&mut self, id: u64) -> Option<Entry> {
        let entry = self.entries.remove(&id)?;
        unindex(&mut self.by_session, &entry.owner.session, id);
        unindex(&mut self.by_user, &entry.owner.user, id);
        unindex(&mut self.by_account, &entry.owner.account, id);
        Some(entry)
    }

    fn ids<K: Eq + Hash>(index: &HashMap<K, HashSet<u64>>, key: &K) -> Vec<u64> {
        index
            .get(key)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }
}

fn unindex<K: Eq + Hash + Clone>(index: &mut HashMap<K, HashSet<u64>>, key: &K, id: u64) {
    if let Some(ids) = index.get_mut(key) {
        ids.remove(&id);
        if ids.is_empty() {
            index.remove(key);
        }
    }
}

#[derive(Clone, Default)]
pub struct ConnectionHub {
    registry: Arc<Mutex<Registry>>,
}

/// Keeps a connection registered; unregisters it when dropped.
pub struct Registration {
    hub: ConnectionHub,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.lock().remove(self.id);
    }
}

impl ConnectionHub {
    fn lock(&self) -> MutexGuard<'_, Registry> {
        // The registry holds no invariant a panic elsewhere could break.
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn register(&self, owner: Owner) -> (Registration, Inbox) {
        let (events_tx, events) = mpsc::channel(EVENT_BUFFER);
        let (close, closed) = oneshot::channel();
        let mut registry = self.lock();
        registry.next_id += 1;
        let id = registry.next_id;
        registry
            .by_session
            .entry(owner.session.clone())
            .or_default()
            .insert(id);
        registry
            .by_user
            .entry(owner.user.clone())
            .or_default()
            .insert(id);
        registry
            .by_account
            .entry(owner.account.clone())
            .or_default()
            .insert(id);
        registry.entries.insert(
            id,
            Entry {
                owner,
                events: events_tx,
                close,
            },
        );
        drop(registry);
        (
            Registration {
                hub: self.clone(),
                id,
            },
            Inbox { events, closed },
        )
    }

    /// How many connections are open.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Sends an event to every connection of a session.
    pub fn publish_to_session(&self, session_id: &SessionId, event: &LiveEvent) {
        let registry = self.lock();
        for id in Registry::ids(&registry.by_session, session_id) {
            Self::offer(&registry, id, event);
        }
    }

    /// Sends an event to every connection in an account.
    pub fn publish_to_account(&self, account_id: &AccountId, event: &LiveEvent) {
        let registry = self.lock();
        for id in Registry::ids(&registry.by_account, account_id) {
            Self::offer(&registry, id, event);
        }
    }

    fn offer(registry: &Registry, id: u64, event: &LiveEvent) {
        if let Some(entry) = registry.entries.get(&id)
            && entry.events.try_send(event.clone()).is_err()
        {
            tracing::debug!(
                connection = id,
                "a live connection is behind; dropped an event"
            );
        }
    }

    fn close(&self, ids: Vec<u64>, reason: RevokeReason) -> usize {
        let mut registry = self.lock();
        let mut closed = 0;
        for id in ids {
            if let Some(entry) = registry.remove(id) {
                // The receiver may be gone already; it is closed either way.
                let _ = entry.close.send(reason);
                closed += 1;
            }
        }
        closed
    }
}

impl ConnectionCloser for ConnectionHub {
    fn close_for_session(&self, session_id: &SessionId, reason: RevokeReason) -> usize {
        let ids = Registry::ids(&self.lock().by_session, session_id);
        self.close(ids, reason)
    }

    fn close_for_user(&self, user_id: &UserId, reason: RevokeReason) -> usize {
        let ids = Registry::ids(&self.lock().by_user, user_id);
        self.close(ids, reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(session: u8, user: u8) -> Owner {
        Owner {
            session: SessionId::from_random_bytes([session; 16]),
            user: UserId::from_random_bytes([user; 16]),
            account: AccountId::from_random_bytes([1; 16]),
        }
    }

    #[tokio::test]
    async fn closing_a_session_closes_only_its_connections_once() {
        let hub = ConnectionHub::default();
        let (_a, inbox_a) = hub.register(owner(1, 1));
        let (_b, inbox_b) = hub.register(owner(2, 1));

        let first = hub.close_for_session(&owner(1, 1).session, RevokeReason::Revoked);
        let again = hub.close_for_session(&owner(1, 1).session, RevokeReason::Revoked);

        assert_eq!((first, again), (1, 0));
        assert_eq!(inbox_a.closed.await, Ok(RevokeReason::Revoked));
        assert_eq!(hub.len(), 1);
        drop(inbox_b);
    }

    #[tokio::test]
    async fn closing_a_user_closes_all_their_sessions() {
        let hub = ConnectionHub::default();
        let (_a, _inbox_a) = hub.register(owner(1, 7));
        let (_b, _inbox_b) = hub.register(owner(2, 7));
        let (_c, _inbox_c) = hub.register(owner(3, 8));

        assert_eq!(
            hub.close_for_user(&owner(0, 7).user, RevokeReason::SignedOutByOwner),
            2
        );
        assert_eq!(hub.len(), 1);
    }

    #[test]
    fn dropping_the_registration_unregisters() {
        let hub = ConnectionHub::default();
        let (registration, _inbox) = hub.register(owner(1, 1));
        assert_eq!(hub.len(), 1);
        drop(registration);
        assert_eq!(hub.len(), 0);
        assert_eq!(
            hub.close_for_session(&owner(1, 1).session, RevokeReason::Revoked),
            0
        );
    }

    #[tokio::test]
    async fn events_reach_the_session_and_the_account() {
        let hub = ConnectionHub::default();
        let (_a, mut inbox) = hub.register(owner(1, 1));

        hub.publish_to_account(&owner(1, 1).account, &LiveEvent::PolicyUpdated);
        hub.publish_to_session(&owner(1, 1).session, &LiveEvent::SessionExpired);

        assert_eq!(inbox.events.recv().await, Some(LiveEvent::PolicyUpdated));
        assert_eq!(inbox.events.recv().await, Some(LiveEvent::SessionExpired));
    }
}
