//! Who each live connection belongs to, and the indexes that find
//! connections by session, API token, user, account and client address.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Arc;

use api::{AccountId, SessionId, TokenId, UserId};
use auth::{Credential, limit_key};

use super::mailbox::Mailbox;

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
    pub fn kind(&self) -> &'static str {
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

/// A registered connection as the hub and its inbox share it (one small
/// allocation): who it belongs to, and its mailbox.
pub struct Connection {
    pub owner: Owner,
    pub mailbox: Mailbox,
}

/// Every registered connection, by a number of its own, and indexed.
#[derive(Default)]
pub struct Registry {
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
    pub fn admits(&self, owner: &Owner, limits: ConnectionLimits) -> Result<(), TooMany> {
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

    pub fn insert(&mut self, connection: Arc<Connection>) -> u64 {
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

    pub fn remove(&mut self, id: u64) -> Option<Arc<Connection>> {
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

    pub fn get(&self, id: u64) -> Option<&Arc<Connection>> {
        self.entries.get(&id)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The sessions and API tokens that have open connections, each once.
    pub fn credentials(&self) -> (Vec<SessionId>, Vec<TokenId>) {
        (
            self.by_session.keys().cloned().collect(),
            self.by_token.keys().cloned().collect(),
        )
    }

    pub fn of_session(&self, session_id: &SessionId) -> Vec<u64> {
        ids_of(&self.by_session, session_id)
    }

    pub fn of_token(&self, token_id: &TokenId) -> Vec<u64> {
        ids_of(&self.by_token, token_id)
    }

    pub fn of_user(&self, user_id: &UserId) -> Vec<u64> {
        ids_of(&self.by_user, user_id)
    }

    pub fn of_account(&self, account_id: &AccountId) -> Vec<u64> {
        ids_of(&self.by_account, account_id)
    }

    /// The connections following the account's security log that may read
    /// an entry done by or to `about`.
    pub fn log_readers_of(&self, account_id: &AccountId, about: &[UserId]) -> Vec<u64> {
        let may_read = |id: &u64| {
            self.entries
                .get(id)
                .is_some_and(|entry| match entry.owner.log {
                    Some(LogView::Account) => true,
                    Some(LogView::Own) => about.contains(&entry.owner.user),
                    None => false,
                })
        };
        ids_of(&self.log_readers, account_id)
            .into_iter()
            .filter(may_read)
            .collect()
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
