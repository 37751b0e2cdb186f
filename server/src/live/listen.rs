//! Hearing the other instances (PostgreSQL): a `LISTEN` connection of this
//! instance's own, kept up for as long as the process runs, and a re-check
//! of every open connection after a gap in what it heard.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use auth::{Auth, LiveChange, Notifications};

use super::feed::ChangeFeed;
use super::hub::ConnectionHub;
use super::publish::{CHANNEL, MAX_RETRY};

/// The listener's `application_name`, to find it in `pg_stat_activity`.
pub const LISTENER_NAME: &str = "latchkey-feed";

impl ChangeFeed {
    /// Listens for the other instances' changes, for as long as the process
    /// runs (PostgreSQL only). `first_retry` is the first wait after losing
    /// the connection; it doubles up to ten seconds.
    pub async fn listen(self, auth: Auth, url: String, first_retry: Duration) {
        let Some(instance) = self.publisher.as_ref().map(|p| p.instance().to_owned()) else {
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
        hub.apply(&LiveChange::SessionRecheck {
            session_id: session_id.clone(),
        });
        if let Ok(deadlines) = auth.session_deadlines(&session_id).await {
            hub.apply(&LiveChange::deadlines_of(session_id, deadlines, auth.now()));
        }
    }
    for token_id in tokens {
        match auth.token_usable(&token_id).await {
            Ok(true) => {}
            Ok(false) => {
                hub.apply(&LiveChange::TokenEnded { token_id });
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
