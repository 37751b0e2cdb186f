//! Shared pieces of the benchmarks: putting load on servers, giving each
//! server measured on PostgreSQL a database of its own and reading what the
//! database did, and reporting the figures (starting servers and reading
//! cookies is `testkit`'s).

pub mod load;
pub mod postgres;
pub mod report;
pub mod wire;
pub mod wrk;

use std::time::Duration;

pub use testkit::{BoxError, SESSION_COOKIE};

/// Revokes one session through the JSON-RPC endpoint of the server at
/// `addr`, as the signed-in `actor` (a `name=value` cookie).
pub async fn revoke_session(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
    actor: &str,
    session_id: &serde_json::Value,
) -> Result<(), BoxError> {
    let params = serde_json::json!({"session_id": session_id});
    call(client, addr, actor, "account_session_revoke", params).await
}

/// Ends every session of the signed-in `actor` but the one it signs in
/// with ("sign out everywhere else").
pub async fn revoke_other_sessions(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
    actor: &str,
) -> Result<(), BoxError> {
    let params = serde_json::json!({"except_current": true});
    call(client, addr, actor, "account_session_revoke_all", params).await
}

/// One JSON-RPC call as `actor`; fails unless it is answered 200.
async fn call(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
    actor: &str,
    method: &str,
    params: serde_json::Value,
) -> Result<(), BoxError> {
    client
        .post(format!("http://{addr}/api/rpc"))
        .header("cookie", actor)
        .json(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// Raises this process's limit of open files (and so its children's)
/// towards `files`; returns the limit it has now. Above the hard limit
/// takes `CAP_SYS_RESOURCE`: without it, the limit stops at the hard one.
pub fn raise_open_files_limit(files: u64) -> Result<u64, BoxError> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let now = getrlimit(Resource::Nofile);
    if now.current.is_none_or(|current| current >= files) {
        return Ok(now.current.unwrap_or(files));
    }
    let wanted = Rlimit {
        current: Some(files),
        maximum: Some(files),
    };
    if setrlimit(Resource::Nofile, wanted).is_ok() {
        return Ok(files);
    }
    let hard = now.maximum.map_or(files, |maximum| maximum.min(files));
    let at_hard = Rlimit {
        current: Some(hard),
        maximum: now.maximum,
    };
    setrlimit(Resource::Nofile, at_hard)
        .map_err(|err| format!("cannot raise the open files limit to {hard}: {err}"))?;
    Ok(hard)
}

/// The `p`-th percentile (0..=100) of sorted samples, nearest rank.
pub fn percentile(sorted: &[Duration], p: u32) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (usize::try_from(p).unwrap_or(100) * sorted.len()).div_ceil(100);
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// "p50 …, p99 …" of sorted samples, for tables.
pub fn p50_p99(sorted: &[Duration]) -> String {
    format!(
        "p50 {}, p99 {}",
        millis(percentile(sorted, 50)),
        millis(percentile(sorted, 99))
    )
}

/// Milliseconds with two decimals, for tables.
pub fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99), Duration::from_millis(99));
        assert_eq!(percentile(&samples, 100), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn the_median_and_p99_are_said_in_milliseconds() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(p50_p99(&samples), "p50 50.00 ms, p99 99.00 ms");
    }
}
