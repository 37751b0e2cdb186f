//! Kept session reads across instances (PostgreSQL): every instance keeps
//! the sessions it read in memory, and none of them ever answers a request
//! with a session that was revoked before the request began.
//!
//! # How
//!
//! Every write transaction says `w <me> <n>` on one channel inside itself
//! (`pg_notify`), so the notice is heard exactly when the write committed,
//! and PostgreSQL delivers notices to each listener in commit order. Every
//! instance listens on a connection of its own. Hearing another's write, an
//! instance drops every read it kept (it moves its write count, which
//! retires them all) and then acknowledges it. The writer's `commit`
//! returns once it has heard its own notice come back and every instance it
//! has heard a heartbeat from in the last two leases has acknowledged the
//! write, or else once a lease has passed since the commit.
//!
//! An instance uses what it kept only while it is *fresh*: it says a
//! heartbeat `h <me> <n>` every few milliseconds while requests want kept
//! reads, and it is fresh for one lease from the moment it *sent* the last
//! heartbeat it has since heard come back. Losing the listening connection
//! makes it stale; a new listening connection first drops everything kept.
//!
//! # Why no instance serves a session revoked before the request began
//!
//! Let A commit a revoke at time `c` and return from `commit` at `r ≥ c`,
//! and let B check a kept read for a request that began after `r`, at a
//! time `x > r`. B uses the read only if it is fresh at `x`: it heard a
//! heartbeat of its own sent at some `s > x − lease`. The read was kept
//! before the revoke, so B has not heard A's notice, or the read would have
//! been dropped (the write count is read after freshness is checked, and
//! moved before a later heartbeat is taken in). Two cases, by how A
//! returned:
//!
//! - A waited a lease: `r ≥ c + lease`, so `s > x − lease > c`. The
//!   heartbeat was sent after the revoke committed, so it committed after
//!   it and B heard the revoke's notice before the heartbeat, in commit
//!   order. Contradiction.
//! - A heard its own notice back and every instance it had heard a
//!   heartbeat from within two leases acknowledged. B never acknowledged
//!   (an acknowledgement is sent after the drop), so A had not heard from B
//!   within two leases of `r`. If B's heartbeat committed after the
//!   revoke, B heard the revoke first, as above. If it committed before, A
//!   heard it before its own notice, so before `r`, and after it was sent,
//!   at `s > x − lease > r − lease`: within two leases of `r`.
//!   Contradiction.
//!
//! Only times on one machine's monotonic clock are compared with each
//! other, and a process stopped (SIGSTOP) keeps its monotonic clock
//! running, so it comes back stale. A write that fails or whose
//! transaction is rolled back says nothing, and none is needed.

mod link;
mod wire;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, mpsc};
use tokio::task::AbortHandle;

use super::writes::WriteCount;
use wire::Said;

/// The channel instances say their writes, heartbeats and
/// acknowledgements on.
pub(super) const CHANNEL: &str = "latchkey_kept_reads";

/// How long a heartbeat heard back keeps an instance fresh, and how long a
/// write waits at most for the acknowledgements.
pub(crate) const LEASE: Duration = Duration::from_millis(50);

/// How often an instance says a heartbeat while requests want kept reads.
const HEARTBEAT: Duration = Duration::from_millis(10);

/// This instance among the others on one PostgreSQL database.
pub(crate) struct Peers {
    me: String,
    started: Instant,
    writes: WriteCount,
    next_write: AtomicU64,
    /// Until when kept reads may be used, in nanoseconds since `started`.
    fresh_until: AtomicU64,
    /// Whether a request wanted kept reads since the last heartbeat.
    wanted: AtomicBool,
    state: Mutex<State>,
    /// Woken whenever a write's notice comes back or is acknowledged.
    progress: Notify,
    outgoing: mpsc::UnboundedSender<Said>,
    tasks: Mutex<Vec<AbortHandle>>,
    #[cfg(feature = "testing")]
    pub(crate) faults: Faults,
}

impl std::fmt::Debug for Peers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Peers")
            .field("me", &self.me)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct State {
    /// Heartbeats said and not heard back yet, by number: when each was sent.
    beats: HashMap<u64, Instant>,
    next_beat: u64,
    /// The other instances, by when their last heartbeat was heard.
    others: HashMap<String, Instant>,
    /// This instance's writes waiting to be confirmed.
    waiting: HashMap<u64, Waiting>,
}

#[derive(Default)]
struct Waiting {
    /// Its notice came back.
    echoed: bool,
    acked_by: HashSet<String>,
}

/// Faults the tests of the argument above inject.
#[cfg(feature = "testing")]
#[derive(Default)]
pub(crate) struct Faults {
    /// Acknowledgements are never said.
    pub drop_acks: AtomicBool,
    /// The listening connection stops taking what it hears in.
    pub hold_listener: AtomicBool,
}

impl Peers {
    /// Joins the instances on the database at `url`: starts listening and
    /// saying heartbeats and acknowledgements, each on a connection of its
    /// own, for as long as the process runs (or until `leave`).
    pub(super) fn join(url: &str, writes: WriteCount) -> std::sync::Arc<Self> {
        let (outgoing, to_say) = mpsc::unbounded_channel();
        let peers = std::sync::Arc::new(Self {
            me: name_of_this_instance(),
            started: Instant::now(),
            writes,
            next_write: AtomicU64::new(0),
            fresh_until: AtomicU64::new(0),
            wanted: AtomicBool::new(false),
            state: Mutex::new(State::default()),
            progress: Notify::new(),
            outgoing,
            tasks: Mutex::new(Vec::new()),
            #[cfg(feature = "testing")]
            faults: Faults::default(),
        });
        let listening = tokio::spawn(link::listen(peers.clone(), url.to_owned()));
        let saying = tokio::spawn(link::say(peers.clone(), url.to_owned(), to_say));
        peers
            .lock_tasks()
            .extend([listening.abort_handle(), saying.abort_handle()]);
        peers
    }

    /// Stops listening and saying.
    pub(super) fn leave(&self) {
        for task in self.lock_tasks().drain(..) {
            task.abort();
        }
        self.stale();
    }

    /// Whether kept reads may be used now; asks for heartbeats either way.
    pub(super) fn fresh(&self) -> bool {
        self.wanted.store(true, Ordering::Relaxed);
        self.nanos_now() < self.fresh_until.load(Ordering::Acquire)
    }

    fn stale(&self) {
        self.fresh_until.store(0, Ordering::Release);
    }

    fn nanos_now(&self) -> u64 {
        self.nanos_at(Instant::now())
    }

    fn nanos_at(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.started).as_nanos()).unwrap_or(u64::MAX)
    }

    /// A write about to commit: its notice, and what confirms it.
    pub(super) fn announce(&self) -> Announced<'_> {
        let write = self.next_write.fetch_add(1, Ordering::Relaxed);
        self.lock_state().waiting.insert(write, Waiting::default());
        Announced { peers: self, write }
    }

    /// Takes in what was heard on the channel, in the order it was said.
    fn heard(&self, said: Said) {
        let now = Instant::now();
        match said {
            Said::Wrote { from, write } if from == self.me => {
                if let Some(waiting) = self.lock_state().waiting.get_mut(&write) {
                    waiting.echoed = true;
                }
                self.progress.notify_waiters();
            }
            Said::Wrote { from, write } => {
                // Dropped before acknowledged, and before any later
                // heartbeat of ours can make us fresh again.
                self.writes.advance();
                self.say(Said::Acked {
                    from: self.me.clone(),
                    to: from,
                    writes: vec![write],
                });
            }
            Said::Beat { from, beat } if from == self.me => {
                let mut state = self.lock_state();
                if let Some(sent) = state.beats.remove(&beat) {
                    let until = self.nanos_at(sent + LEASE);
                    self.fresh_until.fetch_max(until, Ordering::AcqRel);
                }
                // Heartbeats lost with a connection are never heard back.
                state
                    .beats
                    .retain(|_, sent| now.saturating_duration_since(*sent) < LEASE);
            }
            Said::Beat { from, .. } => {
                self.lock_state().others.insert(from, now);
            }
            Said::Acked { from, to, writes } if to == self.me => {
                let mut state = self.lock_state();
                for write in writes {
                    if let Some(waiting) = state.waiting.get_mut(&write) {
                        waiting.acked_by.insert(from.clone());
                    }
                }
                drop(state);
                self.progress.notify_waiters();
            }
            Said::Acked { .. } => {}
        }
    }

    /// A heartbeat to say now, if requests wanted kept reads since the
    /// last one; when it is sent counts.
    fn next_beat(&self) -> Option<Said> {
        if !self.wanted.swap(false, Ordering::Relaxed) {
            return None;
        }
        let mut state = self.lock_state();
        let beat = state.next_beat;
        state.next_beat += 1;
        state.beats.insert(beat, Instant::now());
        Some(Said::Beat {
            from: self.me.clone(),
            beat,
        })
    }

    fn say(&self, said: Said) {
        // The saying task runs as long as `self` is joined.
        let _ = self.outgoing.send(said);
    }

    /// Whether `write` is confirmed: heard back, and acknowledged by every
    /// instance heard from within two leases.
    fn confirmed(&self, write: u64) -> bool {
        let now = Instant::now();
        let mut state = self.lock_state();
        state
            .others
            .retain(|_, heard| now.saturating_duration_since(*heard) < 2 * LEASE);
        let State {
            others, waiting, ..
        } = &*state;
        waiting.get(&write).is_some_and(|waiting| {
            waiting.echoed && others.keys().all(|other| waiting.acked_by.contains(other))
        })
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_tasks(&self) -> std::sync::MutexGuard<'_, Vec<AbortHandle>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Tells this instance apart from the others on the channel, and from the
/// other `Db`s of this process (tests run several).
fn name_of_this_instance() -> String {
    static MADE: AtomicU64 = AtomicU64::new(0);
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{:x}-{:x}-{:x}",
        std::process::id(),
        started.as_nanos(),
        MADE.fetch_add(1, Ordering::Relaxed)
    )
}

/// A write of this instance about to commit. Dropped, it is forgotten.
pub(super) struct Announced<'a> {
    peers: &'a Peers,
    write: u64,
}

impl Announced<'_> {
    /// The notice the write's transaction says.
    pub(super) fn notice(&self) -> String {
        Said::Wrote {
            from: self.peers.me.clone(),
            write: self.write,
        }
        .to_payload()
    }

    /// Returns once no instance can use a read it kept from before the
    /// write: the write is confirmed, or a lease has passed.
    pub(super) async fn confirmed(self) {
        let deadline = Instant::now() + LEASE;
        loop {
            let progress = self.peers.progress.notified();
            tokio::pin!(progress);
            progress.as_mut().enable();
            if self.peers.confirmed(self.write) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                tracing::debug!(
                    write = self.write,
                    "a write was not confirmed within the lease"
                );
                return;
            }
            // Woken by progress, or at the deadline to give up.
            let _ = tokio::time::timeout(left, progress).await;
        }
    }
}

impl Drop for Announced<'_> {
    fn drop(&mut self) {
        self.peers.lock_state().waiting.remove(&self.write);
    }
}

/// Faults for the tests of the argument above (PostgreSQL only; no-ops on
/// SQLite).
#[cfg(feature = "testing")]
impl super::Db {
    /// From now on, never says an acknowledgement (or again does).
    pub fn drop_peer_acks(&self, drop: bool) {
        if let Some(peers) = &self.peers {
            peers.faults.drop_acks.store(drop, Ordering::SeqCst);
        }
    }

    /// Holds the listening connection: what is said is not taken in until
    /// released.
    pub fn hold_peer_listener(&self, hold: bool) {
        if let Some(peers) = &self.peers {
            peers.faults.hold_listener.store(hold, Ordering::SeqCst);
        }
    }

    /// The `application_name` of this instance's connections to the other
    /// instances, to end them from `pg_stat_activity`.
    pub fn peer_connection_name(&self) -> Option<String> {
        self.peers.as_ref().map(|peers| peers.connection_name())
    }
}
