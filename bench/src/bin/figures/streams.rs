//! The live streams' figures, with `WANTED_STREAMS` idle ones open (or as
//! many as the open-files limit lets one process hold): what a
//! revoke takes to close a stream, what ending all of one account's streams
//! at once takes, and what each idle stream costs in memory next to bare
//! axum's Server-Sent Events.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bench::BoxError;
use bench::load::{Connection, Get};
use bench::report::Figure;
use bench::{millis, percentile, revoke_other_sessions, revoke_session};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use testkit::ServerProcess;
use tokio::process::Command;

use super::{Args, EMAIL, sign_in, sign_in_as, sign_up, start_ours};

/// Idle live streams open while revokes are timed.
pub const WANTED_STREAMS: usize = 100_000;
/// Open files of each process beside its streams.
pub const HEADROOM: usize = 1_000;
/// Of those, the ones of one other account, ended together.
const ACCOUNT_STREAMS: usize = 10_000;
/// Sessions the first account's idle streams belong to, and the other's.
const STREAM_SESSIONS: usize = 100;
const ACCOUNT_SESSIONS: usize = 10;
const ACCOUNT_EMAIL: &str = "everywhere@example.com";
/// Connections from one loopback source address: a socket bound before it
/// connects gets a port from half the ephemeral range (about 14,000 here).
const PER_SOURCE_ADDRESS: usize = 10_000;
/// Streams being opened at once.
const OPENING_AT_ONCE: usize = 100;
const REVOKES: usize = 200;

pub struct StreamFigures {
    pub revoke: Figure,
    pub account: Figure,
    pub memory: Figure,
}

/// Opens `WANTED_STREAMS` live streams (fewer if `open_files`, the
/// limit of each process, is lower) on a fresh server, reading its memory
/// before and after; times `REVOKES` revokes of one more session until its
/// stream has ended, then one "sign out everywhere else" of the account
/// holding `ACCOUNT_STREAMS` of them until the last has ended; then the same
/// streams on bare axum for the memory.
pub async fn figures(
    args: &Args,
    database_url: &str,
    open_files: u64,
) -> Result<StreamFigures, BoxError> {
    let Scale {
        idle_streams,
        fewer,
    } = Scale::of(open_files)?;
    let all = idle_streams == WANTED_STREAMS;
    eprintln!(
        "{idle_streams} idle streams, {REVOKES} revokes, then one account's {ACCOUNT_STREAMS} at once"
    );
    let server = start_ours(args, database_url).await?;
    let addr = server.addr;
    let client = reqwest::Client::new();
    let actor = sign_up(addr, EMAIL).await?;
    let account_actor = sign_up(addr, ACCOUNT_EMAIL).await?;
    let mut many = Vec::with_capacity(STREAM_SESSIONS);
    for _ in 0..STREAM_SESSIONS {
        many.push(sign_in(&client, addr).await?.0);
    }
    let mut account = Vec::with_capacity(ACCOUNT_SESSIONS);
    for _ in 0..ACCOUNT_SESSIONS {
        account.push(sign_in_as(&client, addr, ACCOUNT_EMAIL).await?.0);
    }
    let streams_of = |cookies: &[String], streams: usize| -> Vec<Get> {
        (0..streams)
            .map(|n| Get::new(addr, "/api/events", Some(&cookies[n % cookies.len()])))
            .collect()
    };
    let idle = IdleStreams::open(
        &server,
        vec![
            streams_of(&many, idle_streams - ACCOUNT_STREAMS),
            streams_of(&account, ACCOUNT_STREAMS),
        ],
    )
    .await?;
    let [many_ends, account_ends] = [&idle.ends[0], &idle.ends[1]];

    let samples = time_revokes(&client, addr, &actor).await?;
    many_ends.all_open()?;
    account_ends.all_open()?;

    let started = Instant::now();
    revoke_other_sessions(&client, addr, &account_actor).await?;
    let answered = started.elapsed();
    let last_closed = account_ends.all_ended(Duration::from_secs(10)).await? - started;
    many_ends.all_open()?;

    let (per_stream_kib, before_kib, after_kib) =
        (idle.per_stream_kib(), idle.before_kib, idle.after_kib);
    drop(idle);
    drop(server);
    let bare = ServerProcess::start(Command::new(&args.bare)).await?;
    let gets = vec![Get::new(bare.addr, "/events", None); idle_streams];
    let bare_idle = IdleStreams::open(&bare, vec![gets]).await?;

    let p99 = percentile(&samples, 99);
    let revoke = Figure::new(
        format!("revoke → stream closed, {idle_streams} idle streams open ({REVOKES} revokes)"),
        format!(
            "p50 {}, p99 {}, max {}{fewer}",
            millis(percentile(&samples, 50)),
            millis(p99),
            millis(percentile(&samples, 100))
        ),
        format!("p99 < 5 ms, {WANTED_STREAMS} streams open"),
        all && p99 < Duration::from_millis(5),
    );
    let account = Figure::new(
        format!(
            "all of one account's {ACCOUNT_STREAMS} streams ended by one \"sign out everywhere else\" \
             ({ACCOUNT_SESSIONS} sessions, {idle_streams} idle streams open)"
        ),
        format!(
            "the last closed after {} (the call answered after {}){fewer}",
            millis(last_closed),
            millis(answered)
        ),
        format!("the last within 100 ms, {WANTED_STREAMS} streams open"),
        all && last_closed < Duration::from_millis(100),
    );
    let bare_kib = bare_idle.per_stream_kib();
    let to_bare = per_stream_kib / bare_kib;
    let memory = Figure::new(
        format!("resident memory per idle stream (server RSS delta ÷ {idle_streams} streams)"),
        format!(
            "ours {per_stream_kib:.2} KiB ({} MiB before, {} MiB with the streams); \
             bare axum SSE {bare_kib:.2} KiB: **{to_bare:.3}× bare**{fewer}",
            before_kib / 1024,
            after_kib / 1024,
        ),
        format!("≤ 1.06× bare axum SSE, {WANTED_STREAMS} streams open"),
        all && to_bare <= 1.06,
    );
    Ok(StreamFigures {
        revoke,
        account,
        memory,
    })
}

/// `REVOKES` times: signs in once more, opens a stream, and times the
/// revoke until that stream has ended with `session_revoked`; sorted.
async fn time_revokes(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
    actor: &str,
) -> Result<Vec<Duration>, BoxError> {
    let mut samples = Vec::with_capacity(REVOKES);
    for _ in 0..REVOKES {
        let (cookie, session_id) = sign_in(client, addr).await?;
        let (_connection, mut body) =
            open_stream(Get::new(addr, "/api/events", Some(&cookie)), LOOPBACK).await?;
        let started = Instant::now();
        let (revoked, (last, elapsed)) =
            tokio::join!(revoke_session(client, addr, actor, &session_id), async {
                let mut last = Vec::new();
                while let Ok(Some(Ok(frame))) =
                    tokio::time::timeout(Duration::from_secs(5), body.frame()).await
                {
                    if let Ok(data) = frame.into_data() {
                        last = data.to_vec();
                    }
                }
                (last, started.elapsed())
            });
        revoked?;
        if !String::from_utf8_lossy(&last).contains("session_revoked") {
            return Err("a revoked stream ended without session_revoked".into());
        }
        samples.push(elapsed);
    }
    samples.sort();
    Ok(samples)
}

/// How many idle streams one process may hold here, and what the figures
/// say when that is fewer than wanted.
struct Scale {
    idle_streams: usize,
    fewer: String,
}

impl Scale {
    /// Fails where too few files are left for the other account's streams
    /// and some of the first's.
    fn of(open_files: u64) -> Result<Self, BoxError> {
        let idle_streams = usize::try_from(open_files)
            .unwrap_or(usize::MAX)
            .saturating_sub(HEADROOM)
            .min(WANTED_STREAMS);
        if idle_streams <= ACCOUNT_STREAMS {
            return Err(format!(
                "the live streams' rows need more than {} open files per process; \
                 one may open {open_files} here",
                ACCOUNT_STREAMS + HEADROOM
            )
            .into());
        }
        let fewer = if idle_streams < WANTED_STREAMS {
            format!(
                "; {idle_streams} of the {WANTED_STREAMS} wanted: one process may open {open_files} \
                 files here, and this container cannot raise that (no `CAP_SYS_RESOURCE`)"
            )
        } else {
            String::new()
        };
        Ok(Self {
            idle_streams,
            fewer,
        })
    }
}

/// The one source address of the streams opened one by one.
const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Source addresses handed out so far, from 127.0.1.1 on. Each opening of
/// idle streams takes fresh ones: the ports of streams closed a moment ago
/// are still held (`TIME_WAIT`) on the addresses they came from.
static SOURCES_TAKEN: AtomicU32 = AtomicU32::new(0);

/// Source addresses for `streams` connections, `PER_SOURCE_ADDRESS` each.
fn fresh_sources(streams: usize) -> Vec<IpAddr> {
    let wanted = u32::try_from(streams.div_ceil(PER_SOURCE_ADDRESS)).unwrap_or(u32::MAX);
    let first = SOURCES_TAKEN.fetch_add(wanted, Ordering::Relaxed);
    let base = u32::from(Ipv4Addr::new(127, 0, 1, 1));
    (first..first + wanted)
        .map(|taken| IpAddr::V4(Ipv4Addr::from(base + taken)))
        .collect()
}

/// Open live streams in groups, and the server's memory before and after
/// they were opened.
struct IdleStreams {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// How each group's streams have ended, in the order they were given.
    ends: Vec<Arc<Ends>>,
    before_kib: u64,
    after_kib: u64,
}

impl IdleStreams {
    async fn open(server: &ServerProcess, groups: Vec<Vec<Get>>) -> Result<Self, BoxError> {
        // Warm up: a stream opened and read once, so first-use allocations
        // count in the "before" figure.
        let first = groups
            .iter()
            .flatten()
            .next()
            .ok_or("no streams to open")?
            .clone();
        drop(open_stream(first, LOOPBACK).await?);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before_kib = server.resident_kib()?;

        let ends: Vec<Arc<Ends>> = groups
            .iter()
            .map(|group| Arc::new(Ends::new(group.len())))
            .collect();
        let total: usize = groups.iter().map(Vec::len).sum();
        let sources = fresh_sources(total);
        let streams = groups
            .into_iter()
            .zip(ends.clone())
            .flat_map(|(group, ends)| group.into_iter().map(move |get| (get, ends.clone())))
            .enumerate()
            .map(|(n, (get, ends))| {
                let from = sources[n / PER_SOURCE_ADDRESS];
                async move { (open_stream(get, from).await, ends) }
            });
        let mut opened = futures_util::stream::iter(streams).buffer_unordered(OPENING_AT_ONCE);
        let mut tasks = Vec::with_capacity(total);
        while let Some((stream, ends)) = opened.next().await {
            let (connection, mut body) = stream.map_err(|err| {
                format!(
                    "opening {total} streams failed after {} ({err})",
                    tasks.len()
                )
            })?;
            tasks.push(tokio::spawn(async move {
                let _connection = connection;
                while let Some(Ok(_)) = body.frame().await {}
                ends.one_ended();
            }));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after_kib = server.resident_kib()?;
        Ok(Self {
            tasks,
            ends,
            before_kib,
            after_kib,
        })
    }

    #[allow(clippy::cast_precision_loss)]
    fn per_stream_kib(&self) -> f64 {
        self.after_kib.saturating_sub(self.before_kib) as f64 / self.tasks.len() as f64
    }
}

impl Drop for IdleStreams {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// How many of a group's streams have ended, and when the last one did.
struct Ends {
    streams: usize,
    ended: AtomicUsize,
    last: Mutex<Option<Instant>>,
}

impl Ends {
    fn new(streams: usize) -> Self {
        Self {
            streams,
            ended: AtomicUsize::new(0),
            last: Mutex::new(None),
        }
    }

    fn one_ended(&self) {
        if self.ended.fetch_add(1, Ordering::Relaxed) + 1 == self.streams
            && let Ok(mut last) = self.last.lock()
        {
            *last = Some(Instant::now());
        }
    }

    fn all_open(&self) -> Result<(), BoxError> {
        match self.ended.load(Ordering::Relaxed) {
            0 => Ok(()),
            ended => Err(format!("{ended} of {} idle streams ended", self.streams).into()),
        }
    }

    /// When the last stream ended, once all have, or an error after
    /// `patience`.
    async fn all_ended(&self, patience: Duration) -> Result<Instant, BoxError> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(last) = *self.last.lock().map_err(|_| "a stream task panicked")? {
                return Ok(last);
            }
            if Instant::now() > deadline {
                let ended = self.ended.load(Ordering::Relaxed);
                return Err(format!("{ended} of {} streams ended", self.streams).into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Opens a live stream from the source address `from` and reads its first
/// event.
async fn open_stream(
    get: Get,
    from: IpAddr,
) -> Result<(Connection, hyper::body::Incoming), BoxError> {
    let mut connection = Connection::open_from(get.addr, from).await?;
    let response = connection.start(&get).await?;
    if response.status() != hyper::StatusCode::OK {
        return Err(format!("the stream answered {}", response.status()).into());
    }
    let mut body = response.into_body();
    body.frame().await.ok_or("the stream ended at once")??;
    Ok((connection, body))
}
