//! Recording activity without making requests wait: `touch` queues the new
//! `last_seen`, and one background task writes the queue, coalescing many
//! touches of a session into one write. `flush` waits for everything queued
//! so far (tests, and shutdown).

use std::collections::HashMap;

use api::{SessionId, Timestamp};
use tokio::sync::{mpsc, oneshot};

use crate::Db;
use crate::sessions;

enum Message {
    Touch(SessionId, Timestamp),
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub(crate) struct Toucher {
    queue: mpsc::UnboundedSender<Message>,
}

impl Toucher {
    /// Starts the writer task on the current Tokio runtime.
    pub fn start(db: Db) -> Self {
        let (queue, inbox) = mpsc::unbounded_channel();
        tokio::spawn(write_touches(db, inbox));
        Self { queue }
    }

    pub fn touch(&self, session_id: SessionId, at: Timestamp) {
        if self.queue.send(Message::Touch(session_id, at)).is_err() {
            tracing::warn!("the touch writer has stopped; activity was not recorded");
        }
    }

    /// Returns once every touch queued before this call is written.
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Message::Flush(done)).is_ok() {
            let _ = written.await;
        }
    }
}

async fn write_touches(db: Db, mut inbox: mpsc::UnboundedReceiver<Message>) {
    let mut pending: HashMap<SessionId, Timestamp> = HashMap::new();
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    while let Some(first) = inbox.recv().await {
        // Take everything already queued so repeated touches become one write.
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Touch(id, at) => {
                    let latest = pending.entry(id).or_insert(at);
                    *latest = (*latest).max(at);
                }
                Message::Flush(done) => waiting.push(done),
            }
            next = inbox.try_recv().ok();
        }
        for (id, at) in pending.drain() {
            if let Err(err) = sessions::touch(db.writer(), &id, at).await {
                tracing::warn!(error = %err, session_id = %id, "could not record session activity");
            }
        }
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}
