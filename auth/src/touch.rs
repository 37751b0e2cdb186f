//! Recording activity without making requests wait: `touch` queues the new
//! "last seen" of a session or "last used" of an API token, and one
//! background task writes the queue, coalescing many touches into one write. `flush` waits for everything queued
//! so far (tests, and shutdown).

use std::collections::HashMap;

use api::{SessionId, Timestamp, TokenId};
use tokio::sync::{mpsc, oneshot};

use crate::store::{sessions, tokens};
use crate::{AuthError, Db};

/// What was used.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Used {
    Session(SessionId),
    Token(TokenId),
}

enum Message {
    Touch(Used, Timestamp),
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

    pub fn touch(&self, used: Used, at: Timestamp) {
        if self.queue.send(Message::Touch(used, at)).is_err() {
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
    let mut pending: HashMap<Used, Timestamp> = HashMap::new();
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
        if !pending.is_empty()
            && let Err(err) = write_batch(&db, pending.drain()).await
        {
            tracing::warn!(error = %err, "could not record activity");
        }
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Writes a batch of touches as one write: one transaction, and on
/// PostgreSQL one notice to the other instances.
async fn write_batch(
    db: &Db,
    batch: impl Iterator<Item = (Used, Timestamp)>,
) -> Result<(), AuthError> {
    let mut tx = db.begin_write().await?;
    for (used, at) in batch {
        match &used {
            Used::Session(id) => sessions::touch(&mut tx, id, at).await?,
            Used::Token(id) => tokens::touch(&mut tx, id, at).await?,
        }
    }
    tx.commit().await?;
    Ok(())
}
