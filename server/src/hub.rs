//! The connection hub: every live connection (event stream, RPC WebSocket)
//! registered under its session or API token, its user and its account.
//! Closing removes the entry and fires its close signal; the connection's
//! loop then sends its last word and ends. Dropping a [`Registration`]
//! unregisters it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use api::{AccountId, LiveEvent, RevokeReason, SessionId, TokenId, UserId};
use auth::{ConnectionCloser, Credential, limit_key};
use tokio::sync::Notify;

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
/// between the connections it goes to.
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
    pub credential: CredentialKey,
    pub user: UserId,
    pub account: AccountId,
    /// The client's address, when known. It counts toward the limit of
    /// its /64 network when it is IPv6 (see [`auth::limit_key`]).
    pub address: Option<IpAddr>,
    /// Whether it is told of new security log entries, and of which.
    pub log: Option<LogView>,
}

/// The credential a connection was opened with, as the hub finds it: by
/// its session or its API token. (What the connection checks against, the
/// token of its session and all, the connection keeps itself.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialKey {
    Session(SessionId),
    Token(TokenId),
}

impl CredentialKey {
    /// The credential's kind, for the metrics.
    fn kind(&self) -> &'static str {
        match self {
            CredentialKey::Session(_) => "session",
            CredentialKey::Token(_) => "api_token",
        }
    }
}

impl From<&Credential> for CredentialKey {
    fn from(credential: &Credential) -> Self {
        match credential {
            Credential::Session { session_id, .. } => CredentialKey::Session(session_id.clone()),
            Credential::ApiToken { token_id, .. } => CredentialKey::Token(token_id.clone()),
        }
    }
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

/// How many connections one credential and one client address (an IPv6
/// client: its /64 network) may hold.
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

/// What a registered connection listens to: the notices it has not taken
/// yet (at most `EVENT_BUFFER`) and, once it must close, why. It shares one
/// small allocation with the hub's record of the connection, and takes
/// nothing more while no notice waits: a channel would allocate a block of
/// slots and cache-padded counters when it opens, most of what an idle
/// connection costs.
pub struct Inbox {
    connection: Arc<Connection>,
}

/// What an inbox gives its connection next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// The connection must close. Once told, it is told again on every call.
    Closed(Closed),
    Notice(Notice),
}

/// A registered connection as the hub and its inbox share it: who it
/// belongs to, and its mailbox.
struct Connection {
    owner: Owner,
    mailbox: Mailbox,
}

#[derive(Default)]
struct Mailbox {
    state: Mutex<MailboxState>,
    /// Wakes the connection after a notice or the close was put in.
    wake: Notify,
}

#[derive(Default)]
struct MailboxState {
    notices: VecDeque<Notice>,
    closed: Option<Closed>,
}

/// A full inbox: its connection fell behind.
struct Full;

impl Mailbox {
    fn state(&self) -> MutexGuard<'_, MailboxState> {
        // Each change to the state is one assignment or push: a panic
        // elsewhere cannot leave it half done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn put(&self, notice: Notice) -> Result<(), Full> {
        let mut state = self.state();
        if state.notices.len() >= EVENT_BUFFER {
            return Err(Full);
        }
        state.notices.push_back(notice);
        drop(state);
        self.wake.notify_one();
        Ok(())
    }

    fn close(&self, why: Closed) {
        self.state().closed.get_or_insert(why);
        self.wake.notify_one();
    }

    /// The close if there is one, else the oldest notice.
    fn take(&self) -> Option<Received> {
        let mut state = self.state();
        match state.closed {
            Some(why) => Some(Received::Closed(why)),
            None => state.notices.pop_front().map(Received::Notice),
        }
    }
}

impl Inbox {
    /// Waits for the close or the next notice; the close comes first.
    /// Cancel-safe: nothing is taken until it is returned.
    pub async fn next(&self) -> Received {
        loop {
            // One waiting connection per inbox, and `notify_one` keeps a
            // wake-up sent before this waits: none is lost.
            let mailbox = &self.connection.mailbox;
            if let Some(received) = mailbox.take() {
                return received;
            }
            mailbox.wake.notified().await;
        }
    }

    /// What `next` would return now, without waiting.
    #[cfg(test)]
    fn try_next(&self) -> Option<Received> {
        self.connection.mailbox.take()
    }
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    entries: HashMap<u64, Arc<Connection>>,
    by_session: HashMap<SessionId, HashSet<u64>>,
    by_token: HashMap<TokenId, HashSet<u64>>,
    by_user: HashMap<UserId, HashSet<u64>>,
    by_account: HashMap<AccountId, HashSet<u64>>,
    /// The connections that follow their account's security log.
    log_readers: HashMap<AccountId, HashSet<u64>>,
    /// By the key the address is limited by: an IPv6 client's /64.
    by_address: HashMap<IpAddr, HashSet<u64>>,
}

impl Registry {
    /// Whether `owner` may open one more connection.
    fn admits(&self, owner: &Owner, limits: ConnectionLimits) -> Result<(), TooMany> {
        let of_credential = match &owner.credential {
            CredentialKey::Session(session_id) => count(&self.by_session, session_id),
            CredentialKey::Token(token_id) => count(&self.by_token, token_id),
        };
        if of_credential >= limits.per_credential {
            return Err(TooMany::ForCredential);
        }
        if owner.address.is_some_and(|address| {
            count(&self.by_address, &limit_key(address)) >= limits.per_address
        }) {
            return Err(TooMany::ForAddress);
        }
        Ok(())
    }

    fn insert(&mut self, connection: Arc<Connection>) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        let owner = &connection.owner;
        match &owner.credential {
            CredentialKey::Session(session_id) => index(&mut self.by_session, session_id, id),
            CredentialKey::Token(token_id) => index(&mut self.by_token, token_id, id),
        }
        index(&mut self.by_user, &owner.user, id);
        index(&mut self.by_account, &owner.account, id);
        if owner.log.is_some() {
            index(&mut self.log_readers, &owner.account, id);
        }
        if let Some(address) = owner.address {
            index(&mut self.by_address, &limit_key(address), id);
        }
        self.entries.insert(id, connection);
        id
    }

    fn remove(&mut self, id: u64) -> Option<Arc<Connection>> {
        let connection = self.entries.remove(&id)?;
        let owner = &connection.owner;
        match &owner.credential {
            CredentialKey::Session(session_id) => unindex(&mut self.by_session, session_id, id),
            CredentialKey::Token(token_id) => unindex(&mut self.by_token, token_id, id),
        }
        unindex(&mut self.by_user, &owner.user, id);
        unindex(&mut self.by_account, &owner.account, id);
        unindex(&mut self.log_readers, &owner.account, id);
        if let Some(address) = owner.address {
            unindex(&mut self.by_address, &limit_key(address), id);
        }
        Some(connection)
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
            if let Err(Full) = entry.mailbox.put(notice.clone())
                && let Some(entry) = registry.remove(id)
            {
                tracing::debug!(connection = id, "a live connection fell behind; closed it");
                entry.mailbox.close(Closed::Behind);
            }
        }
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

    fn session(n: u8) -> SessionId {
        SessionId::from_random_bytes([n; 16])
    }

    fn by_session(session_n: u8, user_n: u8) -> Owner {
        Owner {
            credential: CredentialKey::Session(session(session_n)),
            user: UserId::from_random_bytes([user_n; 16]),
            account: AccountId::from_random_bytes([1; 16]),
            address: Some(IpAddr::from([127, 0, 0, 1])),
            log: None,
        }
    }

    fn by_token(token_n: u8, user_n: u8) -> Owner {
        Owner {
            credential: CredentialKey::Token(TokenId::from_random_bytes([token_n; 16])),
            ..by_session(0, user_n)
        }
    }

    #[test]
    fn a_waiting_notice_is_a_pointer_not_a_copy_of_the_event() {
        // The same event goes to every connection it is for.
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
            inbox_a.next().await,
            Received::Closed(Closed::Session(RevokeReason::Revoked))
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
        assert_eq!(inbox.next().await, Received::Closed(Closed::Token));
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
        let (_a, inbox) = hub.register(by_session(1, 1)).unwrap();

        hub.notify_account(
            &AccountId::from_random_bytes([1; 16]),
            &LiveEvent::PolicyUpdated,
        );
        hub.notify_session(&session(1), &LiveEvent::SessionExpired);
        hub.notify_session(&session(2), &LiveEvent::PolicyUpdated);

        assert_eq!(
            inbox.next().await,
            Received::Notice(Notice::Event(Arc::new(LiveEvent::PolicyUpdated)))
        );
        assert_eq!(
            inbox.next().await,
            Received::Notice(Notice::Event(Arc::new(LiveEvent::SessionExpired)))
        );
        assert_eq!(inbox.try_next(), None);
    }

    #[tokio::test]
    async fn the_close_comes_before_waiting_notices_and_stays() {
        let hub = ConnectionHub::default();
        let (_a, inbox) = hub.register(by_session(1, 1)).unwrap();

        hub.notify_session(&session(1), &LiveEvent::PolicyUpdated);
        hub.close_expired(&session(1));

        assert_eq!(inbox.next().await, Received::Closed(Closed::Expired));
        assert_eq!(inbox.try_next(), Some(Received::Closed(Closed::Expired)));
    }

    #[tokio::test]
    async fn a_waiting_connection_is_woken_by_a_notice() {
        let hub = ConnectionHub::default();
        let (_a, inbox) = hub.register(by_session(1, 1)).unwrap();

        let (received, ()) = tokio::join!(inbox.next(), async {
            tokio::task::yield_now().await;
            hub.notify_session(&session(1), &LiveEvent::SessionExpired);
        });

        assert_eq!(
            received,
            Received::Notice(Notice::Event(Arc::new(LiveEvent::SessionExpired)))
        );
    }

    #[tokio::test]
    async fn a_connection_that_falls_behind_is_closed_not_left_missing_events() {
        let hub = ConnectionHub::default();
        let (_slow, slow) = hub.register(by_session(1, 1)).unwrap();
        let (_other, other) = hub.register(by_session(2, 1)).unwrap();

        for _ in 0..EVENT_BUFFER {
            hub.notify_session(&session(1), &LiveEvent::PolicyUpdated);
        }
        assert_eq!(hub.len(), 2, "a full inbox is not behind yet");
        hub.notify_account(
            &AccountId::from_random_bytes([1; 16]),
            &LiveEvent::PolicyUpdated,
        );

        assert_eq!(slow.next().await, Received::Closed(Closed::Behind));
        assert_eq!(hub.len(), 1);
        assert_eq!(
            other.next().await,
            Received::Notice(Notice::Event(Arc::new(LiveEvent::PolicyUpdated)))
        );
    }

    #[tokio::test]
    async fn a_recheck_reaches_only_the_sessions_connections() {
        let hub = ConnectionHub::default();
        let (_a, mine) = hub.register(by_session(1, 1)).unwrap();
        let (_b, theirs) = hub.register(by_session(2, 1)).unwrap();

        hub.recheck_session(&session(1));

        assert_eq!(mine.next().await, Received::Notice(Notice::Recheck));
        assert_eq!(theirs.try_next(), None);
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

    #[test]
    fn ipv6_addresses_share_the_address_limit_of_their_64_network() {
        let hub = ConnectionHub::new(ConnectionLimits {
            per_credential: 100,
            per_address: 2,
        });
        let from = |n: u8, address: &str| Owner {
            address: Some(address.parse().unwrap()),
            ..by_session(n, n)
        };
        let (first, _a) = hub.register(from(1, "2001:db8:1:2::1")).unwrap();
        let _b = hub
            .register(from(2, "2001:db8:1:2:ffff:ffff:ffff:ffff"))
            .unwrap();

        assert_eq!(
            hub.register(from(3, "2001:db8:1:2:aaaa::3")).err(),
            Some(TooMany::ForAddress),
            "the same /64"
        );
        assert!(
            hub.register(from(4, "2001:db8:1:3::1")).is_ok(),
            "another /64"
        );
        drop(first);
        assert!(hub.register(from(5, "2001:db8:1:2::5")).is_ok());
    }

    #[test]
    fn ipv4_addresses_keep_a_limit_each_and_a_mapped_one_counts_as_itself() {
        let hub = ConnectionHub::new(ConnectionLimits {
            per_credential: 100,
            per_address: 1,
        });
        let from = |n: u8, address: &str| Owner {
            address: Some(address.parse().unwrap()),
            ..by_session(n, n)
        };
        let _a = hub.register(from(1, "203.0.113.7")).unwrap();

        assert!(
            hub.register(from(2, "203.0.113.8")).is_ok(),
            "its neighbour"
        );
        assert_eq!(
            hub.register(from(3, "::ffff:203.0.113.7")).err(),
            Some(TooMany::ForAddress)
        );
    }
}
