//! The connection hub: every live connection (event stream, RPC WebSocket)
//! registered under its session or API token, its user and its account.
//! Closing removes the entry and fires its close signal; the connection's
//! loop then sends its last word and ends. Dropping a [`Registration`]
//! unregisters it.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use api::{AccountId, LiveEvent, RevokeReason, SessionId, TokenId, UserId};
use auth::{ConnectionCloser, Credential};
use tokio::sync::{mpsc, oneshot};

/// Notices a connection may fall behind by; one more closes it, for the
/// client to reconnect and start from the current state (rather than miss
/// an event unknowingly).
const EVENT_BUFFER: usize = 16;

/// Why a connection is closed by the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    /// Its session was ended.
    Session(RevokeReason),
    /// Its session reached its end.
    Expired,
    /// Its API token was revoked.
    Token,
    /// It fell too far behind on its notices; the client reconnects.
    Behind,
}

/// What a registered connection is told. An event is shared, not copied,
/// between the connections it goes to, and each inbox's buffer holds a
/// pointer per slot: an idle connection's inbox is most of what it costs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Pass this event on to the client.
    Event(Arc<LiveEvent>),
    /// Re-check the credential: a token of its session is being retired.
    Recheck,
}

/// Who a connection belongs to.
#[derive(Clone, Debug)]
pub struct Owner {
    pub credential: Credential,
    pub user: UserId,
    pub account: AccountId,
    /// The client's address, when known.
    pub address: Option<IpAddr>,
    /// Whether it is told of new security log entries, and of which.
    pub log: Option<LogView>,
}

/// Which new security log entries a connection is told of: what its user
/// may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogView {
    /// Every entry of the account (an owner).
    Account,
    /// Entries done by or to its user (a member).
    Own,
}

/// How many connections one credential and one client address may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub per_credential: usize,
    pub per_address: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            per_credential: 32,
            per_address: 1024,
        }
    }
}

/// Why a connection was not registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TooMany {
    #[error("this session or token has too many live connections open")]
    ForCredential,
    #[error("this address has too many live connections open")]
    ForAddress,
}

/// What a registered connection listens to.
pub struct Inbox {
    /// Events to pass on and requests to re-check.
    pub events: mpsc::Receiver<Notice>,
    /// Fires (or is dropped) when the connection must close.
    pub closed: oneshot::Receiver<Closed>,
}

struct Entry {
    owner: Owner,
    events: mpsc::Sender<Notice>,
    close: oneshot::Sender<Closed>,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    entries: HashMap<u64, Entry>,
    by_session: HashMap<SessionId, HashSet<u64>>,
    by_token: HashMap<TokenId, HashSet<u64>>,
    by_user: HashMap<UserId, HashSet<u64>>,
    by_account: HashMap<AccountId, HashSet<u64>>,
    /// The connections that follow their account's security log.
    log_readers: HashMap<AccountId, HashSet<u64>>,
    by_address: HashMap<IpAddr, HashSet<u64>>,
}

impl Registry {
    /// Whether `owner` may open one more connection.
    fn admits(&self, owner: &Owner, limits: ConnectionLimits) -> Result<(), TooMany> {
        let of_credential = match &owner.credential {
            Credential::Session { session_id, .. } => count(&self.by_session, session_id),
            Credential::ApiToken { token_id, .. } => count(&self.by_token, token_id),
        };
        if of_credential >= limits.per_credential {
            return Err(TooMany::ForCredential);
        }
        if owner
            .address
            .is_some_and(|address| count(&self.by_address, &address) >= limits.per_address)
        {
            return Err(TooMany::ForAddress);
        }
        Ok(())
    }

    fn insert(&mut self, entry: Entry) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        match &entry.owner.credential {
            Credential::Session { session_id, .. } => index(&mut self.by_session, session_id, id),
            Credential::ApiToken { token_id, .. } => index(&mut self.by_token, token_id, id),
        }
        index(&mut self.by_user, &entry.owner.user, id);
        index(&mut self.by_account, &entry.owner.account, id);
        if entry.owner.log.is_some() {
            index(&mut self.log_readers, &entry.owner.account, id);
        }
        if let Some(address) = &entry.owner.address {
            index(&mut self.by_address, address, id);
        }
        self.entries.insert(id, entry);
        id
    }

    fn remove(&mut self, id: u64) -> Option<Entry> {
        let entry = self.entries.remove(&id)?;
        match &entry.owner.credential {
            Credential::Session { session_id, .. } => unindex(&mut self.by_session, session_id, id),
            Credential::ApiToken { token_id, .. } => unindex(&mut self.by_token, token_id, id),
        }
        unindex(&mut self.by_user, &entry.owner.user, id);
        unindex(&mut self.by_account, &entry.owner.account, id);
        unindex(&mut self.log_readers, &entry.owner.account, id);
        if let Some(address) = &entry.owner.address {
            unindex(&mut self.by_address, address, id);
        }
        Some(entry)
    }
}

fn index<K: Eq + Hash + Clone>(index: &mut HashMap<K, HashSet<u64>>, key: &K, id: u64) {
    index.entry(key.clone()).or_default().insert(id);
}

fn unindex<K: Eq + Hash>(index: &mut HashMap<K, HashSet<u64>>, key: &K, id: u64) {
    if let Some(ids) = index.get_mut(key) {
        ids.remove(&id);
        if ids.is_empty() {
            index.remove(key);
        }
    }
}

fn count<K: Eq + Hash>(index: &HashMap<K, HashSet<u64>>, key: &K) -> usize {
    index.get(key).map_or(0, HashSet::len)
}

fn ids_of<K: Eq + Hash>(index: &HashMap<K, HashSet<u64>>, key: &K) -> Vec<u64> {
    index
        .get(key)
        .map(|ids| ids.iter().copied().collect())
        .unwrap_or_default()
}

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
        let (events_tx, events) = mpsc::channel(EVENT_BUFFER);
        let (close, closed) = oneshot::channel();
        let credential = match owner.credential {
            Credential::Session { .. } => "session",
            Credential::ApiToken { .. } => "api_token",
        };
        let id = {
            let mut registry = self.lock();
            registry.admits(&owner, self.limits)?;
            registry.insert(Entry {
                owner,
                events: events_tx,
                close,
            })
        };
        crate::metrics::live_connections(credential, 1.0);
        Ok((
            Registration {
                hub: self.clone(),
                id,
                credential,
            },
            Inbox { events, closed },
        ))
    }

    /// How many connections are open.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// The sessions and API tokens that have open connections, each once.
    pub fn credentials(&self) -> (Vec<SessionId>, Vec<TokenId>) {
        let registry = self.lock();
        (
            registry.by_session.keys().cloned().collect(),
            registry.by_token.keys().cloned().collect(),
        )
    }

    /// Closes every connection of a session that has reached its end.
    pub fn close_expired(&self, session_id: &SessionId) -> usize {
        self.close(|r| ids_of(&r.by_session, session_id), Closed::Expired)
    }

    /// Sends `notice` to the picked connections. One whose inbox is full
    /// is closed instead: it would otherwise miss this notice unknowingly.
    fn publish(&self, pick: impl FnOnce(&Registry) -> Vec<u64>, notice: &Notice) {
        let mut registry = self.lock();
        for id in pick(&registry) {
            let Some(entry) = registry.entries.get(&id) else {
                continue;
            };
            if let Err(mpsc::error::TrySendError::Full(_)) = entry.events.try_send(notice.clone())
                && let Some(entry) = registry.remove(id)
            {
                tracing::debug!(connection = id, "a live connection fell behind; closed it");
                let _ = entry.close.send(Closed::Behind);
            }
        }
    }

    fn close(&self, pick: impl FnOnce(&Registry) -> Vec<u64>, why: Closed) -> usize {
        let mut registry = self.lock();
        let mut closed = 0;
        for id in pick(&registry) {
            if let Some(entry) = registry.remove(id) {
                // The receiver may be gone already; it is closed either way.
                let _ = entry.close.send(why);
                closed += 1;
            }
        }
        closed
    }
}

impl ConnectionCloser for ConnectionHub {
    fn close_for_session(&self, session_id: &SessionId, reason: RevokeReason) -> usize {
        self.close(
            |r| ids_of(&r.by_session, session_id),
            Closed::Session(reason),
        )
    }

    fn close_for_token(&self, token_id: &TokenId) -> usize {
        self.close(|r| ids_of(&r.by_token, token_id), Closed::Token)
    }

    fn close_for_user(&self, user_id: &UserId, reason: RevokeReason) -> usize {
        self.close(|r| ids_of(&r.by_user, user_id), Closed::Session(reason))
    }

    fn recheck_session(&self, session_id: &SessionId) {
        self.publish(|r| ids_of(&r.by_session, session_id), &Notice::Recheck);
    }

    fn notify_session(&self, session_id: &SessionId, event: &LiveEvent) {
        self.publish(
            |r| ids_of(&r.by_session, session_id),
            &Notice::Event(Arc::new(event.clone())),
        );
    }

    fn notify_user(&self, user_id: &UserId, event: &LiveEvent) {
        self.publish(
            |r| ids_of(&r.by_user, user_id),
            &Notice::Event(Arc::new(event.clone())),
        );
    }

    fn notify_account(&self, account_id: &AccountId, event: &LiveEvent) {
        self.publish(
            |r| ids_of(&r.by_account, account_id),
            &Notice::Event(Arc::new(event.clone())),
        );
    }

    fn audit_recorded(&self, account_id: &AccountId, about: &[UserId]) {
        self.publish(
            |r| {
                let may_read = |id: &u64| {
                    r.entries
                        .get(id)
                        .is_some_and(|entry| match entry.owner.log {
                            Some(LogView::Account) => true,
                            Some(LogView::Own) => about.contains(&entry.owner.user),
                            None => false,
                        })
                };
                ids_of(&r.log_readers, account_id)
                    .into_iter()
                    .filter(may_read)
                    .collect()
            },
            &Notice::Event(Arc::new(LiveEvent::AuditRecorded)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::{Timestamp, TokenScope};
    use auth::{Deadlines, SessionToken};

    fn session(n: u8) -> SessionId {
        SessionId::from_random_bytes([n; 16])
    }

    fn by_session(session_n: u8, user_n: u8) -> Owner {
        let far = Timestamp::from_millis(i64::MAX);
        Owner {
            credential: Credential::Session {
                session_id: session(session_n),
                deadlines: Deadlines {
                    idle_ends_at: far,
                    absolute_ends_at: far,
                },
                token: SessionToken::from_cookie_value(&"a".repeat(43))
                    .unwrap()
                    .hash(),
                method: api::SignInMethod::Password,
            },
            user: UserId::from_random_bytes([user_n; 16]),
            account: AccountId::from_random_bytes([1; 16]),
            address: Some(IpAddr::from([127, 0, 0, 1])),
            log: None,
        }
    }

    fn by_token(token_n: u8, user_n: u8) -> Owner {
        Owner {
            credential: Credential::ApiToken {
                token_id: TokenId::from_random_bytes([token_n; 16]),
                scope: TokenScope::Full,
            },
            ..by_session(0, user_n)
        }
    }

    #[test]
    fn an_inbox_slot_holds_a_pointer_not_a_copy_of_the_event() {
        // Every connection's inbox allocates its slots when it opens, so
        // this is paid by each idle connection.
        assert_eq!(
            std::mem::size_of::<Notice>(),
            std::mem::size_of::<Arc<LiveEvent>>()
        );
    }

    #[tokio::test]
    async fn closing_a_session_closes_only_its_connections_once() {
        let hub = ConnectionHub::default();
        let (_a, inbox_a) = hub.register(by_session(1, 1)).unwrap();
        let (_b, _inbox_b) = hub.register(by_session(2, 1)).unwrap();

        let first = hub.close_for_session(&session(1), RevokeReason::Revoked);
        let again = hub.close_for_session(&session(1), RevokeReason::Revoked);

        assert_eq!((first, again), (1, 0));
        assert_eq!(
            inbox_a.closed.await,
            Ok(Closed::Session(RevokeReason::Revoked))
        );
        assert_eq!(hub.len(), 1);
    }

    #[tokio::test]
    async fn closing_a_token_closes_only_connections_made_with_it() {
        let hub = ConnectionHub::default();
        let (_a, inbox) = hub.register(by_token(5, 1)).unwrap();
        let (_b, _other) = hub.register(by_session(1, 1)).unwrap();

        assert_eq!(hub.close_for_token(&TokenId::from_random_bytes([5; 16])), 1);
        assert_eq!(hub.close_for_token(&TokenId::from_random_bytes([5; 16])), 0);
        assert_eq!(inbox.closed.await, Ok(Closed::Token));
        assert_eq!(hub.len(), 1);
    }

    #[tokio::test]
    async fn closing_a_user_closes_all_their_connections() {
        let hub = ConnectionHub::default();
        let (_a, _inbox_a) = hub.register(by_session(1, 7)).unwrap();
        let (_b, _inbox_b) = hub.register(by_token(2, 7)).unwrap();
        let (_c, _inbox_c) = hub.register(by_session(3, 8)).unwrap();

        let closed = hub.close_for_user(
            &UserId::from_random_bytes([7; 16]),
            RevokeReason::SignedOutByOwner,
        );

        assert_eq!(closed, 2);
        assert_eq!(hub.len(), 1);
    }

    #[test]
    fn dropping_the_registration_unregisters() {
        let hub = ConnectionHub::default();
        let (registration, _inbox) = hub.register(by_session(1, 1)).unwrap();
        assert_eq!(hub.len(), 1);
        drop(registration);
        assert_eq!(hub.len(), 0);
        assert_eq!(hub.close_for_session(&session(1), RevokeReason::Revoked), 0);
    }

    #[tokio::test]
    async fn events_reach_the_session_and_the_account() {
        let hub = ConnectionHub::default();
        let (_a, mut inbox) = hub.register(by_session(1, 1)).unwrap();

        hub.notify_account(
            &AccountId::from_random_bytes([1; 16]),
            &LiveEvent::PolicyUpdated,
        );
        hub.notify_session(&session(1), &LiveEvent::SessionExpired);
        hub.notify_session(&session(2), &LiveEvent::PolicyUpdated);

        assert_eq!(
            inbox.events.recv().await,
            Some(Notice::Event(Arc::new(LiveEvent::PolicyUpdated)))
        );
        assert_eq!(
            inbox.events.recv().await,
            Some(Notice::Event(Arc::new(LiveEvent::SessionExpired)))
        );
        assert!(inbox.events.try_recv().is_err());
    }

    #[tokio::test]
    async fn a_connection_that_falls_behind_is_closed_not_left_missing_events() {
        let hub = ConnectionHub::default();
        let (_slow, slow) = hub.register(by_session(1, 1)).unwrap();
        let (_other, mut other) = hub.register(by_session(2, 1)).unwrap();

        for _ in 0..EVENT_BUFFER {
            hub.notify_session(&session(1), &LiveEvent::PolicyUpdated);
        }
        assert_eq!(hub.len(), 2, "a full inbox is not behind yet");
        hub.notify_account(
            &AccountId::from_random_bytes([1; 16]),
            &LiveEvent::PolicyUpdated,
        );

        assert_eq!(slow.closed.await, Ok(Closed::Behind));
        assert_eq!(hub.len(), 1);
        assert_eq!(
            other.events.recv().await,
            Some(Notice::Event(Arc::new(LiveEvent::PolicyUpdated)))
        );
    }

    #[tokio::test]
    async fn a_recheck_reaches_only_the_sessions_connections() {
        let hub = ConnectionHub::default();
        let (_a, mut mine) = hub.register(by_session(1, 1)).unwrap();
        let (_b, mut theirs) = hub.register(by_session(2, 1)).unwrap();

        hub.recheck_session(&session(1));

        assert_eq!(mine.events.recv().await, Some(Notice::Recheck));
        assert!(theirs.events.try_recv().is_err());
    }

    #[test]
    fn a_credential_past_its_limit_is_refused_and_may_open_again_once_one_closes() {
        let hub = ConnectionHub::new(ConnectionLimits {
            per_credential: 2,
            per_address: 100,
        });
        let (first, _a) = hub.register(by_session(1, 1)).unwrap();
        let (_second, _b) = hub.register(by_session(1, 1)).unwrap();

        assert_eq!(
            hub.register(by_session(1, 1)).err(),
            Some(TooMany::ForCredential)
        );
        assert!(hub.register(by_session(2, 1)).is_ok(), "another session");
        drop(first);
        assert!(hub.register(by_session(1, 1)).is_ok());
    }

    #[test]
    fn an_address_past_its_limit_is_refused_whatever_the_credential() {
        let hub = ConnectionHub::new(ConnectionLimits {
            per_credential: 100,
            per_address: 2,
        });
        let _a = hub.register(by_session(1, 1)).unwrap();
        let _b = hub.register(by_token(2, 1)).unwrap();

        assert_eq!(
            hub.register(by_session(3, 2)).err(),
            Some(TooMany::ForAddress)
        );
        let elsewhere = Owner {
            address: Some(IpAddr::from([10, 0, 0, 9])),
            ..by_session(3, 2)
        };
        assert!(hub.register(elsewhere).is_ok());
    }
}
