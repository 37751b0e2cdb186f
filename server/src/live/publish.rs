//! Publishing this instance's changes to the other instances: a queue, and
//! a task that sends what is queued one at a time, in order, retrying.

use std::time::Duration;

use auth::LiveChange;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

/// The PostgreSQL channel every instance listens on.
pub const CHANNEL: &str = "latchkey_changes";
/// The longest wait between two attempts, to publish or to listen.
pub const MAX_RETRY: Duration = Duration::from_secs(10);
/// How many times one change is tried before it is given up (about a minute
/// and a half of waiting with the default first retry).
const PUBLISH_ATTEMPTS: u32 = 9;
/// The first wait before an operator command publishes a change again.
pub const PUBLISH_RETRY: Duration = Duration::from_millis(500);

/// A change and the instance it came from, as published: a small JSON
/// payload of ids, reasons and an event, never a secret.
#[derive(Serialize, Deserialize)]
pub struct Envelope {
    pub from: String,
    pub change: LiveChange,
}

/// What the publishing task is asked to do, in order.
enum Queued {
    Publish(LiveChange),
    /// Answer once everything queued before has been published.
    Flush(oneshot::Sender<()>),
}

/// This instance's id, and the queue of changes to publish.
#[derive(Clone)]
pub struct Publisher {
    instance: String,
    queue: mpsc::UnboundedSender<Queued>,
}

impl Publisher {
    /// Starts the task that publishes with `send` (a `NOTIFY`, say); a
    /// failed send is tried again after `first_retry`, doubling.
    pub fn start<S, F, E>(send: S, instance: String, first_retry: Duration) -> Self
    where
        S: Fn(String) -> F + Send + 'static,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let (queue, queued) = mpsc::unbounded_channel();
        tokio::spawn(publish(send, instance.clone(), queued, first_retry));
        Self { instance, queue }
    }

    /// The id this instance publishes under.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    pub fn queue(&self, change: LiveChange) {
        if self.queue.send(Queued::Publish(change)).is_err() {
            tracing::error!("the change feed publisher has stopped; other instances were not told");
        }
    }

    /// Waits until every change so far has been published (or given up).
    pub async fn flush(&self) {
        let (done, published) = oneshot::channel();
        if self.queue.send(Queued::Flush(done)).is_ok() {
            let _ = published.await;
        }
    }
}

/// Sends queued changes with `send` (a `NOTIFY`), one at a time, in order.
/// A failed send is tried again after `first_retry`, doubling up to 10 s,
/// so a database hiccup delays the other instances but loses nothing; only
/// after [`PUBLISH_ATTEMPTS`] is a change given up, and logged.
async fn publish<S, F, E>(
    send: S,
    instance: String,
    mut queue: mpsc::UnboundedReceiver<Queued>,
    first_retry: Duration,
) where
    S: Fn(String) -> F,
    F: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    while let Some(queued) = queue.recv().await {
        let change = match queued {
            Queued::Publish(change) => change,
            Queued::Flush(done) => {
                let _ = done.send(());
                continue;
            }
        };
        let envelope = Envelope {
            from: instance.clone(),
            change,
        };
        let Ok(payload) = serde_json::to_string(&envelope) else {
            continue;
        };
        let mut retry = first_retry;
        for attempt in 1..=PUBLISH_ATTEMPTS {
            match send(payload.clone()).await {
                Ok(()) => break,
                Err(err) if attempt == PUBLISH_ATTEMPTS => {
                    tracing::error!(error = %err, "gave up publishing a change to the other instances");
                }
                Err(err) => {
                    tracing::warn!(error = %err, attempt, "could not publish a change; retrying");
                    tokio::time::sleep(retry).await;
                    retry = (retry * 2).min(MAX_RETRY);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    use api::{RevokeReason, SessionId, TokenId};

    use super::*;

    #[test]
    fn a_change_round_trips_as_small_json_without_secrets() {
        let envelope = Envelope {
            from: "a1".into(),
            change: LiveChange::SessionEnded {
                session_id: SessionId::from_random_bytes([7; 16]),
                reason: RevokeReason::PasswordChanged,
            },
        };
        let json = serde_json::to_string(&envelope).unwrap();
        assert!(json.len() < 200, "{json}");
        let back: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back.change, envelope.change);
        assert!(json.contains(r#""kind":"session_ended""#), "{json}");
    }

    /// A `NOTIFY` that fails (the database restarting, say) is sent again,
    /// in order, once it works: the other instances still hear every change.
    #[tokio::test(start_paused = true)]
    async fn a_change_that_fails_to_publish_is_sent_again_in_order() {
        let delivered = Arc::new(Mutex::new(Vec::<String>::new()));
        let failures_left = Arc::new(AtomicU32::new(3));
        let send = {
            let delivered = delivered.clone();
            let failures_left = failures_left.clone();
            move |payload: String| {
                let delivered = delivered.clone();
                let failing = failures_left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                async move {
                    if failing {
                        return Err("the database is restarting");
                    }
                    delivered.lock().unwrap().push(payload);
                    Ok(())
                }
            }
        };
        let (outbox, queue) = mpsc::unbounded_channel();
        let publisher = tokio::spawn(publish(
            send,
            "a1".into(),
            queue,
            Duration::from_millis(500),
        ));
        for n in 0..2u8 {
            outbox
                .send(Queued::Publish(LiveChange::TokenEnded {
                    token_id: TokenId::from_random_bytes([n; 16]),
                }))
                .unwrap();
        }
        drop(outbox);

        publisher.await.unwrap();

        let delivered = delivered.lock().unwrap();
        assert_eq!(delivered.len(), 2, "nothing lost");
        assert!(delivered[0].contains(TokenId::from_random_bytes([0; 16]).as_str()));
        assert!(delivered[1].contains(TokenId::from_random_bytes([1; 16]).as_str()));
    }
}
