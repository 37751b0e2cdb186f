//! wrk (Debian's), a load generator from outside this project, for a second
//! opinion on a requests figure: it should not rest on our own client alone.

use std::time::Duration;

use tokio::process::Command;

use crate::BoxError;
use crate::load::Get;

/// Requests per second wrk measured for `get` on one thread over
/// `connections` keep-alive connections for `span`. Fails when wrk is
/// missing, or saw an error or any answer but 2xx/3xx.
pub async fn requests_per_second(
    get: &Get,
    connections: usize,
    span: Duration,
) -> Result<f64, BoxError> {
    let mut command = Command::new("wrk");
    command
        .args(["--threads", "1"])
        .arg(format!("--connections={connections}"))
        .arg(format!("--duration={}s", span.as_secs().max(1)));
    if let Some(cookie) = &get.cookie {
        command.arg("--header").arg(format!("Cookie: {cookie}"));
    }
    let output = command
        .arg(format!("http://{}{}", get.addr, get.path))
        .output()
        .await
        .map_err(|err| format!("wrk: {err} (scripts/install-test-deps.sh installs it)"))?;
    let printed = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk failed: {printed}{}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    rate_in(&printed).ok_or_else(|| format!("wrk GET {}: {printed}", get.path).into())
}

/// The `Requests/sec` wrk printed, if the run had no errors and every
/// answer was 2xx or 3xx.
fn rate_in(printed: &str) -> Option<f64> {
    let failed = ["Non-2xx or 3xx responses", "Socket errors"];
    if printed
        .lines()
        .any(|line| failed.iter().any(|f| line.trim_start().starts_with(f)))
    {
        return None;
    }
    printed
        .lines()
        .find_map(|line| line.trim().strip_prefix("Requests/sec:"))
        .and_then(|rate| rate.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "Running 3s test @ http://127.0.0.1:4000/api/account/me
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   520.11us  101.20us   3.10ms   90.00%
    Req/Sec    61.2k     1.1k    63.0k    80.00%
  182700 requests in 3.00s, 40.12MB read
Requests/sec:  60885.47
Transfer/sec:     13.37MB
";

    #[test]
    fn the_rate_is_read_from_a_clean_run() {
        assert_eq!(rate_in(RUN), Some(60885.47));
    }

    #[test]
    fn a_run_with_failed_answers_or_errors_gives_no_rate() {
        let refused = RUN.replace(
            "Requests/sec",
            "  Non-2xx or 3xx responses: 12\nRequests/sec",
        );
        assert_eq!(rate_in(&refused), None);
        let broken = RUN.replace(
            "Requests/sec",
            "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec",
        );
        assert_eq!(rate_in(&broken), None);
        assert_eq!(rate_in("garbage"), None);
    }
}
