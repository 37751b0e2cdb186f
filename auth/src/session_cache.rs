//! Sessions read by the hash of their current token, kept between requests
//! so that an authenticated request usually needs no database round trip.
//!
//! An entry is used only while the process's write count still stands
//! where it stood before the entry was read (see [`crate::db::writes::WriteCount`]):
//! any write at all, a revoke, rotation, sign-in or recorded activity among
//! them, retires every entry at once. So a revoked session is refused on its
//! very next request, as without the cache. On PostgreSQL the count also
//! moves with every write another instance makes, as this one hears of it,
//! and the database says when the cache may be used at all
//! ([`crate::Db::kept_read_stamp`]).

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use api::Timestamp;

use crate::secret::TokenHash;
use crate::store::sessions::StoredSession;

/// Entries kept at most; past it the cache starts again empty.
const MAX_ENTRIES: usize = 100_000;

#[derive(Default)]
pub(crate) struct SessionCache {
    entries: RwLock<HashMap<TokenHash, Entry>>,
    /// Reads answered from memory so far (for the tests of kept reads).
    #[cfg(feature = "testing")]
    served: std::sync::atomic::AtomicU64,
}

struct Entry {
    /// The write count when the row was read.
    read_at: u64,
    row: StoredSession,
}

impl SessionCache {
    /// The row for `hash`, if it was read since the last write (`writes`).
    pub(crate) fn get(&self, hash: &TokenHash, writes: u64) -> Option<StoredSession> {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let row = entries
            .get(hash)
            .filter(|entry| entry.read_at == writes)
            .map(|entry| entry.row.clone());
        #[cfg(feature = "testing")]
        if row.is_some() {
            self.served
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        row
    }

    /// How many reads were answered from memory so far.
    #[cfg(feature = "testing")]
    pub(crate) fn served(&self) -> u64 {
        self.served.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Keeps `row`, read from the database when the write count was
    /// `read_at` (taken before the read began).
    pub(crate) fn put(&self, hash: &TokenHash, read_at: u64, row: &StoredSession) {
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
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = entries.get_mut(hash) {
            let lifetime = &mut entry.row.lifetime;
            lifetime.last_seen_at = lifetime.last_seen_at.max(last_seen_at);
        }
    }
}
