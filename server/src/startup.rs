//! Building the app as a value: `Application::build` binds the port (0 for
//! any free one) so tests can run the real server side by side.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use api::Credentials;
use app::{App, page_loads_wasm, shell};
use auth::{Access, Auth, Backend, Clock, DatabaseClock, Db, DemoAccount, OutsideWrites};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use axum::routing::{any, get, post};
use axum::serve::ListenerExt as _;
use leptos::config::LeptosOptions;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list,
};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::config::{ClockSource, Config};
use crate::cookies::CookieMode;
use crate::extract::BODY_LIMIT_BYTES;
use crate::jobs;
use crate::live::{self, ChangeFeed, ConnectionHub, ConnectionLimits};
use crate::middleware::{self, PageNonce};
use crate::routes;
use crate::routes::client_errors::{MAX_REPORT_BYTES, report_limit};
use crate::rpc;
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
    #[error("metrics: {0}")]
    Metrics(String),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub struct Application {
    listener: TcpListener,
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
        let auth = Auth::new(db, clock, config.session_settings(), Arc::new(feed.clone())).await?;
        if auth.db().backend() == Backend::Postgres {
            tokio::spawn(feed.clone().listen(
                auth.clone(),
                config.database_url.clone(),
                config.feed_retry,
            ));
        }
        let outside_writes = match auth.db().backend() {
            Backend::Sqlite => Some((feed.clone(), auth.db().watch_outside_writes().await?)),
            Backend::Postgres => None,
        };
        let demo = if config.dev && config.demo {
            auth.create_demo_account_if_empty().await?
        } else {
            None
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
            router: if metrics.is_some() {
                // Only when they are served: with no recorder the labels
                // would be worked out for nothing on every request.
                router(state).layer(axum::middleware::from_fn(crate::metrics::count_requests))
            } else {
                router(state)
            },
            addr,
            auth,
            demo,
            cleanup_interval: config.cleanup_interval,
            database_clock,
            metrics,
            outside_writes,
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
        let metrics = self.metrics.map(|(listener, handle)| {
            tokio::spawn(crate::metrics::serve(
                listener,
                handle,
                self.auth.db().clone(),
            ))
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
        // Small answers and the live stream's last event go out at once,
        // not after the peer's delayed ACK (Nagle's algorithm).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(%err, "could not set TCP_NODELAY");
            }
        });
        let served = axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await;
        cleanup.abort();
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
        .site_pkg_dir("pkg")
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

/// The page routes, found once per process by running the app. Leptos
/// switches resource loading off for the whole process while it does that
/// (leptos-rs/leptos#4773): a page whose data was first asked for meanwhile,
/// on any server in the process, waited forever (#16).
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Listens on `addr`, naming it when that fails.
async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })
}

/// The built front end (WASM, JS, CSS): as the brotli or gzip file next to
/// each one when the release build made them (`--precompress`) and the
/// browser takes it, else as it is.
fn built_front_end(options: &LeptosOptions) -> ServeDir {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    ServeDir::new(dir).precompressed_br().precompressed_gzip()
}

/// Pages go out compressed (brotli, else gzip) to browsers that take it;
/// the built front end is compressed already, and server functions' JSON,
/// which may hold secrets next to what a user typed, stays as it is.
fn compressed_html() -> CompressionLayer<impl Predicate> {
    let html = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"))
    };
    CompressionLayer::new()
        .no_deflate()
        .no_zstd()
        .compress_when(DefaultPredicate::new().and(html))
}

fn router(state: AppState) -> Router {
    let auth_for_pages = state.auth.clone();
    let leptos_context = move || {
        provide_context(auth_for_pages.clone());
        // The nonce named in this response's Content-Security-Policy.
        if let Some(PageNonce(nonce)) =
            use_context::<Parts>().and_then(|parts| parts.extensions.get::<PageNonce>().cloned())
        {
            provide_context(nonce);
        }
    };
    let options = state.leptos_options.clone();
    let render_shell = move |options: LeptosOptions| shell(&options, loads_wasm());
    // What a route is decides how its caller is resolved, so it is said
    // where the routes are built, once per group, never read from paths.
    let resolving = |access: Access, credentials: Credentials| {
        axum::middleware::from_fn_with_state(
            (state.clone(), access, credentials),
            middleware::authenticate,
        )
    };

    // Pages and server functions: activity, and the token may rotate. API
    // tokens are for the API: here a browser session only.
    let pages = Router::new()
        .leptos_routes_with_context(&state, page_routes(), leptos_context.clone(), move || {
            shell(&options, loads_wasm())
        })
        .layer(axum::middleware::from_fn(middleware::guard_signed_in_pages))
        .layer(resolving(Access::Interactive, Credentials::BrowserSession))
        .layer(compressed_html());
    // The reverse proxy asking about a request to a protected app: as for
    // a page load, activity, and the token may rotate; browser sessions
    // only.
    let forward = Router::new()
        .route("/api/auth/forward", get(routes::forward::forward))
        .layer(resolving(Access::Interactive, Credentials::BrowserSession));
    // API calls: activity, but the token never rotates.
    let api = Router::new()
        .route("/", get(routes::home))
        .merge(sign_in_routes())
        .route("/api/auth/logout", post(routes::auth::logout))
        .route("/api/auth/password", post(routes::auth::change_password))
        .route("/api/account/members", post(routes::account::add_member))
        .route("/api/account/me", get(routes::account::me))
        .route("/api/rpc", post(rpc::rpc_over_http))
        .route("/api/ws", get(live::rpc_over_websocket))
        .route("/api/{*rest}", any(routes::api_not_found))
        .layer(resolving(Access::Api, Credentials::SessionOrToken));
    // The live stream and a page's failure report: neither activity nor
    // rotation.
    let passive = Router::new()
        .route(live::PATH, get(live::events))
        .route(
            "/api/client-errors",
            post(routes::client_errors::client_error)
                .layer(DefaultBodyLimit::max(MAX_REPORT_BYTES)),
        )
        .layer(resolving(Access::Passive, Credentials::SessionOrToken));
    // The built front end and the not-found page need no caller.
    let files = Router::new()
        .nest_service(
            &format!("/{}", state.leptos_options.site_pkg_dir),
            built_front_end(&state.leptos_options),
        )
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            leptos_context,
            render_shell,
        ));

    Router::new()
        .merge(pages)
        .merge(forward)
        .merge(api)
        .merge(passive)
        .merge(without_caller())
        .merge(files)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::refuse_cross_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_client_address,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn(middleware::uniform_error_answers))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(middleware::run_to_completion))
        // tower-http's request events are written in the request-id span,
        // which its response body keeps open, and with it the span's
        // record, for as long as the body lasts: 0.6 KiB for each idle live
        // stream, for hours. A stream's body goes without it; its
        // request and response are still logged in the span.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                if request.uri().path() == live::PATH {
                    tracing::Span::none()
                } else {
                    tracing::Span::current()
                }
            }),
        )
        .layer(axum::middleware::from_fn(middleware::request_id))
        .with_state(state)
}

/// Signing up and in: the password, then each step that may follow it.
fn sign_in_routes() -> Router<AppState> {
    Router::new()
        .route("/api/auth/signup", post(routes::auth::signup))
        .route("/api/auth/login", post(routes::auth::login))
        .route("/api/auth/login/code", post(routes::auth::login_code))
        .route("/api/auth/login/setup", post(routes::auth::login_setup))
        .route(
            "/api/auth/login/password",
            post(routes::auth::login_password),
        )
        .route(
            "/api/auth/login/passkey/start",
            post(routes::passkey::second_step_start),
        )
        .route(
            "/api/auth/login/passkey/finish",
            post(routes::passkey::second_step_finish),
        )
        .route("/api/auth/passkey/start", post(routes::passkey::start))
        .route("/api/auth/passkey/finish", post(routes::passkey::finish))
}

/// Routes with no caller: probes (so neither activity nor limits), what the
/// API is, for tools, and the scripts of protected apps' pages and of the
/// sign-in pages' passkey button.
fn without_caller() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(routes::probes::healthz))
        .route("/readyz", get(routes::probes::readyz))
        .route(routes::script::PATH, get(routes::script::latchkey_js))
        .route(
            routes::script::PASSKEY_PATH,
            get(routes::script::passkey_sign_in_js),
        )
        .route("/api/openrpc.json", get(routes::docs::openrpc))
        .route("/api/openapi.json", get(routes::docs::openapi))
}

/// Whether the page being rendered loads the WASM: decided by its path.
fn loads_wasm() -> bool {
    use_context::<Parts>().is_none_or(|parts| page_loads_wasm(parts.uri.path()))
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
