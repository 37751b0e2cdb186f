//! `make bench`: our server side by side with the peer (tower-sessions +
//! axum-login on SQLite) and a bare axum handler, each its own release-built
//! process on this machine, run one after the other. Prints one markdown
//! table and, with `--readme`, writes it into the README's Performance
//! section.
//!
//! The load generator runs on one thread, so the server under measurement
//! has the rest of the machine.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bench::BoxError;
use bench::load::{self, Connection, Get, Throughput};
use bench::report::{Figure, Table};
use bench::{SESSION_COOKIE, millis, percentile, revoke_session};
use clap::Parser;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use testkit::ServerProcess;
use testkit::cookie_pair;
use tokio::process::Command;

const EMAIL: &str = "bench@example.com";
/// tower-sessions' default cookie name.
const PEER_COOKIE: &str = "id";
const PASSWORD: &str = "benchmark password 1";
/// Keep-alive connections sending the authenticated `GET`.
const CONNECTIONS: usize = 32;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASURED: Duration = Duration::from_secs(3);
/// Rounds of the requests figure, each server in turn; the median counts,
/// so a noisy moment on the machine does not decide a ratio.
const ROUNDS: usize = 3;
/// Idle live streams open while revokes are timed.
const IDLE_STREAMS: usize = 10_000;
/// Sessions the idle streams belong to.
const STREAM_SESSIONS: usize = 20;
/// Streams being opened at once.
const OPENING_AT_ONCE: usize = 100;
const REVOKES: usize = 200;
const SIGN_INS_AT_ONCE: usize = 4;
/// Renders of the security page in the load test, and its connections.
const RENDERS: u64 = 100_000;
const RENDER_CONNECTIONS: usize = 64;
/// A render taking longer than this is taken as one that never finishes.
const RENDER_PATIENCE: Duration = Duration::from_secs(10);
/// Clients of one account adding members as fast as they are answered.
const FLOODERS: usize = 8;

#[derive(Parser)]
struct Args {
    /// Our server binary (release).
    #[arg(long, default_value = "target/release/latchkey")]
    server: PathBuf,
    /// Its built front end.
    #[arg(long, default_value = "target/site")]
    site_root: PathBuf,
    /// The peer binary (bench/peer, release).
    #[arg(long, default_value = "target/release/peer")]
    peer: PathBuf,
    /// The bare axum binary (bench/peer, release).
    #[arg(long, default_value = "target/release/bare")]
    bare: PathBuf,
    /// The release WASM bundle; by default the one in the site's `pkg/`
    /// (its name carries its hash).
    #[arg(long)]
    wasm: Option<PathBuf>,
    /// Write the table into this README, between the bench markers.
    #[arg(long)]
    readme: Option<PathBuf>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    let scratch = tempfile::tempdir()?;
    let mut table = Table::new();

    let ours = start_ours(&args, &scratch.path().join("ours.db")).await?;
    let cookie = sign_up(ours.addr, EMAIL).await?;
    let peer = start_peer(&args.peer, &scratch.path().join("peer.db")).await?;
    let peer_cookie = peer_login(peer.addr).await?;
    let bare = ServerProcess::start(Command::new(&args.bare)).await?;
    let gets = [
        Get::new(ours.addr, "/api/account/me", Some(&cookie)),
        Get::new(peer.addr, "/me", Some(&peer_cookie)),
        Get::new(bare.addr, "/me", None),
    ];
    eprintln!("authenticated GET: ours, peer, bare axum, {ROUNDS} rounds");
    let [ours_rate, peer_rate, bare_rate] = median_throughputs(&gets).await?;
    drop((peer, bare));
    let refused_after_revoke = revoke_is_immediate(&gets[0]).await?;
    table.push(requests_figure(
        ours_rate,
        peer_rate,
        bare_rate,
        refused_after_revoke,
    )?);
    eprintln!("forward authentication GET, {ROUNDS} rounds");
    let forward = Get::new(ours.addr, "/api/auth/forward", Some(&cookie));
    let [forward_rate] = median_throughputs(&[forward]).await?;
    table.push(forward_figure(forward_rate, ours_rate)?);

    eprintln!("cheap GET during sign-ins, and SSR");
    let during_sign_ins = latency_during_sign_ins(ours.addr, &cookie).await?;
    let page = Get::new(ours.addr, "/account/security", Some(&cookie));
    let ssr = load::latencies(&page, MEASURED).await?;
    eprintln!("{RENDERS} renders of the security page at {RENDER_CONNECTIONS} connections");
    let renders = load::burst(&page, RENDER_CONNECTIONS, RENDERS, RENDER_PATIENCE).await?;
    eprintln!("sign-ins while another account floods member additions");
    let during_flood = sign_ins_during_member_flood(ours.addr).await?;
    drop(ours);

    eprintln!("{IDLE_STREAMS} idle streams, then {REVOKES} revokes");
    let streams = stream_figures(&args, &scratch.path().join("streams.db")).await?;
    table.push(streams.revoke);
    table.push(streams.memory);
    table.push(Figure::new(
        format!("authenticated GET p99 while {SIGN_INS_AT_ONCE} sign-ins hash passwords"),
        format!(
            "p50 {}, p99 {} ({} sign-ins done)",
            millis(percentile(&during_sign_ins.samples, 50)),
            millis(percentile(&during_sign_ins.samples, 99)),
            during_sign_ins.sign_ins
        ),
        "p99 < 10 ms",
        percentile(&during_sign_ins.samples, 99) < Duration::from_millis(10),
    ));
    table.push(Figure::informational(
        "SSR of `/account/security` (owner, sequential)",
        format!(
            "p50 {}, p99 {} ({} pages)",
            millis(percentile(&ssr, 50)),
            millis(percentile(&ssr, 99)),
            ssr.len()
        ),
    ));
    table.push(Figure::new(
        format!("`/account/security` rendered {RENDERS} times at {RENDER_CONNECTIONS} connections"),
        format!(
            "{:.0} pages/s, slowest {}, {} answers not 200",
            renders.per_second(),
            millis(renders.slowest),
            renders.failed
        ),
        format!(
            "every render finishes (none over {}s)",
            RENDER_PATIENCE.as_secs()
        ),
        renders.failed == 0 && renders.answered == RENDERS,
    ));
    table.push(Figure::new(
        format!("sign-in p99 while another account's {FLOODERS} clients add members"),
        format!(
            "p50 {}, p99 {} ({} sign-ins; the flood: {})",
            millis(percentile(&during_flood.samples, 50)),
            millis(percentile(&during_flood.samples, 99)),
            during_flood.samples.len(),
            during_flood.outcomes()
        ),
        "p99 < 1 s",
        percentile(&during_flood.samples, 99) < Duration::from_secs(1),
    ));
    let wasm = match args.wasm {
        Some(wasm) => wasm,
        None => built_wasm(&args.site_root.join("pkg"))?,
    };
    table.push(wasm_figure(&wasm).await?);

    let markdown = table.markdown(&bench::report::machine().await);
    println!("{markdown}");
    if let Some(readme) = &args.readme {
        bench::report::write_into_readme(readme, &markdown)?;
        eprintln!("written into {}", readme.display());
    }
    Ok(())
}

async fn start_ours(args: &Args, database: &Path) -> Result<ServerProcess, BoxError> {
    let mut command = Command::new(&args.server);
    command
        .args(["--listen", "127.0.0.1:0", "--demo", "false"])
        .arg("--database-url")
        .arg(format!("sqlite://{}", database.display()))
        .arg("--site-root")
        .arg(&args.site_root)
        .args(["--max-sessions-per-user", "1000000"])
        .args(["--login-rate-per-ip", "1000000"])
        .args(["--login-rate-per-email-hour", "1000000"])
        // One session serves every page of the run: no rotation midway.
        .args(["--rotation-interval", "24h"])
        // Ten thousand idle streams of twenty sessions, all from loopback.
        .args(["--live-per-credential", "1000000"])
        .args(["--live-per-address", "1000000"]);
    ServerProcess::start(command).await
}

async fn start_peer(binary: &Path, database: &Path) -> Result<ServerProcess, BoxError> {
    let mut command = Command::new(binary);
    command.arg(database).arg(PASSWORD);
    ServerProcess::start(command).await
}

/// Signs up the owner of a new account on our server; returns the session
/// cookie.
async fn sign_up(addr: std::net::SocketAddr, email: &str) -> Result<String, BoxError> {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/api/auth/signup"))
        .json(&json!({"account_name": "Bench", "name": "Bench", "email": email, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?;
    cookie_pair(response.headers(), SESSION_COOKIE).ok_or_else(|| "no session cookie".into())
}

/// Signs in on our server; returns the session cookie and the session id.
async fn sign_in(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
) -> Result<(String, Value), BoxError> {
    let response = client
        .post(format!("http://{addr}/api/auth/login"))
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?;
    let cookie = cookie_pair(response.headers(), SESSION_COOKIE).ok_or("no session cookie")?;
    let session_id = response.json::<Value>().await?["session_id"].clone();
    Ok((cookie, session_id))
}

async fn peer_login(addr: std::net::SocketAddr) -> Result<String, BoxError> {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/login"))
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?;
    cookie_pair(response.headers(), PEER_COOKIE).ok_or_else(|| "no peer session cookie".into())
}

/// A session used by `GET /api/account/me` a moment ago, revoked by the
/// session of `get`: its next request must be refused at once (no cache lets
/// it through).
async fn revoke_is_immediate(get: &Get) -> Result<bool, BoxError> {
    let client = reqwest::Client::new();
    let actor = get.cookie.as_deref().ok_or("no cookie")?;
    let (victim, session_id) = sign_in(&client, get.addr).await?;
    let victim_get = Get::new(get.addr, &get.path, Some(&victim));
    let mut connection = Connection::open(get.addr).await?;
    let (before, _) = connection.fetch(&victim_get).await?;
    revoke_session(&client, get.addr, actor, &session_id).await?;
    let (after, _) = connection.fetch(&victim_get).await?;
    Ok(before == hyper::StatusCode::OK && after == hyper::StatusCode::UNAUTHORIZED)
}

/// Each `GET` in turn, `ROUNDS` times; the median round of each.
async fn median_throughputs<const N: usize>(gets: &[Get; N]) -> Result<[Throughput; N], BoxError> {
    let mut rounds: [Vec<Throughput>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..ROUNDS {
        for (get, measured) in gets.iter().zip(rounds.iter_mut()) {
            measured.push(load::throughput(get, CONNECTIONS, WARM_UP, MEASURED).await?);
        }
    }
    Ok(rounds.map(|mut measured| {
        measured.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
        measured[measured.len() / 2]
    }))
}

/// What a reverse proxy asks before every request to a protected app,
/// next to the authenticated GET it does the work of.
fn forward_figure(forward: Throughput, get: Throughput) -> Result<Figure, BoxError> {
    if forward.failed > 0 {
        return Err(format!("{} forward answers other than 200", forward.failed).into());
    }
    let to_get = forward.per_second() / get.per_second();
    Ok(Figure::new(
        format!(
            "forward authentication `GET /api/auth/forward`, requests/s ({CONNECTIONS} connections, median of {ROUNDS} rounds)"
        ),
        format!(
            "{:.0}: **{to_get:.2}× the authenticated `GET`**",
            forward.per_second()
        ),
        "≥ 0.8× the authenticated `GET`",
        to_get >= 0.8,
    ))
}

fn requests_figure(
    ours: Throughput,
    peer: Throughput,
    bare: Throughput,
    refused_after_revoke: bool,
) -> Result<Figure, BoxError> {
    if ours.failed + peer.failed + bare.failed > 0 {
        return Err(format!(
            "answers other than 200: ours {}, peer {}, bare {}",
            ours.failed, peer.failed, bare.failed
        )
        .into());
    }
    if !refused_after_revoke {
        return Err("a revoked session was still let through".into());
    }
    let to_peer = ours.per_second() / peer.per_second();
    let to_bare = ours.per_second() / bare.per_second();
    Ok(Figure::new(
        format!(
            "authenticated `GET` of the user's name, requests/s \
             ({CONNECTIONS} connections, median of {ROUNDS} rounds)"
        ),
        format!(
            "ours {:.0}, peer {:.0}, bare {:.0}: **{to_peer:.2}× peer, {to_bare:.2}× bare**; \
             a revoked session is refused on its next request",
            ours.per_second(),
            peer.per_second(),
            bare.per_second()
        ),
        "≥ 2× peer, ≥ 0.5× bare",
        to_peer >= 2.0 && to_bare >= 0.5,
    ))
}

struct DuringSignIns {
    samples: Vec<Duration>,
    sign_ins: usize,
}

/// A cheap authenticated `GET`, one after the other, while
/// `SIGN_INS_AT_ONCE` clients sign in again and again.
async fn latency_during_sign_ins(
    addr: std::net::SocketAddr,
    cookie: &str,
) -> Result<DuringSignIns, BoxError> {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let mut signing_in = tokio::task::JoinSet::new();
    for _ in 0..SIGN_INS_AT_ONCE {
        let (stop, done) = (stop.clone(), done.clone());
        signing_in.spawn(async move {
            let client = reqwest::Client::new();
            while !stop.load(Ordering::Relaxed) {
                sign_in(&client, addr).await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<_, BoxError>(())
        });
    }
    // Let every sign-in start hashing first.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let samples = load::latencies(&Get::new(addr, "/api/account/me", Some(cookie)), MEASURED).await;
    stop.store(true, Ordering::Relaxed);
    while let Some(task) = signing_in.join_next().await {
        task??;
    }
    Ok(DuringSignIns {
        samples: samples?,
        sign_ins: done.load(Ordering::Relaxed),
    })
}

struct DuringFlood {
    /// Sorted sign-in times of the benchmark user.
    samples: Vec<Duration>,
    /// How the flood's requests were answered: status code and count.
    answers: std::collections::BTreeMap<u16, usize>,
}

impl DuringFlood {
    fn outcomes(&self) -> String {
        self.answers
            .iter()
            .map(|(status, count)| format!("{count} × {status}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The benchmark user signs in, one sign-in after the other, while the
/// owner of another account has `FLOODERS` clients adding members (each a
/// password to hash) as fast as they are answered.
async fn sign_ins_during_member_flood(addr: std::net::SocketAddr) -> Result<DuringFlood, BoxError> {
    let owner = sign_up(addr, "flood@example.com").await?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut flooding = tokio::task::JoinSet::new();
    for flooder in 0..FLOODERS {
        let (stop, owner) = (stop.clone(), owner.clone());
        flooding.spawn(async move {
            let client = reqwest::Client::new();
            let mut answers = std::collections::BTreeMap::<u16, usize>::new();
            let mut n = 0_u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let status = client
                    .post(format!("http://{addr}/api/account/members"))
                    .header("cookie", &owner)
                    .json(&json!({
                        "name": format!("Member {flooder}-{n}"),
                        "email": format!("member-{flooder}-{n}@example.com"),
                        "password": PASSWORD,
                    }))
                    .send()
                    .await?
                    .status();
                *answers.entry(status.as_u16()).or_default() += 1;
            }
            Ok::<_, BoxError>(answers)
        });
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = reqwest::Client::new();
    let end = Instant::now() + MEASURED;
    let mut samples = Vec::new();
    while Instant::now() < end {
        let sent = Instant::now();
        sign_in(&client, addr).await?;
        samples.push(sent.elapsed());
    }
    stop.store(true, Ordering::Relaxed);
    let mut answers = std::collections::BTreeMap::new();
    while let Some(task) = flooding.join_next().await {
        for (status, count) in task?? {
            *answers.entry(status).or_default() += count;
        }
    }
    samples.sort();
    Ok(DuringFlood { samples, answers })
}

struct StreamFigures {
    revoke: Figure,
    memory: Figure,
}

/// Opens `IDLE_STREAMS` live streams on a fresh server, reads its memory
/// before and after, then times `REVOKES` revokes of one more session until
/// its stream has ended.
async fn stream_figures(args: &Args, database: &Path) -> Result<StreamFigures, BoxError> {
    let server = start_ours(args, database).await?;
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
    let memory = Figure::new(
        "resident memory per idle stream (server RSS delta ÷ streams)",
        format!(
            "ours {:.1} KiB ({} MiB before, {} MiB with {IDLE_STREAMS} streams); \
             bare axum SSE {:.1} KiB",
            per_stream_kib,
            before_kib / 1024,
            after_kib / 1024,
            bare_idle.per_stream_kib()
        ),
        "< 16 KiB",
        per_stream_kib < 16.0,
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

/// The WASM bundle in `pkg`: `latchkey.wasm`, or `latchkey.<hash>.wasm`.
fn built_wasm(pkg: &Path) -> Result<PathBuf, BoxError> {
    let found = std::fs::read_dir(pkg)
        .map_err(|err| {
            format!(
                "{}: {err} (build with `cargo leptos build --release`)",
                pkg.display()
            )
        })?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.extension().is_some_and(|ext| ext == "wasm")
                && path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("latchkey"))
        });
    found.ok_or_else(|| format!("no latchkey*.wasm in {}", pkg.display()).into())
}

async fn wasm_figure(wasm: &Path) -> Result<Figure, BoxError> {
    let raw = std::fs::metadata(wasm)
        .map_err(|err| {
            format!(
                "{}: {err} (build with `cargo leptos build --release`)",
                wasm.display()
            )
        })?
        .len();
    let gzipped = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(wasm)
        .output()
        .await?
        .stdout
        .len() as u64;
    let gzip_kib = gzipped.div_ceil(1024);
    // What the server sends a browser that takes brotli: the copy the
    // release build wrote beside it.
    let brotli = std::fs::metadata(wasm.with_extension("wasm.br"))
        .map_err(|err| format!("{}.br: {err} (build with `--precompress`)", wasm.display()))?;
    let brotli_kib = brotli.len().div_ceil(1024);
    Ok(Figure::new(
        "release WASM bundle",
        format!(
            "{} KiB raw, {gzip_kib} KiB gzip, {brotli_kib} KiB brotli (as served)",
            raw.div_ceil(1024)
        ),
        "≤ 250 KiB gzip",
        gzip_kib <= 250,
    ))
}
