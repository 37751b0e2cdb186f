//! Revoke on instance A → live stream closed on instance B, over one
//! PostgreSQL (LISTEN/NOTIFY). Run by `make bench-instances`, which starts a
//! throw-away PostgreSQL. Prints p50, p99 and max over the revokes.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use auth::SystemClock;
use auth::testing::TestDb;
use bench::{BoxError, SESSION_COOKIE, millis, percentile, revoke_session};
use futures_util::StreamExt;
use serde_json::{Value, json};
use server::{Application, Config, StartupError};
use testkit::cookie_pair;

/// Revokes measured (after a few warm-up ones).
const REVOKES: usize = 1_000;
const WARM_UP: usize = 20;
const PASSWORD: &str = "benchmark password 1";

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    if std::env::var(auth::testing::POSTGRES_URL_VAR).is_err() {
        return Err(format!(
            "set {} (make bench-instances does)",
            auth::testing::POSTGRES_URL_VAR
        )
        .into());
    }
    let db = TestDb::new().await;
    let a = start_instance(&db.url, |_| {}).await?;
    let b = start_instance(&db.url, |_| {}).await?;
    let client = reqwest::Client::new();
    let signup = client
        .post(format!("http://{a}/api/auth/signup"))
        .json(&json!({"account_name": "Bench", "name": "Bench", "email": "bench@example.com", "password": PASSWORD}))
        .send()
        .await?;
    let actor = cookie_pair(signup.headers(), SESSION_COOKIE).ok_or("no session cookie")?;

    let mut samples = Vec::with_capacity(REVOKES);
    for round in 0..WARM_UP + REVOKES {
        // A session signed in on B, with its stream open on B.
        let login = client
            .post(format!("http://{b}/api/auth/login"))
            .json(&json!({"email": "bench@example.com", "password": PASSWORD}))
            .send()
            .await?;
        let cookie = cookie_pair(login.headers(), SESSION_COOKIE).ok_or("no session cookie")?;
        let session_id = login.json::<Value>().await?["session_id"].clone();
        let stream = client
            .get(format!("http://{b}/api/events"))
            .header("cookie", &cookie)
            .send()
            .await?;
        let mut body = stream.bytes_stream();
        body.next().await.ok_or("no first event")??;

        let started = Instant::now();
        let revoke = revoke_session(&client, a, &actor, &session_id);
        let (revoked, elapsed) = tokio::join!(revoke, async {
            // Read to the end of the stream: B closed it.
            while let Ok(Some(Ok(_))) =
                tokio::time::timeout(Duration::from_secs(5), body.next()).await
            {}
            started.elapsed()
        });
        revoked?;

        if round >= WARM_UP {
            samples.push(elapsed);
        }
    }
    samples.sort();
    println!(
        "Revoke on instance A -> stream closed on instance B (PostgreSQL LISTEN/NOTIFY), {REVOKES} revokes:"
    );
    println!("| p50 | p99 | max |");
    println!("|---|---|---|");
    println!(
        "| {} | {} | {} |",
        millis(percentile(&samples, 50)),
        millis(percentile(&samples, 99)),
        millis(percentile(&samples, 100))
    );
    Ok(())
}

/// A server on `database_url` on a free loopback port, with limits opened
/// up for load; returns its address.
pub async fn start_instance(
    database_url: &str,
    configure: impl FnOnce(&mut Config),
) -> Result<std::net::SocketAddr, StartupError> {
    let mut config = Config::defaults();
    config.listen = ([127, 0, 0, 1], 0).into();
    config.database_url = database_url.to_owned();
    config.demo = false;
    config.dev = false;
    config.login_rate_per_ip = NonZeroU32::MAX;
    config.login_rate_per_email_hour = NonZeroU32::MAX;
    config.max_sessions_per_user = 100_000;
    config.live_per_credential = usize::MAX;
    config.live_per_address = usize::MAX;
    configure(&mut config);
    let app = Application::build(&config, Arc::new(SystemClock)).await?;
    let addr = app.addr();
    tokio::spawn(app.run_until_stopped());
    Ok(addr)
}
