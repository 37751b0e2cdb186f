//! An instance's two connections to the channel, each its own task for as
//! long as the process runs: one listens, in order, and one says the
//! heartbeats and acknowledgements. Both come back with backoff when their
//! connection is lost; while the listener is away, this instance is stale.

use std::collections::HashMap;
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;

use super::wire::{ACKS_PER_PAYLOAD, Said};
use super::{CHANNEL, HEARTBEAT, Peers};
use crate::db::{DbError, Notifications};

const FIRST_RETRY: Duration = Duration::from_millis(100);
const MAX_RETRY: Duration = Duration::from_secs(5);

impl Peers {
    /// The `application_name` of this instance's two connections, to find
    /// them in `pg_stat_activity`.
    pub(crate) fn connection_name(&self) -> String {
        format!("latchkey-kept-reads {}", self.me)
    }
}

/// Hears the channel and takes in what is said, in order.
pub(super) async fn listen(peers: Arc<Peers>, url: String) {
    let mut retry = FIRST_RETRY;
    loop {
        match Notifications::listen(&url, CHANNEL, &peers.connection_name()).await {
            Ok(mut heard) => {
                retry = FIRST_RETRY;
                // A write may have committed unheard before this connection
                // listened: drop everything kept until now.
                peers.writes.advance();
                loop {
                    #[cfg(feature = "testing")]
                    held(&peers).await;
                    match heard.next().await {
                        Ok(Some(payload)) => {
                            if let Some(said) = Said::parse(&payload) {
                                peers.heard(said);
                            }
                        }
                        Ok(None) => break,
                        Err(err) => {
                            tracing::warn!(error = %err, "the kept reads' listener failed");
                            break;
                        }
                    }
                }
                peers.stale();
                tracing::warn!(
                    "lost the connection that hears the other instances' writes; \
                     sessions are read from the database until it is back"
                );
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not listen for the other instances' writes");
            }
        }
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(MAX_RETRY);
    }
}

/// Says the heartbeats, while requests want kept reads, and the
/// acknowledgements.
pub(super) async fn say(peers: Arc<Peers>, url: String, mut to_say: mpsc::UnboundedReceiver<Said>) {
    let mut retry = FIRST_RETRY;
    loop {
        match connect(&url, &peers.connection_name()).await {
            Ok(mut conn) => {
                retry = FIRST_RETRY;
                if let Err(err) = say_on(&peers, &mut conn, &mut to_say).await {
                    tracing::warn!(error = %err, "lost the connection that tells the other instances");
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not connect to tell the other instances");
            }
        }
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(MAX_RETRY);
    }
}

async fn connect(url: &str, name: &str) -> Result<PgConnection, DbError> {
    let options = PgConnectOptions::from_str(url)?.application_name(name);
    Ok(PgConnection::connect_with(&options).await?)
}

async fn say_on(
    peers: &Peers,
    conn: &mut PgConnection,
    to_say: &mut mpsc::UnboundedReceiver<Said>,
) -> Result<(), sqlx::Error> {
    let mut beats = tokio::time::interval(HEARTBEAT);
    beats.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = beats.tick() => {
                if let Some(beat) = peers.next_beat() {
                    notify(conn, &beat).await?;
                }
            }
            Some(first) = to_say.recv() => {
                // Everything queued meanwhile, one payload per instance.
                let mut acks: HashMap<String, Vec<u64>> = HashMap::new();
                let mut next = Some(first);
                while let Some(said) = next {
                    if let Said::Acked { to, writes, .. } = said {
                        acks.entry(to).or_default().extend(writes);
                    }
                    next = to_say.try_recv().ok();
                }
                #[cfg(feature = "testing")]
                if peers.faults.drop_acks.load(std::sync::atomic::Ordering::SeqCst) {
                    continue;
                }
                for (to, writes) in acks {
                    for writes in writes.chunks(ACKS_PER_PAYLOAD) {
                        let acked = Said::Acked {
                            from: peers.me.clone(),
                            to: to.clone(),
                            writes: writes.to_vec(),
                        };
                        notify(conn, &acked).await?;
                    }
                }
            }
        }
    }
}

async fn notify(conn: &mut PgConnection, said: &Said) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(said.to_payload())
        .execute(conn)
        .await?;
    Ok(())
}

/// Waits while a test holds the listener.
#[cfg(feature = "testing")]
async fn held(peers: &Peers) {
    while peers
        .faults
        .hold_listener
        .load(std::sync::atomic::Ordering::SeqCst)
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
