//! The outage figure: PostgreSQL cut away under a signed-in user (a proxy
//! between our server and the database drops every connection and refuses
//! new ones), the authenticated `GET` one request after the other while it
//! is gone, then the database back, timed until the `GET` is served again.

use std::time::{Duration, Instant};

use bench::BoxError;
use bench::report::Figure;
use reqwest::StatusCode;
use testkit::CutProxy;

use super::{Args, start_ours};

/// How long the database stays gone.
const GONE_FOR: Duration = Duration::from_secs(3);
/// An answer slower than this misses the target.
const AT_ONCE: Duration = Duration::from_secs(1);
/// The target for being served again once the database is back.
const BACK_WITHIN: Duration = Duration::from_secs(5);
/// A request is given up after this (it counts as unanswered).
const PATIENCE: Duration = Duration::from_secs(15);
const EMAIL: &str = "outage@example.com";

/// What was answered while the database was gone.
#[derive(Default)]
struct Answers {
    unavailable: usize,
    served: usize,
    other: usize,
    without_retry_after: usize,
    slowest: Duration,
}

/// The outage row, on a server of ours using the database `url` through a
/// proxy the figure cuts.
pub async fn figure(args: &Args, url: &str) -> Result<Figure, BoxError> {
    eprintln!("PostgreSQL cut away for {GONE_FOR:?} under a signed-in user");
    let proxy = CutProxy::in_front_of(url).await?;
    let server = start_ours(args, &proxy.reroute(url)).await?;
    let cookie = super::sign_up(server.addr, EMAIL).await?;
    let client = reqwest::Client::builder().timeout(PATIENCE).build()?;
    let me = format!("http://{}/api/account/me", server.addr);
    let get = || client.get(&me).header("cookie", &cookie).send();
    if get().await?.status() != StatusCode::OK {
        return Err("the authenticated GET failed before the outage".into());
    }

    proxy.cut();
    let gone = Instant::now();
    let mut answers = Answers::default();
    while gone.elapsed() < GONE_FOR {
        let started = Instant::now();
        let response = get().await?;
        answers.slowest = answers.slowest.max(started.elapsed());
        match response.status() {
            StatusCode::SERVICE_UNAVAILABLE => {
                answers.unavailable += 1;
                if !response.headers().contains_key("retry-after") {
                    answers.without_retry_after += 1;
                }
            }
            StatusCode::OK => answers.served += 1,
            _ => answers.other += 1,
        }
    }

    proxy.restore();
    let back = Instant::now();
    while get().await?.status() != StatusCode::OK {
        if back.elapsed() > PATIENCE {
            return Err("not served again after the database came back".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let served_again = back.elapsed();
    drop(server);
    Ok(outage_figure(&answers, served_again))
}

fn outage_figure(answers: &Answers, served_again: Duration) -> Figure {
    let total = answers.unavailable + answers.served + answers.other;
    Figure::new(
        what(),
        format!(
            "{total} answers while it was gone, the slowest in {}: {} × 503 `unavailable` \
             ({} without `Retry-After`), {} × 200 (kept reads still proven fresh, in the first \
             lease), {} other; **200 again {} after its return**",
            bench::millis(answers.slowest),
            answers.unavailable,
            answers.without_retry_after,
            answers.served,
            answers.other,
            bench::millis(served_again),
        ),
        target(),
        answers.slowest < AT_ONCE
            && answers.other == 0
            && answers.without_retry_after == 0
            && served_again < BACK_WITHIN,
    )
}

pub fn what() -> String {
    format!(
        "PostgreSQL gone under a signed-in user (a proxy drops the server's connections to it), \
         the authenticated `GET` one after the other for {} s, then the database back",
        GONE_FOR.as_secs()
    )
}

pub fn target() -> String {
    format!(
        "every answer within {} s (503 with `Retry-After`), 200 again within {} s",
        AT_ONCE.as_secs(),
        BACK_WITHIN.as_secs()
    )
}
