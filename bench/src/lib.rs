//! Shared pieces of the benchmarks: starting server instances, putting
//! load on them, and reporting the figures.

pub mod load;
pub mod process;
pub mod report;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use auth::SystemClock;
use server::{Application, Config, StartupError};

/// Any error, for the benchmarks' own plumbing.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
    configure(&mut config);
    let app = Application::build(&config, Arc::new(SystemClock)).await?;
    let addr = app.addr();
    tokio::spawn(app.run_until_stopped());
    Ok(addr)
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
    fn percentiles_use_the_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99), Duration::from_millis(99));
        assert_eq!(percentile(&samples, 100), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }
}
