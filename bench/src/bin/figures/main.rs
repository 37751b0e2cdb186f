//! `make bench`: our server side by side with the peer (tower-sessions +
//! axum-login on SQLite) and a bare axum handler, each its own release-built
//! process on this machine, run one after the other; ours again, and the
//! peer with its PostgreSQL store, on the PostgreSQL that `make bench`
//! starts. Prints one markdown table and, with `--readme`, writes it into
//! the README's Performance section.
//!
//! The load generator runs on one thread, so the server under measurement
//! has the rest of the machine; wrk (one thread too) measures the requests
//! figure a second time.

mod bound;
mod front_end;
mod outage;
mod postgres;
mod requests;
mod revoke_across;
mod streams;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bench::BoxError;
use bench::load::{self, Get};
use bench::report::{Figure, Table};
use bench::{SESSION_COOKIE, millis, p50_p99, percentile};
use clap::Parser;
use serde_json::{Value, json};
use testkit::ServerProcess;
use testkit::cookie_pair;
use tokio::process::Command;

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "benchmark password 1";
/// Keep-alive connections sending the authenticated `GET`.
const CONNECTIONS: usize = 32;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASURED: Duration = Duration::from_secs(3);
/// Rounds of the requests figure, each server in turn; the median counts,
/// so a noisy moment on the machine does not decide a ratio.
const ROUNDS: usize = 3;
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
    /// A PostgreSQL database for the PostgreSQL figures (`make bench` starts
    /// a throw-away server); ours and the peer each get a database of their
    /// own on its server, removed after. Without it they are not measured.
    #[arg(long, env = "LATCHKEY_TEST_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// Write the table into this README, between the bench markers.
    #[arg(long)]
    readme: Option<PathBuf>,
    /// Measure only these rows (and what they are compared with), to try
    /// them out; the README is not written then.
    #[arg(long, value_enum, conflicts_with = "readme")]
    only: Option<Only>,
}

/// Rows that can be measured on their own.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Only {
    /// The PostgreSQL rows, after ours on SQLite (which the first is held
    /// to).
    Postgres,
    /// The live streams' rows.
    Streams,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    // One end of every idle stream in this process, the other in the
    // server, a child that inherits the limit.
    let open_files =
        bench::raise_open_files_limit((streams::WANTED_STREAMS + streams::HEADROOM) as u64)?;
    let scratch = tempfile::tempdir()?;
    match args.only {
        Some(Only::Postgres) => return only_postgres(&args, &scratch).await,
        Some(Only::Streams) => return only_streams(&args, &scratch, open_files).await,
        None => {}
    }
    let mut table = Table::new();

    let ours = start_ours(&args, &sqlite_url(&scratch.path().join("ours.db"))).await?;
    let cookie = sign_up(ours.addr, EMAIL).await?;
    let requests = requests::figures(&args, &scratch, &ours, &cookie).await?;
    table.push(requests.get);
    table.push(requests.by_wrk);
    table.push(requests.forward);
    let bound = bound::figures(&ours, &cookie).await?;
    table.push(bound.get);
    table.push(bound.refresh);

    eprintln!("bytes on the wire");
    for figure in front_end::wire_figures(ours.addr, &cookie).await? {
        table.push(figure);
    }
    // The owner's page with their one session, before the sign-ins below
    // give them hundreds more to list.
    eprintln!(
        "SSR, then {RENDERS} renders of the security page at {RENDER_CONNECTIONS} connections"
    );
    let page = Get::new(ours.addr, "/account/security", Some(&cookie));
    let ssr = load::latencies(&page, MEASURED).await?;
    let renders = load::burst(&page, RENDER_CONNECTIONS, RENDERS, RENDER_PATIENCE).await?;
    eprintln!("cheap GET during sign-ins");
    let during_sign_ins = latency_during_sign_ins(ours.addr, &cookie).await?;
    eprintln!("sign-ins while another account floods member additions");
    let during_flood = sign_ins_during_member_flood(ours.addr).await?;
    drop(ours);

    for figure in postgres_figures(&args, requests.ours_rate).await? {
        table.push(figure);
    }

    let database = sqlite_url(&scratch.path().join("streams.db"));
    let streams = streams::figures(&args, &database, open_files).await?;
    table.push(streams.revoke);
    table.push(streams.account);
    table.push(streams.memory);
    table.push(sign_ins_figure(&during_sign_ins));
    table.push(front_end::ssr_figure(&ssr));
    table.push(renders_figure(&renders));
    table.push(flood_figure(&during_flood));
    table.push(front_end::wasm_figure(&args).await?);

    let markdown = table.markdown(&bench::report::machine().await);
    println!("{markdown}");
    if let Some(readme) = &args.readme {
        bench::report::write_into_readme(readme, &markdown)?;
        eprintln!("written into {}", readme.display());
    }
    Ok(())
}

/// The PostgreSQL rows, or rows saying they were not measured.
async fn postgres_figures(
    args: &Args,
    ours_on_sqlite: load::Throughput,
) -> Result<Vec<Figure>, BoxError> {
    match &args.postgres_url {
        Some(url) => postgres::figures(args, url, ours_on_sqlite).await,
        None => Ok(postgres::not_measured()),
    }
}

/// `--only postgres`: ours on SQLite for the ratio, then the PostgreSQL
/// rows; prints their table.
async fn only_postgres(args: &Args, scratch: &tempfile::TempDir) -> Result<(), BoxError> {
    let ours = start_ours(args, &sqlite_url(&scratch.path().join("ours.db"))).await?;
    let cookie = sign_up(ours.addr, EMAIL).await?;
    eprintln!("authenticated GET on SQLite, {ROUNDS} rounds");
    let get = Get::new(ours.addr, "/api/account/me", Some(&cookie));
    let [on_sqlite] = requests::median_throughputs(&[get]).await?;
    drop(ours);
    let mut table = Table::new();
    for figure in postgres_figures(args, on_sqlite).await? {
        table.push(figure);
    }
    println!("{}", table.markdown(&bench::report::machine().await));
    Ok(())
}

/// `--only streams`: the live streams' rows; prints their table.
async fn only_streams(
    args: &Args,
    scratch: &tempfile::TempDir,
    open_files: u64,
) -> Result<(), BoxError> {
    let database = sqlite_url(&scratch.path().join("streams.db"));
    let streams = streams::figures(args, &database, open_files).await?;
    let mut table = Table::new();
    table.push(streams.revoke);
    table.push(streams.account);
    table.push(streams.memory);
    println!("{}", table.markdown(&bench::report::machine().await));
    Ok(())
}

fn sign_ins_figure(during_sign_ins: &DuringSignIns) -> Figure {
    Figure::new(
        format!("authenticated GET p99 while {SIGN_INS_AT_ONCE} sign-ins hash passwords"),
        format!(
            "{} ({} sign-ins done)",
            p50_p99(&during_sign_ins.samples),
            during_sign_ins.sign_ins
        ),
        "p99 < 10 ms",
        percentile(&during_sign_ins.samples, 99) < Duration::from_millis(10),
    )
}

fn renders_figure(renders: &load::Burst) -> Figure {
    Figure::new(
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
    )
}

fn flood_figure(during_flood: &DuringFlood) -> Figure {
    Figure::new(
        format!("sign-in p99 while another account's {FLOODERS} clients add members"),
        format!(
            "{} ({} sign-ins; the flood: {})",
            p50_p99(&during_flood.samples),
            during_flood.samples.len(),
            during_flood.outcomes()
        ),
        "p99 < 1 s",
        percentile(&during_flood.samples, 99) < Duration::from_secs(1),
    )
}

/// The database URL of a SQLite file.
fn sqlite_url(database: &Path) -> String {
    format!("sqlite://{}", database.display())
}

async fn start_ours(args: &Args, database_url: &str) -> Result<ServerProcess, BoxError> {
    let mut command = Command::new(&args.server);
    command
        .args(["--listen", "127.0.0.1:0", "--demo", "false"])
        .args(["--database-url", database_url])
        .arg("--site-root")
        .arg(&args.site_root)
        .args(["--max-sessions-per-user", "1000000"])
        .args(["--login-rate-per-ip", "1000000"])
        .args(["--login-rate-per-email-hour", "1000000"])
        // One session serves every page of the run: no rotation midway.
        .args(["--rotation-interval", "24h"])
        // A hundred thousand idle streams of a hundred sessions, all from
        // loopback.
        .args(["--live-per-credential", "1000000"])
        .args(["--live-per-address", "1000000"]);
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

/// Signs in on our server as `EMAIL`; returns the session cookie and the
/// session id.
async fn sign_in(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
) -> Result<(String, Value), BoxError> {
    sign_in_as(client, addr, EMAIL).await
}

/// Signs in on our server as `email`; returns the session cookie and the
/// session id.
async fn sign_in_as(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
    email: &str,
) -> Result<(String, Value), BoxError> {
    let response = client
        .post(format!("http://{addr}/api/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?;
    let cookie = cookie_pair(response.headers(), SESSION_COOKIE).ok_or("no session cookie")?;
    let session_id = response.json::<Value>().await?["session_id"].clone();
    Ok((cookie, session_id))
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
