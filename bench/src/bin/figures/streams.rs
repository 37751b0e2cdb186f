//! The live streams' figures: what a revoke takes to close a stream while
//! many idle ones are open, and what each idle stream costs in memory next
//! to bare axum's Server-Sent Events.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bench::BoxError;
use bench::load::{Connection, Get};
use bench::report::Figure;
use bench::{millis, percentile, revoke_session};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use testkit::ServerProcess;
use tokio::process::Command;

use super::{Args, EMAIL, sign_in, sign_up, start_ours};

/// Idle live streams open while revokes are timed.
const IDLE_STREAMS: usize = 10_000;
/// Sessions the idle streams belong to.
const STREAM_SESSIONS: usize = 20;
/// Streams being opened at once.
const OPENING_AT_ONCE: usize = 100;
const REVOKES: usize = 200;

pub struct StreamFigures {
    pub revoke: Figure,
    pub memory: Figure,
}

/// Opens `IDLE_STREAMS` live streams on a fresh server, reads its memory
/// before and after, then times `REVOKES` revokes of one more session until
/// its stream has ended.
pub async fn figures(args: &Args, database_url: &str) -> Result<StreamFigures, BoxError> {
    eprintln!("{IDLE_STREAMS} idle streams, then {REVOKES} revokes");
    let server = start_ours(args, database_url).await?;
    let addr = server.addr;
    let client = reqwest::Client::new();
    let actor = sign_up(addr, EMAIL).await?;
    let mut cookies = Vec::with_capacity(STREAM_SESSIONS);
    for _ in 0..STREAM_SESSIONS {
        cookies.push(sign_in(&client, addr).await?.0);
    }
    let gets: Vec<Get> = (0..IDLE_STREAMS)
        .map(|n| Get::new(addr, "/api/events", Some(&cookies[n % STREAM_SESSIONS])))
        .collect();
    let idle = IdleStreams::open(&server, gets).await?;

    let mut samples = Vec::with_capacity(REVOKES);
    for _ in 0..REVOKES {
        let (cookie, session_id) = sign_in(&client, addr).await?;
        let (_connection, mut body) =
            open_stream(Get::new(addr, "/api/events", Some(&cookie))).await?;
        let started = Instant::now();
        let (revoked, (last, elapsed)) =
            tokio::join!(revoke_session(&client, addr, &actor, &session_id), async {
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
    idle.all_still_open()?;
    let (per_stream_kib, before_kib, after_kib) =
        (idle.per_stream_kib(), idle.before_kib, idle.after_kib);
    drop(idle);
    drop(server);
    let bare = ServerProcess::start(Command::new(&args.bare)).await?;
    let gets = vec![Get::new(bare.addr, "/events", None); IDLE_STREAMS];
    let bare_idle = IdleStreams::open(&bare, gets).await?;

    let p99 = percentile(&samples, 99);
    let revoke = Figure::new(
        format!("revoke → stream closed, {IDLE_STREAMS} idle streams open ({REVOKES} revokes)"),
        format!(
            "p50 {}, p99 {}, max {}",
            millis(percentile(&samples, 50)),
            millis(p99),
            millis(percentile(&samples, 100))
        ),
        "p99 < 20 ms",
        p99 < Duration::from_millis(20),
    );
    let bare_kib = bare_idle.per_stream_kib();
    let to_bare = per_stream_kib / bare_kib;
    let memory = Figure::new(
        "resident memory per idle stream (server RSS delta ÷ streams)",
        format!(
            "ours {per_stream_kib:.2} KiB ({} MiB before, {} MiB with {IDLE_STREAMS} streams); \
             bare axum SSE {bare_kib:.2} KiB: **{to_bare:.3}× bare**",
            before_kib / 1024,
            after_kib / 1024,
        ),
        "≤ 1.05× bare axum SSE",
        to_bare <= 1.05,
    );
    Ok(StreamFigures { revoke, memory })
}

/// `IDLE_STREAMS` open live streams, and the server's memory before and
/// after they were opened.
struct IdleStreams {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    ended: Arc<AtomicUsize>,
    before_kib: u64,
    after_kib: u64,
}

impl IdleStreams {
    async fn open(server: &ServerProcess, gets: Vec<Get>) -> Result<Self, BoxError> {
        // Warm up: a stream opened and read once, so first-use allocations
        // count in the "before" figure.
        let first = gets.first().ok_or("no streams to open")?.clone();
        drop(open_stream(first).await?);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before_kib = server.resident_kib()?;

        let ended = Arc::new(AtomicUsize::new(0));
        let mut opened = futures_util::stream::iter(gets)
            .map(open_stream)
            .buffer_unordered(OPENING_AT_ONCE);
        let mut tasks = Vec::with_capacity(IDLE_STREAMS);
        while let Some(stream) = opened.next().await {
            let (connection, mut body) = stream.map_err(|err| {
                format!(
                    "opening {IDLE_STREAMS} streams failed ({err}); is `ulimit -n` high enough?"
                )
            })?;
            let ended = ended.clone();
            tasks.push(tokio::spawn(async move {
                let _connection = connection;
                while let Some(Ok(_)) = body.frame().await {}
                ended.fetch_add(1, Ordering::Relaxed);
            }));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after_kib = server.resident_kib()?;
        Ok(Self {
            tasks,
            ended,
            before_kib,
            after_kib,
        })
    }

    #[allow(clippy::cast_precision_loss)]
    fn per_stream_kib(&self) -> f64 {
        self.after_kib.saturating_sub(self.before_kib) as f64 / self.tasks.len() as f64
    }

    fn all_still_open(&self) -> Result<(), BoxError> {
        match self.ended.load(Ordering::Relaxed) {
            0 => Ok(()),
            ended => Err(format!("{ended} of {} idle streams ended", self.tasks.len()).into()),
        }
    }
}

impl Drop for IdleStreams {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Opens a live stream and reads its first event.
async fn open_stream(get: Get) -> Result<(Connection, hyper::body::Incoming), BoxError> {
    let mut connection = Connection::open(get.addr).await?;
    let response = connection.start(&get).await?;
    if response.status() != hyper::StatusCode::OK {
        return Err(format!("the stream answered {}", response.status()).into());
    }
    let mut body = response.into_body();
    body.frame().await.ok_or("the stream ended at once")??;
    Ok((connection, body))
}
