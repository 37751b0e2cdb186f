//! Databases of their own on the PostgreSQL server `make bench` starts, one
//! for each server measured on it (so that neither sees the other's tables,
//! and each database's statistics are one server's), and what a database
//! did over a span of time, from `pg_stat_database`. Both through `psql`,
//! which comes with the PostgreSQL the benchmark needs anyway.
//!
//! PostgreSQL's backends report their counts at most once a second (when
//! they finish a statement a second or more after their last report), so a
//! sample misses what each backend did since its last report. Under load
//! every backend reports a moment after the load starts and then every
//! second: two samples a whole number of seconds apart see each backend at
//! the same point of its second, and what they miss is the same. A backend
//! that goes idle keeps its last second to itself for ten seconds, so both
//! samples are taken while the load still runs. (Measured here: a sample
//! taken as a 4 s load ended missed a quarter of its transactions; samples
//! not whole seconds apart were off by about a sixth.)

use std::ops::AddAssign;
use std::time::{Duration, Instant};

use tokio::process::Command;

use crate::BoxError;

/// A database of its own, created for a run and removed after it.
#[derive(Debug)]
pub struct Database {
    /// A URL of the server's existing database, to create, inspect and
    /// remove this one from.
    admin_url: String,
    name: String,
    /// This database's URL, for the server measured on it.
    pub url: String,
}

impl Database {
    /// Creates the database `name` (lowercase letters, digits and `_`) on
    /// the server of `admin_url`.
    pub async fn create(admin_url: &str, name: &str) -> Result<Self, BoxError> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!("not a database name for the benchmark: {name:?}").into());
        }
        let url = with_database(admin_url, name)?;
        psql(admin_url, &format!("CREATE DATABASE {name}")).await?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            name: name.to_owned(),
            url,
        })
    }

    /// What this database has done since its server started.
    pub async fn counters(&self) -> Result<Counters, BoxError> {
        let out = psql(
            &self.admin_url,
            &format!(
                "SELECT xact_commit, tup_fetched, tup_inserted + tup_updated + tup_deleted \
                 FROM pg_stat_database WHERE datname = '{}'",
                self.name
            ),
        )
        .await?;
        Counters::parse(&out).ok_or_else(|| format!("pg_stat_database answered {out:?}").into())
    }

    /// Removes the database, with whatever is still connected to it.
    pub async fn remove(self) -> Result<(), BoxError> {
        psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        )
        .await?;
        Ok(())
    }
}

/// `pg_stat_database`'s counts for one database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Transactions committed (`xact_commit`): one per statement outside a
    /// transaction.
    pub transactions: u64,
    /// Rows read by index scans (`tup_fetched`).
    pub rows_read: u64,
    /// Rows inserted, updated and deleted.
    pub rows_written: u64,
}

impl Counters {
    /// `psql -At`'s line: the three counts separated by `|`.
    fn parse(out: &str) -> Option<Self> {
        let mut counts = out.trim().split('|').map(|n| n.parse::<u64>().ok());
        let counters = Self {
            transactions: counts.next()??,
            rows_read: counts.next()??,
            rows_written: counts.next()??,
        };
        counts.next().is_none().then_some(counters)
    }
}

/// What a database did over measured spans of time, added up.
#[derive(Clone, Copy, Debug, Default)]
pub struct Activity {
    done: Counters,
    elapsed: Duration,
}

impl Activity {
    /// What was done between the samples `before` and `after` (each taken
    /// at the instant beside it).
    pub fn between(before: (Instant, Counters), after: (Instant, Counters)) -> Self {
        Self {
            done: Counters {
                transactions: after.1.transactions.saturating_sub(before.1.transactions),
                rows_read: after.1.rows_read.saturating_sub(before.1.rows_read),
                rows_written: after.1.rows_written.saturating_sub(before.1.rows_written),
            },
            elapsed: after.0.saturating_duration_since(before.0),
        }
    }

    pub fn transactions_per_second(&self) -> f64 {
        self.per_second(self.done.transactions)
    }

    pub fn rows_read_per_second(&self) -> f64 {
        self.per_second(self.done.rows_read)
    }

    pub fn rows_written_per_second(&self) -> f64 {
        self.per_second(self.done.rows_written)
    }

    #[allow(clippy::cast_precision_loss)]
    fn per_second(&self, count: u64) -> f64 {
        if self.elapsed.is_zero() {
            return 0.0;
        }
        count as f64 / self.elapsed.as_secs_f64()
    }
}

impl AddAssign for Activity {
    fn add_assign(&mut self, other: Self) {
        self.done.transactions += other.done.transactions;
        self.done.rows_read += other.done.rows_read;
        self.done.rows_written += other.done.rows_written;
        self.elapsed += other.elapsed;
    }
}

/// How long after the warm-up the first sample is taken: away from the
/// moment each backend reports, a second after the load started.
const INTO_THE_SECOND: Duration = Duration::from_millis(250);
/// How long before the end of the load the last sample may be taken at the
/// latest, so that its backends are still busy and `psql` has answered.
const BEFORE_THE_END: Duration = Duration::from_millis(500);

/// Samples `database` a moment after `warm_up`, then again a whole number
/// of seconds later, before `measured` is over, while `load` runs (started
/// at the same moment, so its measured span is the same): what `load`
/// answered and what the database did meanwhile. Each sample is dated
/// halfway through its `psql`.
pub async fn during<T>(
    database: &Database,
    warm_up: Duration,
    measured: Duration,
    load: impl Future<Output = Result<T, BoxError>>,
) -> Result<(T, Activity), BoxError> {
    let seconds = measured
        .saturating_sub(INTO_THE_SECOND + BEFORE_THE_END)
        .as_secs();
    if seconds == 0 {
        return Err("the measured span is too short to sample the database in".into());
    }
    let sampling = async {
        let started = Instant::now();
        tokio::time::sleep(warm_up + INTO_THE_SECOND).await;
        let before = sample(database).await?;
        let last = started + warm_up + INTO_THE_SECOND + Duration::from_secs(seconds);
        tokio::time::sleep_until(last.into()).await;
        let after = sample(database).await?;
        Ok::<_, BoxError>(Activity::between(before, after))
    };
    let (loaded, activity) = tokio::join!(load, sampling);
    Ok((loaded?, activity?))
}

async fn sample(database: &Database) -> Result<(Instant, Counters), BoxError> {
    let asked = Instant::now();
    let counters = database.counters().await?;
    Ok((asked + asked.elapsed() / 2, counters))
}

/// `admin_url` with its database replaced by `name`.
fn with_database(admin_url: &str, name: &str) -> Result<String, BoxError> {
    let mut url = reqwest::Url::parse(admin_url)?;
    url.set_path(&format!("/{name}"));
    Ok(url.into())
}

/// Runs one statement with `psql` on the database of `url`; what it
/// printed, unaligned and without headers.
async fn psql(url: &str, statement: &str) -> Result<String, BoxError> {
    let out = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
        ])
        .arg(statement)
        .output()
        .await
        .map_err(|err| format!("psql could not be run ({err}); is PostgreSQL installed?"))?;
    if !out.status.success() {
        return Err(format!(
            "psql `{statement}` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_of_its_own_keeps_the_server_and_its_options() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "bench_ours").unwrap(),
            "postgres://postgres@127.0.0.1:5432/bench_ours"
        );
        assert_eq!(
            with_database("postgres://u:p@db:5432/app?sslmode=disable", "bench_peer").unwrap(),
            "postgres://u:p@db:5432/bench_peer?sslmode=disable"
        );
    }

    #[test]
    fn the_counts_are_read_from_psqls_line() {
        assert_eq!(
            Counters::parse("120|3400|56\n"),
            Some(Counters {
                transactions: 120,
                rows_read: 3400,
                rows_written: 56
            })
        );
        assert_eq!(Counters::parse(""), None);
        assert_eq!(Counters::parse("1|2"), None);
        assert_eq!(Counters::parse("1|2|3|4"), None);
        assert_eq!(Counters::parse("1|x|3"), None);
    }

    #[test]
    fn activity_is_a_rate_over_every_span_added() {
        let start = Instant::now();
        let counts = |transactions, rows_read, rows_written| Counters {
            transactions,
            rows_read,
            rows_written,
        };
        let mut activity = Activity::between(
            (start, counts(100, 1_000, 10)),
            (start + Duration::from_secs(2), counts(300, 3_000, 30)),
        );
        activity += Activity::between(
            (start, counts(0, 0, 0)),
            (start + Duration::from_secs(2), counts(200, 1_000, 10)),
        );
        assert!((activity.transactions_per_second() - 100.0).abs() < 1e-9);
        assert!((activity.rows_read_per_second() - 750.0).abs() < 1e-9);
        assert!((activity.rows_written_per_second() - 7.5).abs() < 1e-9);
        assert!(Activity::default().rows_read_per_second().abs() < 1e-9);
    }
}
