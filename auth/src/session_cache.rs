//! Sessions read by the hash of their current token, kept between requests
//! so that an authenticated request usually needs no database round trip.
//!
//! An entry is used only while the process's write count still stands
//! where it stood before the entry was read (see [`crate::db::writes::WriteCount`]):
//! any write at all, a revoke, rotation, sign-in or recorded activity among
//! them, retires every entry at once. So a revoked session is refused on its
//! very next request, as without the cache. Only a single instance can know
//! every write, so the cache is used on SQLite only; on PostgreSQL other
//! instances write too and every request asks the database.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use api::Timestamp;

use crate::secret::TokenHash;
use crate::store::sessions::StoredSession;

/// Entries kept at most; past it the cache starts again empty.
const MAX_ENTRIES: usize = 100_000;

pub(crate) struct SessionCache {
    enabled: bool,
    entries: RwLock<HashMap<TokenHash, Entry>>,
}

struct Entry {
    /// The write count when the row was read.
    read_at: u64,
    row: StoredSession,
}

impl SessionCache {
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            enabled,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The row for `hash`, if it was read since the last write (`writes`).
    pub(crate) fn get(&self, hash: &TokenHash, writes: u64) -> Option<StoredSession> {
        if !self.enabled {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(hash)
            .filter(|entry| entry.read_at == writes)
            .map(|entry| entry.row.clone())
    }

    /// Keeps `row`, read from the database when the write count was
    /// `read_at` (taken before the read began).
    pub(crate) fn put(&self, hash: &TokenHash, read_at: u64, row: &StoredSession) {
        if !self.enabled {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| entry.read_at == read_at);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            hash.clone(),
            Entry {
                read_at,
                row: row.clone(),
            },
        );
    }

    /// Records activity on a kept row until the activity writer stores it
    /// (and so retires the entry).
    pub(crate) fn touched(&self, hash: &TokenHash, last_seen_at: Timestamp) {
        if !self.enabled {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = entries.get_mut(hash) {
            let lifetime = &mut entry.row.lifetime;
            lifetime.last_seen_at = lifetime.last_seen_at.max(last_seen_at);
        }
    }
}
