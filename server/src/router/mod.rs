//! The routes, in groups by what they are. What a route is (a page for
//! signed-in people, a JSON-RPC call, the live stream, a built file)
//! decides how its caller is resolved, how refusals made outside its
//! handler are worded, which headers it gets and how long its log span
//! lives; each is said here, where the group is built, never read back from
//! the request's path.

mod pages;

use api::{Credentials, paths};
use auth::Access;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler as _;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{any, get, post};
use leptos::config::LeptosOptions;
use leptos_axum::file_and_error_handler_with_context;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::dbsc;
use crate::extract::BODY_LIMIT_BYTES;
use crate::live;
use crate::middleware::{self, ErrorShape};
use crate::routes;
use crate::routes::client_errors::MAX_REPORT_BYTES;
use crate::rpc;
use crate::state::AppState;

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    let resolving = |access: Access, credentials: Credentials| {
        from_fn_with_state(
            (state.clone(), access, credentials),
            middleware::authenticate,
        )
    };
    // The reverse proxy asking about a request to a protected app: as for
    // a page load, activity, and the token may rotate; browser sessions
    // only.
    let forward = Router::new()
        .route(paths::auth::FORWARD, get(routes::forward::forward))
        .layer(resolving(Access::Interactive, Credentials::BrowserSession));
    // API calls: activity, but the token never rotates.
    let api = Router::new()
        .route(paths::page::HOME, get(routes::home))
        .merge(sign_in_routes())
        .route(paths::auth::LOGOUT, post(routes::auth::logout))
        .route(paths::auth::PASSWORD, post(routes::auth::change_password))
        .route(paths::account::MEMBERS, post(routes::account::add_member))
        .route(paths::account::ME, get(routes::account::me))
        .route(paths::WS, get(live::rpc_over_websocket))
        .route(
            &format!("{}/{{*rest}}", paths::API),
            any(routes::api_not_found),
        )
        .layer(resolving(Access::Api, Credentials::SessionOrToken));
    // JSON-RPC over HTTP: as the API, and its refusals in JSON-RPC's words.
    let json_rpc = Router::new()
        .route(paths::RPC, post(rpc::rpc_over_http))
        .layer(resolving(Access::Api, Credentials::SessionOrToken));
    // A page's failure report: neither activity nor rotation.
    let client_errors = Router::new()
        .route(
            paths::CLIENT_ERRORS,
            post(routes::client_errors::client_error)
                .layer(DefaultBodyLimit::max(MAX_REPORT_BYTES)),
        )
        .layer(resolving(Access::Passive, Credentials::SessionOrToken));
    // A browser binding its session to its device (DBSC): with that
    // session's own cookie, neither activity nor rotation.
    let device_binding = Router::new()
        .route(paths::DBSC_REGISTER, post(dbsc::register))
        .layer(resolving(Access::Passive, Credentials::BrowserSession));
    // The live stream: neither activity nor rotation, and a body that lasts
    // for hours.
    let events = Router::new()
        .route(paths::EVENTS, get(live::events))
        .layer(resolving(Access::Passive, Credentials::SessionOrToken));
    // The built front end and the not-found page need no caller.
    let options = state.leptos_options.clone();
    let files = Router::new()
        .nest_service(paths::BUILT_FILES, built_front_end(&options))
        .layer(from_fn(middleware::built_files_caching))
        .fallback(
            file_and_error_handler_with_context::<AppState, _>(
                pages::leptos_context(&state),
                // The app's not-found page.
                |options: LeptosOptions| app::shell(&options, true),
            )
            .layer(from_fn(middleware::page_policy)),
        );

    // Pages and server functions: activity, and the token may rotate. API
    // tokens are for the API: here a browser session only.
    let pages =
        pages::pages(&state).layer(resolving(Access::Interactive, Credentials::BrowserSession));
    let everything_else = pages
        .merge(forward)
        .merge(api)
        .merge(client_errors)
        .merge(device_binding)
        .merge(without_caller())
        .merge(files);
    Router::new()
        .merge(served(
            everything_else,
            &state,
            ErrorShape::Http,
            Span::Kept,
        ))
        .merge(served(json_rpc, &state, ErrorShape::JsonRpc, Span::Kept))
        .merge(served(
            events,
            &state,
            ErrorShape::Http,
            Span::NotKeptByTheBody,
        ))
        .with_state(state)
}

/// Whether a request's log span lives as long as its response's body.
#[derive(Clone, Copy)]
enum Span {
    Kept,
    /// tower-http's request events are written in the request-id span,
    /// which its response body keeps open, and with it the span's record,
    /// for as long as the body lasts: 0.6 KiB for each idle live stream,
    /// for hours. A stream's body goes without it; its request and
    /// response are still logged in the span.
    NotKeptByTheBody,
}

/// `routes` with what every route gets, outermost first: the request id
/// and its log span, running state-changing requests to their end,
/// security headers, refusals worded as `errors` says, the body limits,
/// the client's address, the same-origin check.
fn served(
    routes: Router<AppState>,
    state: &AppState,
    errors: ErrorShape,
    span: Span,
) -> Router<AppState> {
    let make_span: fn(&axum::http::Request<axum::body::Body>) -> tracing::Span = match span {
        Span::Kept => |_| tracing::Span::current(),
        Span::NotKeptByTheBody => |_| tracing::Span::none(),
    };
    routes
        .layer(from_fn_with_state(
            state.clone(),
            middleware::refuse_cross_origin,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::resolve_client_address,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(from_fn_with_state(
            errors,
            middleware::uniform_error_answers,
        ))
        .layer(from_fn(middleware::security_headers))
        .layer(from_fn(middleware::run_to_completion))
        .layer(TraceLayer::new_for_http().make_span_with(make_span))
        .layer(from_fn(middleware::request_id))
}

/// Signing up and in: the password, then each step that may follow it.
fn sign_in_routes() -> Router<AppState> {
    Router::new()
        .route(paths::auth::SIGNUP, post(routes::auth::signup))
        .route(paths::auth::LOGIN, post(routes::auth::login))
        .route(
            paths::auth::LOGIN_CODE,
            post(routes::sign_in_steps::login_code),
        )
        .route(
            paths::auth::LOGIN_SETUP,
            post(routes::sign_in_steps::login_setup),
        )
        .route(
            paths::auth::LOGIN_PASSWORD,
            post(routes::sign_in_steps::login_password),
        )
        .route(
            paths::auth::LOGIN_PASSKEY_START,
            post(routes::passkey::second_step_start),
        )
        .route(
            paths::auth::LOGIN_PASSKEY_FINISH,
            post(routes::passkey::second_step_finish),
        )
        .route(paths::auth::FORGOT, post(routes::recovery::forgot))
        .route(paths::auth::RESET, post(routes::recovery::reset))
        .route(
            paths::auth::RESET_PASSKEY_START,
            post(routes::recovery::reset_passkey_start),
        )
        .route(paths::auth::NOT_ME, post(routes::recovery::not_me))
        .route(paths::auth::INVITATION, post(routes::invitation::accept))
        .route(
            paths::auth::VERIFY_EMAIL,
            post(routes::verify_email::verify_email),
        )
        .route(paths::auth::PASSKEY_START, post(routes::passkey::start))
        .route(paths::auth::PASSKEY_FINISH, post(routes::passkey::finish))
}

/// Routes with no caller: probes (so neither activity nor limits), what the
/// API is, for tools, and the scripts of protected apps' pages and of the
/// sign-in pages' passkey button.
fn without_caller() -> Router<AppState> {
    Router::new()
        .route(paths::HEALTHZ, get(routes::probes::healthz))
        .route(paths::READYZ, get(routes::probes::readyz))
        .route(paths::LATCHKEY_JS, get(routes::script::latchkey_js))
        .route(paths::PASSKEY_JS, get(routes::script::passkey_sign_in_js))
        .route(paths::OPENRPC_JSON, get(routes::docs::openrpc))
        .route(paths::OPENAPI_JSON, get(routes::docs::openapi))
        // A bound session's refresh names its session itself: its cookie
        // may be gone already.
        .route(paths::DBSC_REFRESH, post(dbsc::refresh))
}

/// The built front end (WASM, JS, CSS): as the brotli or gzip file next to
/// each one when the release build made them (`--precompress`) and the
/// browser takes it, else as it is.
fn built_front_end(options: &LeptosOptions) -> ServeDir {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    ServeDir::new(dir).precompressed_br().precompressed_gzip()
}
