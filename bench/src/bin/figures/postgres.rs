//! The PostgreSQL figures, on the server `make bench` starts: the
//! authenticated `GET` on one instance of ours next to the peer on
//! PostgreSQL (tower-sessions' PostgreSQL store), and next to ours on
//! SQLite; two instances of ours on one database, each under its own load,
//! with what the database itself read meanwhile; a revoke on one
//! instance followed by the session's next request on the other; and the
//! database going away under a signed-in user.
//!
//! Ours and the peer each get a database of their own on the same server,
//! so neither sees the other's tables and `pg_stat_database` counts one
//! server's work; both are removed at the end.

use bench::BoxError;
use bench::load::{self, Get, Throughput};
use bench::postgres::{self, Activity, Database};
use bench::report::Figure;

use super::outage;
use super::requests::{peer_login, start_peer};
use super::revoke_across::{self, revoke_across};
use super::{Args, CONNECTIONS, EMAIL, MEASURED, ROUNDS, WARM_UP, sign_up, start_ours};

/// One instance of ours against the peer on PostgreSQL.
const TO_PEER: f64 = 2.0;
/// One instance of ours on PostgreSQL against ours on SQLite.
const TO_SQLITE: f64 = 0.8;
/// Two instances on one database against one.
const TWO_TO_ONE: f64 = 1.8;

/// The PostgreSQL rows, measured on the server of `admin_url` (a URL of a
/// database that exists there); `ours_on_sqlite` is the authenticated
/// `GET`'s rate on SQLite, which the first row is held to.
pub async fn figures(
    args: &Args,
    admin_url: &str,
    ours_on_sqlite: Throughput,
) -> Result<Vec<Figure>, BoxError> {
    let run = std::process::id();
    let ours = Database::create(admin_url, &format!("latchkey_bench_ours_{run}")).await?;
    let peer = Database::create(admin_url, &format!("latchkey_bench_peer_{run}")).await?;
    let figures = measure(args, &ours, &peer, ours_on_sqlite).await;
    for database in [ours, peer] {
        if let Err(err) = database.remove().await {
            eprintln!("a benchmark database was left on the server: {err}");
        }
    }
    figures
}

/// The PostgreSQL rows when no PostgreSQL was given (`make bench` starts
/// one).
pub fn not_measured() -> Vec<Figure> {
    let not_measured =
        "not measured: no `--postgres-url` (`make bench` starts a throw-away PostgreSQL)";
    vec![
        Figure::new(
            one_instance_what(),
            not_measured,
            one_instance_target(),
            false,
        ),
        Figure::new(
            two_instances_what(),
            not_measured,
            two_instances_target(),
            false,
        ),
        Figure::new(
            revoke_across::what(),
            not_measured,
            revoke_across::target(),
            false,
        ),
        Figure::new(outage::what(), not_measured, outage::target(), false),
    ]
}

async fn measure(
    args: &Args,
    ours_db: &Database,
    peer_db: &Database,
    ours_on_sqlite: Throughput,
) -> Result<Vec<Figure>, BoxError> {
    let a = start_ours(args, &ours_db.url).await?;
    let cookie = sign_up(a.addr, EMAIL).await?;
    let peer_server = start_peer(&args.peer, &peer_db.url).await?;
    let peer_cookie = peer_login(peer_server.addr).await?;
    let ours_get = Get::new(a.addr, "/api/account/me", Some(&cookie));
    let peer_get = Get::new(peer_server.addr, "/me", Some(&peer_cookie));

    eprintln!("authenticated GET on PostgreSQL: ours, the peer, {ROUNDS} rounds");
    let (mut ours_rounds, mut peer_rounds) = (Vec::new(), Vec::new());
    let mut one_db = Activity::default();
    for _ in 0..ROUNDS {
        let (ours, activity) =
            postgres::during(ours_db, WARM_UP, MEASURED, measured(&ours_get)).await?;
        let peer = measured(&peer_get).await?;
        if ours.failed + peer.failed > 0 {
            return Err(format!(
                "answers other than 200 on PostgreSQL: ours {}, peer {}",
                ours.failed, peer.failed
            )
            .into());
        }
        ours_rounds.push(ours);
        peer_rounds.push(peer);
        one_db += activity;
    }
    drop(peer_server);
    let (one, peer_rate) = (median(ours_rounds), median(peer_rounds));

    eprintln!("authenticated GET on PostgreSQL, two instances on one database, {ROUNDS} rounds");
    let b = start_ours(args, &ours_db.url).await?;
    let also = Get::new(b.addr, "/api/account/me", Some(&cookie));
    let mut two_rounds = Vec::with_capacity(ROUNDS);
    let mut two_db = Activity::default();
    for _ in 0..ROUNDS {
        let both = async {
            let (on_a, on_b) = tokio::join!(measured(&ours_get), measured(&also));
            Ok::<_, BoxError>((on_a?, on_b?))
        };
        let ((on_a, on_b), activity) = postgres::during(ours_db, WARM_UP, MEASURED, both).await?;
        if on_a.failed + on_b.failed > 0 {
            return Err("answers other than 200 on two instances on PostgreSQL".into());
        }
        two_rounds.push(on_a.per_second() + on_b.per_second());
        two_db += activity;
    }
    two_rounds.sort_by(f64::total_cmp);
    let two = two_rounds[two_rounds.len() / 2];

    let across = revoke_across(&a, &b, &cookie).await?;
    drop((a, b));
    let outage = outage::figure(args, &ours_db.url).await?;
    Ok(vec![
        one_instance_figure(one, peer_rate, ours_on_sqlite),
        two_instances_figure(two, one, one_db, two_db),
        across,
        outage,
    ])
}

/// The authenticated `GET` with `CONNECTIONS` connections for `MEASURED`,
/// after `WARM_UP`.
async fn measured(get: &Get) -> Result<Throughput, BoxError> {
    load::throughput(get, CONNECTIONS, WARM_UP, MEASURED).await
}

fn median(mut rounds: Vec<Throughput>) -> Throughput {
    rounds.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
    rounds[rounds.len() / 2]
}

fn one_instance_what() -> String {
    format!(
        "authenticated `GET` on PostgreSQL, one instance, requests/s ({CONNECTIONS} connections, median of {ROUNDS} rounds)"
    )
}

fn one_instance_target() -> String {
    format!("≥ {TO_PEER}× the peer on PostgreSQL, ≥ {TO_SQLITE}× ours on SQLite")
}

fn one_instance_figure(ours: Throughput, peer: Throughput, on_sqlite: Throughput) -> Figure {
    let to_peer = ours.per_second() / peer.per_second();
    let to_sqlite = ours.per_second() / on_sqlite.per_second();
    Figure::new(
        one_instance_what(),
        format!(
            "ours {:.0}, the peer on PostgreSQL {:.0}, ours on SQLite {:.0}: \
             **{to_peer:.2}× the peer on PostgreSQL, {to_sqlite:.2}× ours on SQLite**",
            ours.per_second(),
            peer.per_second(),
            on_sqlite.per_second()
        ),
        one_instance_target(),
        to_peer >= TO_PEER && to_sqlite >= TO_SQLITE,
    )
}

fn two_instances_what() -> String {
    format!(
        "authenticated `GET` on PostgreSQL, two instances on one database, each under its own load, requests/s together ({CONNECTIONS} connections each, median of {ROUNDS} rounds); the database's own work (`pg_stat_database`)"
    )
}

fn two_instances_target() -> String {
    format!("≥ {TWO_TO_ONE}× one instance")
}

fn two_instances_figure(two: f64, one: Throughput, one_db: Activity, two_db: Activity) -> Figure {
    let to_one = two / one.per_second();
    Figure::new(
        two_instances_what(),
        format!(
            "{two:.0}: **{to_one:.2}× one instance**; the database read {} with one instance, \
             {} with two",
            database_work(&one_db),
            database_work(&two_db)
        ),
        two_instances_target(),
        to_one >= TWO_TO_ONE,
    )
}

/// "N rows/s (T transactions/s, W rows written/s)".
fn database_work(activity: &Activity) -> String {
    format!(
        "{:.0} rows/s ({:.0} transactions/s, {:.0} rows written/s)",
        activity.rows_read_per_second(),
        activity.transactions_per_second(),
        activity.rows_written_per_second()
    )
}
