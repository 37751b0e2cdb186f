//! The change feed: how a revoke, a password change, a reuse detection or a
//! policy change on one server instance reaches the live connections on
//! every instance. It is the [`LiveSink`] the domain is given.
//!
//! Every change is applied to this instance's hub at once. On PostgreSQL it
//! is also published with `NOTIFY` on one channel (`publish`); every
//! instance `LISTEN`s on its own connection and applies what the others
//! publish (`listen`). When that connection drops, the instance reconnects
//! with backoff and then re-checks its open connections against the
//! database, so a change missed meanwhile still takes effect. On SQLite
//! (one instance) the feed is this process, and the operator commands run
//! in another process: they leave their changes in the database, where the
//! server looks as soon as anything else commits (`outside`, and
//! `auth::OutsideWrites`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use auth::{Backend, Db, LiveChange, LiveSink};

use super::hub::ConnectionHub;
use super::publish::{CHANNEL, Envelope, PUBLISH_RETRY, Publisher};
use super::registry::ConnectionLimits;

/// The live connections of every instance, as the domain sees them.
#[derive(Clone)]
pub struct ChangeFeed {
    pub(super) hub: ConnectionHub,
    /// Set on PostgreSQL (and for an operator command): what publishes
    /// this instance's changes to the others.
    pub(super) publisher: Option<Publisher>,
    /// Whether the `LISTEN` connection is up (PostgreSQL).
    pub(super) listening: Arc<AtomicBool>,
}

impl ChangeFeed {
    /// This instance alone (SQLite).
    pub fn local(hub: ConnectionHub) -> Self {
        Self::with(hub, None)
    }

    /// Publishes changes to the other instances through `db` (PostgreSQL),
    /// from a background task; a failed `NOTIFY` is tried again after
    /// `first_retry`, doubling.
    pub fn publishing(hub: ConnectionHub, db: Db, instance: String, first_retry: Duration) -> Self {
        let send = move |payload: String| {
            let db = db.clone();
            async move { db.notify(CHANNEL, &payload).await }
        };
        Self::with(hub, Some(Publisher::start(send, instance, first_retry)))
    }

    /// For an operator command, which has no connections of its own: it
    /// publishes on PostgreSQL like an instance, and on SQLite into the
    /// database file, where the running server finds the changes.
    pub fn for_operator(db: Db, instance: String) -> Self {
        let hub = ConnectionHub::new(ConnectionLimits::default());
        match db.backend() {
            Backend::Postgres => Self::publishing(hub, db, instance, PUBLISH_RETRY),
            Backend::Sqlite => {
                let send = move |payload: String| {
                    let db = db.clone();
                    async move { db.publish_outside_change(&payload).await }
                };
                Self::with(hub, Some(Publisher::start(send, instance, PUBLISH_RETRY)))
            }
        }
    }

    fn with(hub: ConnectionHub, publisher: Option<Publisher>) -> Self {
        Self {
            hub,
            publisher,
            listening: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Waits until every change so far has been published (or given up).
    pub async fn flush(&self) {
        if let Some(publisher) = &self.publisher {
            publisher.flush().await;
        }
    }

    /// Whether this instance hears the others: always on SQLite (there are
    /// none), on PostgreSQL while its `LISTEN` connection is up.
    pub fn hears_the_others(&self) -> bool {
        self.publisher.is_none() || self.listening.load(Ordering::SeqCst)
    }

    /// Applies a change another instance (`instance` being this one's id)
    /// or process published to this instance's connections.
    pub(super) fn receive(&self, instance: &str, payload: &str) {
        match serde_json::from_str::<Envelope>(payload) {
            Ok(envelope) if envelope.from == instance => {}
            Ok(envelope) => {
                self.hub.apply(&envelope.change);
            }
            Err(err) => tracing::warn!(error = %err, "ignored a malformed change"),
        }
    }
}

impl LiveSink for ChangeFeed {
    /// Applies the change to this instance's connections at once, and
    /// queues it for the other instances.
    fn apply(&self, change: LiveChange) {
        self.hub.apply(&change);
        if let Some(publisher) = &self.publisher {
            publisher.queue(change);
        }
    }
}

#[cfg(test)]
mod tests {
    use api::{AccountId, RevokeReason, SessionId, UserId};

    use super::*;
    use crate::live::mailbox::{Closed, Received};
    use crate::live::registry::{CredentialKey, Owner};

    #[tokio::test]
    async fn only_other_instances_changes_are_applied_and_junk_is_ignored() {
        let hub = ConnectionHub::default();
        let session_id = SessionId::from_random_bytes([3; 16]);
        let (_registration, inbox) = hub
            .register(Owner {
                credential: CredentialKey::Session(session_id.clone()),
                user: UserId::from_random_bytes([1; 16]),
                account: AccountId::from_random_bytes([1; 16]),
                address: None,
                log: None,
            })
            .unwrap();
        let feed = ChangeFeed::local(hub.clone());
        let payload = serde_json::to_string(&Envelope {
            from: "me".into(),
            change: LiveChange::SessionEnded {
                session_id,
                reason: RevokeReason::Revoked,
            },
        })
        .unwrap();

        feed.receive("me", &payload);
        feed.receive("other", "not json");
        assert_eq!(hub.len(), 1, "our own change was already applied when made");

        feed.receive("other", &payload);
        assert_eq!(hub.len(), 0);
        assert_eq!(
            inbox.next().await,
            Received::Closed(Closed::Session(RevokeReason::Revoked))
        );
    }
}
