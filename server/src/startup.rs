//! Building the app as a value: `Application::build` binds the port (0 for
//! any free one) so tests can run the real server side by side.

use std::net::SocketAddr;
use std::sync::Arc;

use api::paths;
use auth::mail::{Courier, CourierSettings};
use auth::{Auth, Backend, Clock, DatabaseClock, Db, DemoAccount, OutsideWrites};
use axum::Router;
use axum::serve::ListenerExt as _;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

use crate::config::{ClockSource, Config};
use crate::cookies::CookieMode;
use crate::jobs;
use crate::live::{ChangeFeed, ConnectionHub, ConnectionLimits};
use crate::routes::client_errors::report_limit;
use crate::state::{AppState, Shared};

/// How often the clock is set by the database's again.
const CLOCK_SETTING_INTERVAL: std::time::Duration = std::time::Duration::from_mins(10);
/// How often a server on SQLite looks whether another process committed
/// (an operator command): its changes reach live connections within this.
const OUTSIDE_WRITES_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);
/// A local clock further off the database's than this is logged.
const CLOCK_OFF_WARNING_MS: i64 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "development mode sends the session cookie over plain HTTP, so it may only listen on a loopback address, not {0}"
    )]
    DevelopmentNotOnLoopback(SocketAddr),
    #[error("database: {0}")]
    Database(#[from] auth::DbError),
    #[error("{0}")]
    Auth(#[from] auth::AuthError),
    #[error("{0}")]
    GeoIp(#[from] auth::PlacesError),
    #[error("metrics: {0}")]
    Metrics(String),
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsError),
    #[error("mail: {0}")]
    Mail(String),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub struct Application {
    listener: TcpListener,
    /// Set when this server speaks HTTPS itself.
    tls: Option<Arc<rustls::ServerConfig>>,
    router: Router,
    addr: SocketAddr,
    auth: Auth,
    demo: Option<DemoAccount>,
    cleanup_interval: std::time::Duration,
    /// Set when the clock follows the database's.
    database_clock: Option<Arc<DatabaseClock>>,
    /// Where metrics are served, when they are.
    metrics: Option<(TcpListener, metrics_exporter_prometheus::PrometheusHandle)>,
    /// On SQLite: what tells this server of the operator commands' changes.
    outside_writes: Option<(ChangeFeed, OutsideWrites)>,
    /// Sends the outbox's mail; none with `--no-mail`.
    courier: Option<Courier>,
}

impl Application {
    pub async fn build(config: &Config, clock: Arc<dyn Clock>) -> Result<Self, StartupError> {
        if config.dev && !config.listen.ip().is_loopback() {
            return Err(StartupError::DevelopmentNotOnLoopback(config.listen));
        }
        // First, so that nothing counted while starting is lost.
        let metrics = match config.metrics_listen {
            Some(addr) => {
                let handle = crate::metrics::recorder().map_err(StartupError::Metrics)?;
                Some((bind(addr).await?, handle))
            }
            None => None,
        };
        // Before the database is opened (and migrated): a GeoIP database
        // that cannot be read stops the start.
        let settings = config.session_settings()?;
        let db = Db::connect(&config.database_url).await?;
        let (clock, database_clock) = match config.clock {
            ClockSource::Local => (clock, None),
            ClockSource::Database => {
                let set = Arc::new(DatabaseClock::new(clock));
                let offset_ms = set.set_by(&db).await?;
                if offset_ms.abs() > CLOCK_OFF_WARNING_MS {
                    tracing::warn!(
                        offset_ms,
                        "this machine's clock is off the database's; using the database's"
                    );
                }
                (set.clone() as Arc<dyn Clock>, Some(set))
            }
        };
        let hub = ConnectionHub::new(ConnectionLimits {
            per_credential: config.live_per_credential,
            per_address: config.live_per_address,
        });
        let feed = match db.backend() {
            Backend::Sqlite => ChangeFeed::local(hub.clone()),
            Backend::Postgres => {
                ChangeFeed::publishing(hub.clone(), db.clone(), instance_id(), config.feed_retry)
            }
        };
        let auth = Auth::new(db, clock, settings, Arc::new(feed.clone())).await?;
        if auth.db().backend() == Backend::Postgres {
            tokio::spawn(feed.clone().listen(
                auth.clone(),
                config.database_url.clone(),
                config.feed_retry,
            ));
        }
        let courier = courier(config, &auth)?;
        let outside_writes = match auth.db().backend() {
            Backend::Sqlite => Some((feed.clone(), auth.db().watch_outside_writes().await?)),
            Backend::Postgres => None,
        };
        let demo = if config.dev && config.demo {
            auth.create_demo_account_if_empty().await?
        } else {
            None
        };
        let tls = match (&config.tls_cert, &config.tls_key) {
            (Some(cert), Some(key)) => Some(crate::tls::server_config(cert, key)?),
            _ => None,
        };
        let listener = bind(config.listen).await?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.listen,
            source,
        })?;
        let cookies = if config.dev {
            CookieMode::Development
        } else {
            CookieMode::Secure
        };
        let state = AppState::new(Shared {
            auth: auth.clone(),
            hub,
            feed,
            cookies,
            trusted_origins: config.trusted_origins.clone().into(),
            protected_origins: config.protected_origins.clone().into(),
            trusted_proxies: config.trusted_proxies.clone().into(),
            leptos_options: leptos_options(config, addr),
            client_reports: report_limit(),
            ws_ping_interval: config.ws_ping_interval,
        });
        Ok(Self {
            listener,
            tls,
            router: if metrics.is_some() {
                // Only when they are served: with no recorder the labels
                // would be worked out for nothing on every request.
                crate::router::router(state)
                    .layer(axum::middleware::from_fn(crate::metrics::count_requests))
            } else {
                crate::router::router(state)
            },
            addr,
            auth,
            demo,
            cleanup_interval: config.cleanup_interval,
            database_clock,
            metrics,
            outside_writes,
            courier,
        })
    }

    /// The address actually bound (the real port when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The demo account's sign-in details, when one was just created.
    pub fn take_demo_account(&mut self) -> Option<DemoAccount> {
        self.demo.take()
    }

    /// Where metrics are served, when they are.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// Serves, with the background jobs, until the process is asked to stop
    /// (Ctrl-C or SIGTERM); then writes pending activity and closes the
    /// database.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let cleanup = tokio::spawn(jobs::clean_up_periodically(
            self.auth.clone(),
            self.cleanup_interval,
        ));
        let courier = self.courier.map(|courier| tokio::spawn(courier.run()));
        let metrics = self.metrics.map(|(listener, handle)| {
            tokio::spawn(crate::metrics::serve(listener, handle, self.auth.clone()))
        });
        let following_clock = self.database_clock.map(|clock| {
            tokio::spawn(jobs::follow_database_clock(
                clock,
                self.auth.db().clone(),
                CLOCK_SETTING_INTERVAL,
            ))
        });
        let following_outside = self.outside_writes.map(|(feed, outside)| {
            tokio::spawn(feed.follow_outside_writes(
                outside,
                self.auth.clone(),
                OUTSIDE_WRITES_INTERVAL,
            ))
        });
        let app = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        // Small answers and the live stream's last event go out at once,
        // not after the peer's delayed ACK (Nagle's algorithm).
        let served = if let Some(tls) = self.tls {
            let listener = crate::tls::TlsListener::new(self.listener, tls)?
                .tap_io(|tls| no_delay(tls.get_ref().0));
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await
        } else {
            let listener = self.listener.tap_io(|tcp| no_delay(tcp));
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await
        };
        cleanup.abort();
        if let Some(courier) = courier {
            courier.abort();
        }
        if let Some(following) = following_clock {
            following.abort();
        }
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        if let Some(following) = following_outside {
            following.abort();
        }
        self.auth.flush().await;
        self.auth.db().close().await;
        served
    }
}

fn no_delay(tcp: &tokio::net::TcpStream) {
    if let Err(err) = tcp.set_nodelay(true) {
        tracing::debug!(%err, "could not set TCP_NODELAY");
    }
}

/// Tells this process apart from the other instances on the change feed.
fn instance_id() -> String {
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{:x}-{:x}", std::process::id(), started.as_nanos())
}

fn leptos_options(config: &Config, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("latchkey")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir(paths::BUILT_FILES.trim_start_matches('/'))
        .site_addr(addr)
        .hash_files(hashed_front_end())
        .build()
}

/// Whether the built front end's files have hashed names: cargo-leptos
/// then lists them in `hash.txt` beside this binary, where Leptos reads
/// them (a binary without one, such as a test's, uses the plain names).
fn hashed_front_end() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(HASH_FILE).is_file()))
        .unwrap_or(false)
}

/// cargo-leptos's list of the built files' hashes, beside the binary.
const HASH_FILE: &str = "hash.txt";

/// The worker that sends the outbox's mail, by SMTP or to files as
/// `config` says; none when mail is off.
fn courier(config: &Config, auth: &Auth) -> Result<Option<Courier>, StartupError> {
    if config.no_mail {
        tracing::info!("mail is off (--no-mail): members are added with a first password");
        return Ok(None);
    }
    let transport = crate::mail::transport(
        config.smtp_url.as_ref(),
        config.mail_from.clone(),
        config.mail_dir.clone(),
    )
    .map_err(StartupError::Mail)?;
    Ok(Some(Courier::new(
        auth.clone(),
        transport,
        CourierSettings::default(),
    )))
}

/// Listens on `addr`, naming it when that fails.
async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
