//! Revoke on instance A → refused on instance B: two instances of ours on
//! one PostgreSQL database. Each of `PAIRS` fresh sessions is read on B
//! (so a B that keeps session reads has it), revoked through A's JSON-RPC
//! API, and used again on B at once; none of those last requests may be
//! served. The revoke's own time is the other half of the figure.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bench::load::{Connection, Get};
use bench::report::Figure;
use bench::{BoxError, p50_p99, percentile, revoke_session};
use futures_util::{StreamExt, TryStreamExt};
use hyper::StatusCode;
use testkit::ServerProcess;

use super::{SIGN_INS_AT_ONCE, sign_in};

/// Revoke-then-request pairs, each with its own session.
const PAIRS: usize = 1_000;
const REVOKE_P99: Duration = Duration::from_millis(20);

pub fn what() -> String {
    format!(
        "revoke on instance A → the session's next `GET` on instance B (PostgreSQL, two instances on one database, {PAIRS} pairs, each session read on B just before)"
    )
}

pub fn target() -> String {
    format!("0 served, the revoke's p99 < {} ms", REVOKE_P99.as_millis())
}

/// Signs `PAIRS` sessions in on B first (argon2 takes its time, which is no
/// part of the figure), then runs the pairs one after the other, `actor`
/// (the account's owner) revoking on A.
pub async fn revoke_across(
    a: &ServerProcess,
    b: &ServerProcess,
    actor: &str,
) -> Result<Figure, BoxError> {
    eprintln!("revoke on A, then GET on B: {PAIRS} sessions signed in first");
    let client = reqwest::Client::new();
    let sessions: Vec<_> = futures_util::stream::iter(0..PAIRS)
        .map(|_| sign_in(&client, b.addr))
        .buffer_unordered(SIGN_INS_AT_ONCE)
        .try_collect()
        .await?;

    eprintln!("revoke on A, then GET on B: {PAIRS} pairs");
    let mut on_b = Connection::open(b.addr).await?;
    let mut revokes = Vec::with_capacity(PAIRS);
    let mut answers = BTreeMap::<u16, usize>::new();
    for (cookie, session_id) in &sessions {
        let get = Get::new(b.addr, "/api/account/me", Some(cookie));
        let (before, _) = on_b.fetch(&get).await?;
        if before != StatusCode::OK {
            return Err(format!("a fresh session answered {before} on B before its revoke").into());
        }
        let started = Instant::now();
        revoke_session(&client, a.addr, actor, session_id).await?;
        revokes.push(started.elapsed());
        let (after, _) = on_b.fetch(&get).await?;
        *answers.entry(after.as_u16()).or_default() += 1;
    }
    revokes.sort();
    Ok(figure(&answers, &revokes))
}

/// The row: how B answered the requests after the revokes, and the
/// revokes' sorted times.
fn figure(answers: &BTreeMap<u16, usize>, revokes: &[Duration]) -> Figure {
    let served = answers
        .get(&StatusCode::OK.as_u16())
        .copied()
        .unwrap_or_default();
    let outcomes = answers
        .iter()
        .map(|(status, count)| format!("{count} × {status}"))
        .collect::<Vec<_>>()
        .join(", ");
    Figure::new(
        what(),
        format!(
            "**{served} of {PAIRS} served** ({outcomes}); the revoke {}",
            p50_p99(revokes)
        ),
        target(),
        served == 0 && percentile(revokes, 99) < REVOKE_P99,
    )
}

#[cfg(test)]
mod tests {
    use bench::report::Table;

    use super::*;

    #[test]
    fn one_served_request_misses_the_target() {
        let fast: Vec<Duration> = (1..=100).map(|_| Duration::from_millis(2)).collect();
        let refused = BTreeMap::from([(401, PAIRS)]);
        let once_served = BTreeMap::from([(200, 1), (401, PAIRS - 1)]);
        assert!(figure_met(&refused, &fast));
        assert!(!figure_met(&once_served, &fast));
        let slow: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert!(!figure_met(&refused, &slow));
    }

    fn figure_met(answers: &BTreeMap<u16, usize>, revokes: &[Duration]) -> bool {
        let mut table = Table::new();
        table.push(figure(answers, revokes));
        table.markdown("here").contains("| yes |")
    }
}
