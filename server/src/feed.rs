//! The change feed: how a revoke, a password change, a reuse detection or a
//! policy change on one server instance reaches the live connections on
//! every instance.
//!
//! Every change is applied to this instance's hub at once. On PostgreSQL it
//! is also published with `NOTIFY` on one channel, as a small JSON payload of
//! ids and reasons (never a secret); every instance `LISTEN`s on its own
//! connection and applies what the others publish. When that connection
//! drops, the instance reconnects with backoff and then re-checks its open
//! connections against the database, so a change missed meanwhile still
//! takes effect. On SQLite (one instance) the feed is this process, and the
//! operator commands run in another process: they leave their changes in
//! the database, where the server looks as soon as anything else commits
//! (see `auth::OutsideWrites`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use api::{AccountId, LiveEvent, RevokeReason, SessionId, TokenId, UserId};
use auth::{Auth, Backend, ConnectionCloser, Db, Notifications, OutsideWrites};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use crate::hub::{ConnectionHub, ConnectionLimits};

/// The PostgreSQL channel every instance listens on.
const CHANNEL: &str = "latchkey_changes";
/// The listener's `application_name`, to find it in `pg_stat_activity`.
pub const LISTENER_NAME: &str = "latchkey-feed";
/// The longest wait between reconnection attempts.
const MAX_RETRY: Duration = Duration::from_secs(10);

/// One change, as published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Change {
    CloseSession {
        session_id: SessionId,
        reason: RevokeReason,
    },
    CloseToken {
        token_id: TokenId,
    },
    CloseUser {
        user_id: UserId,
        reason: RevokeReason,
    },
    RecheckSession {
        session_id: SessionId,
    },
    NotifySession {
        session_id: SessionId,
        event: LiveEvent,
    },
    NotifyUser {
        user_id: UserId,
        event: LiveEvent,
    },
    NotifyAccount {
        account_id: AccountId,
        event: LiveEvent,
    },
    AuditRecorded {
        account_id: AccountId,
        about: Vec<UserId>,
    },
}

/// What the publisher is asked to do, in order.
enum Queued {
    Publish(Change),
    /// Answer once everything queued before has been published.
    Flush(oneshot::Sender<()>),
}

/// A change and the instance it came from.
#[derive(Serialize, Deserialize)]
struct Envelope {
    from: String,
    change: Change,
}

/// The live connections of every instance, as the domain sees them.
#[derive(Clone)]
pub struct ChangeFeed {
    hub: ConnectionHub,
    /// Set on PostgreSQL (and for an operator command): this instance's id
    /// and the queue of changes to publish.
    remote: Option<(String, mpsc::UnboundedSender<Queued>)>,
    /// Whether the `LISTEN` connection is up (PostgreSQL).
    listening: Arc<AtomicBool>,
}

impl ChangeFeed {
    /// This instance alone (SQLite).
    pub fn local(hub: ConnectionHub) -> Self {
        Self {
            hub,
            remote: None,
            listening: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Publishes changes to the other instances through `db` (PostgreSQL),
    /// from a background task; a failed `NOTIFY` is tried again after
    /// `first_retry`, doubling.
    pub fn publishing(hub: ConnectionHub, db: Db, instance: String, first_retry: Duration) -> Self {
        let send = move |payload: String| {
            let db = db.clone();
            async move { db.notify(CHANNEL, &payload).await }
        };
        Self::publishing_with(hub, send, instance, first_retry)
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
                Self::publishing_with(hub, send, instance, PUBLISH_RETRY)
            }
        }
    }

    fn publishing_with<S, F, E>(
        hub: ConnectionHub,
        send: S,
        instance: String,
        first_retry: Duration,
    ) -> Self
    where
        S: Fn(String) -> F + Send + 'static,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let (outbox, queue) = mpsc::unbounded_channel();
        tokio::spawn(publish(send, instance.clone(), queue, first_retry));
        Self {
            hub,
            remote: Some((instance, outbox)),
            listening: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Waits until every change so far has been published (or given up).
    pub async fn flush(&self) {
        let Some((_, outbox)) = &self.remote else {
            return;
        };
        let (done, published) = oneshot::channel();
        if outbox.send(Queued::Flush(done)).is_ok() {
            let _ = published.await;
        }
    }

    /// Whether this instance hears the others: always on SQLite (there are
    /// none), on PostgreSQL while its `LISTEN` connection is up.
    pub fn hears_the_others(&self) -> bool {
        self.remote.is_none() || self.listening.load(Ordering::SeqCst)
    }

    /// Applies a change to this instance's hub; how many connections closed.
    fn apply(&self, change: &Change) -> usize {
        match change {
            Change::CloseSession { session_id, reason } => {
                self.hub.close_for_session(session_id, *reason)
            }
            Change::CloseToken { token_id } => self.hub.close_for_token(token_id),
            Change::CloseUser { user_id, reason } => self.hub.close_for_user(user_id, *reason),
            Change::RecheckSession { session_id } => {
                self.hub.recheck_session(session_id);
                0
            }
            Change::NotifySession { session_id, event } => {
                self.hub.notify_session(session_id, event);
                0
            }
            Change::NotifyUser { user_id, event } => {
                self.hub.notify_user(user_id, event);
                0
            }
            Change::NotifyAccount { account_id, event } => {
                self.hub.notify_account(account_id, event);
                0
            }
            Change::AuditRecorded { account_id, about } => {
                self.hub.audit_recorded(account_id, about);
                0
            }
        }
    }

    /// Applies a change here and queues it for the other instances; how
    /// many of this instance's connections closed.
    fn spread(&self, change: Change) -> usize {
        let closed = self.apply(&change);
        if let Some((_, outbox)) = &self.remote
            && outbox.send(Queued::Publish(change)).is_err()
        {
            tracing::error!("the change feed publisher has stopped; other instances were not told");
        }
        closed
    }

    /// Listens for the other instances' changes, for as long as the process
    /// runs (PostgreSQL only). `first_retry` is the first wait after losing
    /// the connection; it doubles up to ten seconds.
    pub async fn listen(self, auth: Auth, url: String, first_retry: Duration) {
        let Some((instance, _)) = self.remote.clone() else {
            return;
        };
        follow(
            || Notifications::listen(&url, CHANNEL, LISTENER_NAME),
            |payload| self.receive(&instance, &payload),
            || recheck(&self.hub, &auth),
            &self.listening,
            first_retry,
        )
        .await;
    }

    /// Applies the changes operator commands left in the SQLite file, for
    /// as long as the process runs: it looks every `interval`, and only
    /// reads them when something else has committed.
    pub async fn follow_outside_writes(
        self,
        mut outside: OutsideWrites,
        auth: Auth,
        interval: Duration,
    ) {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let changes = match outside.poll().await {
                Ok(changes) => changes,
                Err(err) => {
                    tracing::warn!(error = %err, "could not look for other processes' changes");
                    continue;
                }
            };
            if changes.is_empty() {
                continue;
            }
            for payload in &changes {
                // No change there is this process's own: none is skipped.
                self.receive("", payload);
            }
            if let Err(err) = outside.applied(auth.now()).await {
                tracing::warn!(error = %err, "could not mark other processes' changes applied");
            }
        }
    }

    fn receive(&self, instance: &str, payload: &str) {
        match serde_json::from_str::<Envelope>(payload) {
            Ok(envelope) if envelope.from == instance => {}
            Ok(envelope) => {
                self.apply(&envelope.change);
            }
            Err(err) => tracing::warn!(error = %err, "ignored a malformed change"),
        }
    }
}

impl ConnectionCloser for ChangeFeed {
    fn close_for_session(&self, session_id: &SessionId, reason: RevokeReason) -> usize {
        self.spread(Change::CloseSession {
            session_id: session_id.clone(),
            reason,
        })
    }

    fn close_for_token(&self, token_id: &TokenId) -> usize {
        self.spread(Change::CloseToken {
            token_id: token_id.clone(),
        })
    }

    fn close_for_user(&self, user_id: &UserId, reason: RevokeReason) -> usize {
        self.spread(Change::CloseUser {
            user_id: user_id.clone(),
            reason,
        })
    }

    fn recheck_session(&self, session_id: &SessionId) {
        self.spread(Change::RecheckSession {
            session_id: session_id.clone(),
        });
    }

    fn notify_session(&self, session_id: &SessionId, event: &LiveEvent) {
        self.spread(Change::NotifySession {
            session_id: session_id.clone(),
            event: event.clone(),
        });
    }

    fn notify_user(&self, user_id: &UserId, event: &LiveEvent) {
        self.spread(Change::NotifyUser {
            user_id: user_id.clone(),
            event: event.clone(),
        });
    }

    fn notify_account(&self, account_id: &AccountId, event: &LiveEvent) {
        self.spread(Change::NotifyAccount {
            account_id: account_id.clone(),
            event: event.clone(),
        });
    }

    fn audit_recorded(&self, account_id: &AccountId, about: &[UserId]) {
        self.spread(Change::AuditRecorded {
            account_id: account_id.clone(),
            about: about.to_vec(),
        });
    }
}

/// How many times one change is tried before it is given up (about a minute
/// and a half of waiting with the default first retry).
const PUBLISH_ATTEMPTS: u32 = 9;

/// The first wait before an operator command publishes a change again.
const PUBLISH_RETRY: Duration = Duration::from_millis(500);

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

/// A connection that hears the other instances' changes.
trait Subscription {
    type Error: std::fmt::Display;
    /// The next payload; `None` when the connection was lost.
    async fn next(&mut self) -> Result<Option<String>, Self::Error>;
}

impl Subscription for Notifications {
    type Error = auth::DbError;
    async fn next(&mut self) -> Result<Option<String>, auth::DbError> {
        Notifications::next(self).await
    }
}

/// Connects with `connect` and hands every payload to `receive`, forever.
/// After a lost connection, and after a first attempt that failed (the
/// connections opened meanwhile heard nothing from the other instances
/// either), the next connection starts with `recheck`. `connected` says
/// whether a connection is up.
async fn follow<S, C, F, E, R, G, H>(
    mut connect: C,
    receive: R,
    mut recheck: G,
    connected: &AtomicBool,
    first_retry: Duration,
) where
    S: Subscription,
    C: FnMut() -> F,
    F: Future<Output = Result<S, E>>,
    E: std::fmt::Display,
    R: Fn(String),
    G: FnMut() -> H,
    H: Future<Output = ()>,
{
    let mut retry = first_retry;
    let mut missed = false;
    loop {
        match connect().await {
            Ok(mut subscription) => {
                connected.store(true, Ordering::SeqCst);
                retry = first_retry;
                if missed {
                    tracing::info!("change feed connected; re-checking live connections");
                    recheck().await;
                }
                missed = true;
                loop {
                    match subscription.next().await {
                        Ok(Some(payload)) => receive(payload),
                        Ok(None) => break,
                        Err(err) => {
                            tracing::warn!(error = %err, "change feed connection failed");
                            break;
                        }
                    }
                }
                connected.store(false, Ordering::SeqCst);
                tracing::warn!("lost the change feed connection; reconnecting");
            }
            Err(err) => {
                missed = true;
                tracing::warn!(error = %err, "could not listen for changes; retrying");
            }
        }
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(MAX_RETRY);
    }
}

/// After a gap in the feed: every connection re-reads where its
/// credential stands (and closes if it ended meanwhile), and the pages learn
/// their sessions' deadlines, which a policy change elsewhere may have moved.
async fn recheck(hub: &ConnectionHub, auth: &Auth) {
    let (sessions, tokens) = hub.credentials();
    for session_id in sessions {
        hub.recheck_session(&session_id);
        if let Ok(deadlines) = auth.session_deadlines(&session_id).await {
            hub.notify_session(
                &session_id,
                &LiveEvent::SessionUpdated {
                    idle_ends_at: deadlines.idle_ends_at,
                    absolute_ends_at: deadlines.absolute_ends_at,
                    server_time: auth.now(),
                },
            );
        }
    }
    for token_id in tokens {
        match auth.token_usable(&token_id).await {
            Ok(true) => {}
            Ok(false) => {
                hub.close_for_token(&token_id);
            }
            Err(err) => tracing::warn!(error = %err, "could not re-check an API token"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::hub::{Closed, CredentialKey, Owner, Received};

    #[test]
    fn a_change_round_trips_as_small_json_without_secrets() {
        let envelope = Envelope {
            from: "a1".into(),
            change: Change::CloseSession {
                session_id: SessionId::from_random_bytes([7; 16]),
                reason: RevokeReason::PasswordChanged,
            },
        };
        let json = serde_json::to_string(&envelope).unwrap();
        assert!(json.len() < 200, "{json}");
        let back: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back.change, envelope.change);
        assert!(json.contains(r#""kind":"close_session""#), "{json}");
    }

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
            change: Change::CloseSession {
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
                .send(Queued::Publish(Change::CloseToken {
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

    /// What one connection attempt of a fake feed does.
    #[derive(Clone, Copy)]
    enum Attempt {
        Fails,
        ConnectsThenIsLost,
    }

    /// A fake feed connection; once the planned attempts are used up, the
    /// next one stays connected, hearing nothing.
    enum FakeSubscription {
        Lost,
        Quiet,
    }

    impl Subscription for FakeSubscription {
        type Error = &'static str;
        async fn next(&mut self) -> Result<Option<String>, &'static str> {
            match self {
                FakeSubscription::Lost => Ok(None),
                FakeSubscription::Quiet => std::future::pending().await,
            }
        }
    }

    /// How many times the feed re-checked the live connections, given its
    /// first connection attempts.
    async fn rechecks_after(attempts: Vec<Attempt>) -> u32 {
        let planned = Arc::new(Mutex::new(attempts.into_iter()));
        let connect = move || {
            let next = planned.lock().unwrap().next();
            async move {
                match next {
                    Some(Attempt::Fails) => Err("the database is restarting"),
                    Some(Attempt::ConnectsThenIsLost) => Ok(FakeSubscription::Lost),
                    None => Ok(FakeSubscription::Quiet),
                }
            }
        };
        let rechecks = Arc::new(AtomicU32::new(0));
        let counted = rechecks.clone();
        let recheck = move || {
            counted.fetch_add(1, Ordering::SeqCst);
            std::future::ready(())
        };
        let following = tokio::spawn(async move {
            let connected = AtomicBool::new(false);
            follow(
                connect,
                |_| {},
                recheck,
                &connected,
                Duration::from_millis(100),
            )
            .await;
        });
        tokio::time::sleep(Duration::from_mins(1)).await;
        following.abort();
        rechecks.load(Ordering::SeqCst)
    }

    #[tokio::test(start_paused = true)]
    async fn a_feed_that_connects_at_once_has_nothing_to_re_check() {
        assert_eq!(rechecks_after(Vec::new()).await, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_feed_whose_first_listen_failed_re_checks_once_it_connects() {
        assert_eq!(
            rechecks_after(vec![Attempt::Fails, Attempt::Fails]).await,
            1
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_feed_re_checks_after_every_lost_connection() {
        let attempts = vec![
            Attempt::ConnectsThenIsLost,
            Attempt::Fails,
            Attempt::ConnectsThenIsLost,
        ];
        assert_eq!(rechecks_after(attempts).await, 2);
    }
}
