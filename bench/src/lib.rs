//! Shared pieces of the benchmarks: putting load on servers, reading their
//! memory, and reporting the figures.

pub mod load;
pub mod process;
pub mod report;

use std::time::Duration;

/// Any error, for the benchmarks' own plumbing.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Our server's session cookie.
pub const SESSION_COOKIE: &str = "__Host-session";

/// `name=value` of the cookie called `name` that a response set.
pub fn cookie_set(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .find(|pair| pair.split_once('=').is_some_and(|(key, _)| key == name))
        .map(str::to_owned)
}

/// Revokes one session through the JSON-RPC endpoint of the server at
/// `addr`, as the signed-in `actor` (a `name=value` cookie).
pub async fn revoke_session(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
    actor: &str,
    session_id: &serde_json::Value,
) -> Result<(), BoxError> {
    client
        .post(format!("http://{addr}/api/rpc"))
        .header("cookie", actor)
        .json(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "account_session_revoke", "params": {"session_id": session_id}}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// The `p`-th percentile (0..=100) of sorted samples, nearest rank.
pub fn percentile(sorted: &[Duration], p: u32) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (usize::try_from(p).unwrap_or(100) * sorted.len()).div_ceil(100);
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Milliseconds with two decimals, for tables.
pub fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_cookie_is_picked_from_the_set_cookie_headers() {
        let response = reqwest::Response::from(
            hyper::Response::builder()
                .header("set-cookie", "theme=dark; Path=/")
                .header("set-cookie", "__Host-session=abc; HttpOnly; Secure")
                .body(String::new())
                .unwrap(),
        );
        assert_eq!(
            cookie_set(&response, SESSION_COOKIE).as_deref(),
            Some("__Host-session=abc")
        );
        assert_eq!(cookie_set(&response, "id"), None);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99), Duration::from_millis(99));
        assert_eq!(percentile(&samples, 100), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }
}
