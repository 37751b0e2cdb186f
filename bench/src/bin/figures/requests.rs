//! The requests figures: an authenticated `GET` on ours, the peer and bare
//! axum, by our client and by wrk; and forward authentication.

use std::ffi::OsStr;
use std::path::Path;

use bench::BoxError;
use bench::load::{self, Connection, Get, Throughput};
use bench::report::Figure;
use bench::revoke_session;
use serde_json::json;
use testkit::{ServerProcess, cookie_pair};
use tokio::process::Command;

use super::{Args, CONNECTIONS, EMAIL, MEASURED, PASSWORD, ROUNDS, WARM_UP, sign_in};

/// tower-sessions' default cookie name.
const PEER_COOKIE: &str = "id";
const TO_PEER: f64 = 2.0;
const TO_BARE: f64 = 0.6;

pub struct RequestFigures {
    pub get: Figure,
    pub by_wrk: Figure,
    pub forward: Figure,
    /// Our requests/s on SQLite, for the figures that compare with it.
    pub ours_rate: Throughput,
}

/// Starts the peer and bare axum beside `ours` (signed in as `cookie`),
/// measures the authenticated `GET` on all three by our client and by wrk,
/// checks a revoke is seen on the very next request, then measures forward
/// authentication on ours.
pub async fn figures(
    args: &Args,
    scratch: &tempfile::TempDir,
    ours: &ServerProcess,
    cookie: &str,
) -> Result<RequestFigures, BoxError> {
    let peer = start_peer(&args.peer, &scratch.path().join("peer.db")).await?;
    let peer_cookie = peer_login(peer.addr).await?;
    let bare = ServerProcess::start(Command::new(&args.bare)).await?;
    let gets = [
        Get::new(ours.addr, "/api/account/me", Some(cookie)),
        Get::new(peer.addr, "/me", Some(&peer_cookie)),
        Get::new(bare.addr, "/me", None),
    ];
    eprintln!("authenticated GET: ours, peer, bare axum, {ROUNDS} rounds");
    let [ours_rate, peer_rate, bare_rate] = median_throughputs(&gets).await?;
    eprintln!("authenticated GET by wrk: ours, peer, bare axum");
    let mut by_wrk = [0.0; 3];
    for (get, rate) in gets.iter().zip(&mut by_wrk) {
        *rate = bench::wrk::requests_per_second(get, CONNECTIONS, MEASURED).await?;
    }
    drop((peer, bare));
    let refused_after_revoke = revoke_is_immediate(&gets[0]).await?;
    let get = requests_figure(ours_rate, peer_rate, bare_rate, refused_after_revoke)?;
    eprintln!("forward authentication GET, {ROUNDS} rounds");
    let forward = Get::new(ours.addr, "/api/auth/forward", Some(cookie));
    let [forward_rate] = median_throughputs(&[forward]).await?;
    Ok(RequestFigures {
        get,
        by_wrk: wrk_figure(by_wrk),
        forward: forward_figure(forward_rate, ours_rate)?,
        ours_rate,
    })
}

/// The peer on `database` (a SQLite file or a PostgreSQL URL), its one
/// user's password set.
pub(super) async fn start_peer(
    binary: &Path,
    database: impl AsRef<OsStr>,
) -> Result<ServerProcess, BoxError> {
    let mut command = Command::new(binary);
    command.arg(database).arg(PASSWORD);
    ServerProcess::start(command).await
}

/// Signs in on the peer; returns its session cookie.
pub(super) async fn peer_login(addr: std::net::SocketAddr) -> Result<String, BoxError> {
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
pub(super) async fn median_throughputs<const N: usize>(
    gets: &[Get; N],
) -> Result<[Throughput; N], BoxError> {
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
        format!("≥ {TO_PEER}× peer, ≥ {TO_BARE}× bare"),
        to_peer >= TO_PEER && to_bare >= TO_BARE,
    ))
}

/// wrk's requests/s for ours, the peer and bare, in that order.
fn wrk_figure([ours, peer, bare]: [f64; 3]) -> Figure {
    let (to_peer, to_bare) = (ours / peer, ours / bare);
    Figure::new(
        format!(
            "the same `GET` measured by wrk (1 thread, {CONNECTIONS} connections, {} s each)",
            MEASURED.as_secs()
        ),
        format!(
            "ours {ours:.0}, peer {peer:.0}, bare {bare:.0}: **{to_peer:.2}× peer, {to_bare:.2}× bare**"
        ),
        format!("≥ {TO_PEER}× peer, ≥ {TO_BARE}× bare"),
        to_peer >= TO_PEER && to_bare >= TO_BARE,
    )
}
