//! Sessions bound to their device (DBSC): what a refresh costs (asked,
//! challenged, signed by the device, renewed: two round trips, a proof
//! check and a write), and the authenticated `GET` with a bound cookie
//! next to the same `GET` with an unbound one, as `make bench` measures
//! them on our release build.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bench::load::Get;
use bench::report::Figure;
use bench::{BoxError, SESSION_COOKIE, p50_p99, percentile};
use serde_json::{Value, json};
use testkit::{ServerProcess, TestDevice, cookie_pair};

use super::requests::median_throughputs;
use super::{MEASURED, PASSWORD, ROUNDS};

/// The bound `GET` against the unbound one.
const TO_UNBOUND: f64 = 0.9;
/// A whole refresh, both round trips, on this machine.
const REFRESH_P99: Duration = Duration::from_millis(20);

pub struct BoundFigures {
    pub refresh: Figure,
    pub get: Figure,
}

/// A session bound to a device: the cookie it keeps fresh and the
/// identifier it names the session by.
struct Bound {
    device: TestDevice,
    cookie: String,
    identifier: String,
}

pub async fn figures(ours: &ServerProcess, unbound_cookie: &str) -> Result<BoundFigures, BoxError> {
    let client = reqwest::Client::new();
    let bound = bind_new_session(&client, ours.addr).await?;
    // Before the refreshes below, which replace the bound cookie.
    eprintln!("authenticated GET, unbound and bound, {ROUNDS} rounds");
    let gets = [
        Get::new(ours.addr, "/api/account/me", Some(unbound_cookie)),
        Get::new(ours.addr, "/api/account/me", Some(&bound.cookie)),
    ];
    let [unbound_rate, bound_rate] = median_throughputs(&gets).await?;
    if unbound_rate.failed + bound_rate.failed > 0 {
        return Err("answers other than 200 to a bound or unbound session".into());
    }
    eprintln!("refreshes of a bound session, one after the other");
    let (refreshes, total) = refreshes(&client, ours.addr, &bound).await?;
    let to_unbound = bound_rate.per_second() / unbound_rate.per_second();
    Ok(BoundFigures {
        refresh: Figure::new(
            "refresh of a session bound to its device (403 with a challenge, then the signed proof checked and the next cookie written)",
            format!(
                "{} for both round trips ({} refreshes, {:.0}/s one after the other)",
                p50_p99(&refreshes),
                refreshes.len(),
                f64::from(u32::try_from(refreshes.len()).unwrap_or(u32::MAX)) / total.as_secs_f64()
            ),
            format!("p99 < {} ms", REFRESH_P99.as_millis()),
            percentile(&refreshes, 99) < REFRESH_P99,
        ),
        get: Figure::new(
            format!(
                "authenticated `GET` with a bound cookie, requests/s (median of {ROUNDS} rounds)"
            ),
            format!(
                "bound {:.0}, unbound {:.0}: **{to_unbound:.2}× unbound**",
                bound_rate.per_second(),
                unbound_rate.per_second()
            ),
            format!("≥ {TO_UNBOUND}× unbound"),
            to_unbound >= TO_UNBOUND,
        ),
    })
}

/// Signs a new user up and binds their session to a new device, as a
/// browser with Device Bound Session Credentials does.
async fn bind_new_session(client: &reqwest::Client, addr: SocketAddr) -> Result<Bound, BoxError> {
    let response = client
        .post(format!("http://{addr}/api/auth/signup"))
        .json(&json!({"account_name": "Bound", "name": "Bound", "email": "bound@example.com", "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?;
    let cookie = cookie_pair(response.headers(), SESSION_COOKIE).ok_or("no session cookie")?;
    let offer = header(&response, "secure-session-registration")?;
    let challenge = quoted_parameter(&offer, "challenge").ok_or("no challenge offered")?;
    let device = TestDevice::new();
    let registered = client
        .post(format!("http://{addr}/dbsc/register"))
        .header("cookie", &cookie)
        .header("secure-session-response", device.registration(&challenge))
        .send()
        .await?
        .error_for_status()?;
    let cookie = cookie_pair(registered.headers(), SESSION_COOKIE).ok_or("no bound cookie")?;
    let config: Value = registered.json().await?;
    let identifier = config["session_identifier"]
        .as_str()
        .ok_or("no session identifier")?
        .to_owned();
    Ok(Bound {
        device,
        cookie,
        identifier,
    })
}

/// Refreshes, one after the other, for `MEASURED`: each time of both round
/// trips (the device's signing between them not counted), sorted; and the
/// whole time taken.
async fn refreshes(
    client: &reqwest::Client,
    addr: SocketAddr,
    bound: &Bound,
) -> Result<(Vec<Duration>, Duration), BoxError> {
    let url = format!("http://{addr}/dbsc/refresh");
    let started = Instant::now();
    let mut samples = Vec::new();
    while started.elapsed() < MEASURED {
        let asked_at = Instant::now();
        let asked = client
            .post(&url)
            .header("sec-secure-session-id", &bound.identifier)
            .send()
            .await?;
        let asking = asked_at.elapsed();
        if asked.status() != reqwest::StatusCode::FORBIDDEN {
            return Err(format!("a refresh without a proof got {}", asked.status()).into());
        }
        let challenge = header(&asked, "secure-session-challenge")?;
        let challenge = challenge.split('"').nth(1).ok_or("no challenge")?;
        let proof = bound.device.refresh(challenge);
        let proved_at = Instant::now();
        client
            .post(&url)
            .header("sec-secure-session-id", &bound.identifier)
            .header("secure-session-response", proof)
            .send()
            .await?
            .error_for_status()?;
        samples.push(asking + proved_at.elapsed());
    }
    samples.sort();
    Ok((samples, started.elapsed()))
}

fn header(response: &reqwest::Response, name: &str) -> Result<String, BoxError> {
    Ok(response
        .headers()
        .get(name)
        .ok_or_else(|| format!("no {name}"))?
        .to_str()?
        .to_owned())
}

/// The value of `name="..."` in a structured-field header.
fn quoted_parameter(header: &str, name: &str) -> Option<String> {
    header
        .split(&format!("{name}=\""))
        .nth(1)?
        .split('"')
        .next()
        .map(str::to_owned)
}
