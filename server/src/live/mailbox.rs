//! One live connection's mailbox: the notices it has not taken yet and,
//! once it must close, why. The hub puts; the connection takes, waiting
//! when there is nothing.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use api::{LiveEvent, RevokeReason};
use tokio::sync::Notify;

/// Notices a connection may fall behind by; one more closes it, for the
/// client to reconnect and start from the current state (rather than miss
/// an event unknowingly).
pub const EVENT_BUFFER: usize = 16;

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

impl Notice {
    pub fn event(event: &LiveEvent) -> Self {
        Notice::Event(Arc::new(event.clone()))
    }
}

/// What a mailbox gives its connection next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// The connection must close. Once told, it is told again on every call.
    Closed(Closed),
    Notice(Notice),
}

/// At most [`EVENT_BUFFER`] notices, and the close. It takes nothing more
/// while no notice waits: a channel would allocate a block of slots and
/// cache-padded counters when it opens, most of what an idle connection
/// costs.
#[derive(Default)]
pub struct Mailbox {
    state: Mutex<MailboxState>,
    /// Wakes the connection after a notice or the close was put in.
    wake: Notify,
}

#[derive(Default)]
struct MailboxState {
    notices: VecDeque<Notice>,
    closed: Option<Closed>,
}

/// A full mailbox: its connection fell behind.
pub struct Full;

impl Mailbox {
    fn state(&self) -> MutexGuard<'_, MailboxState> {
        // Each change to the state is one assignment or push: a panic
        // elsewhere cannot leave it half done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn put(&self, notice: Notice) -> Result<(), Full> {
        let mut state = self.state();
        if state.notices.len() >= EVENT_BUFFER {
            return Err(Full);
        }
        state.notices.push_back(notice);
        drop(state);
        self.wake.notify_one();
        Ok(())
    }

    pub fn close(&self, why: Closed) {
        self.state().closed.get_or_insert(why);
        self.wake.notify_one();
    }

    /// The close if there is one, else the oldest notice.
    pub fn take(&self) -> Option<Received> {
        let mut state = self.state();
        match state.closed {
            Some(why) => Some(Received::Closed(why)),
            None => state.notices.pop_front().map(Received::Notice),
        }
    }

    /// Waits for the close or the next notice; the close comes first.
    /// Cancel-safe: nothing is taken until it is returned.
    pub async fn next(&self) -> Received {
        loop {
            // One waiting connection per mailbox, and `notify_one` keeps a
            // wake-up sent before this waits: none is lost.
            if let Some(received) = self.take() {
                return received;
            }
            self.wake.notified().await;
        }
    }
}
