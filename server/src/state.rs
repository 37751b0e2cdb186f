//! What every handler can reach.

use std::net::IpAddr;
use std::sync::Arc;

use auth::Auth;
use axum::extract::FromRef;
use governor::DefaultDirectRateLimiter;
use leptos::config::LeptosOptions;

use crate::cookies::CookieMode;
use crate::live::{ChangeFeed, ConnectionHub};
use crate::return_to::ProtectedOrigin;

/// Shared by every request. Cloned for each middleware of each request, so
/// a clone is one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub auth: Auth,
    pub hub: ConnectionHub,
    /// How changes reach this instance from the others.
    pub feed: ChangeFeed,
    pub cookies: CookieMode,
    /// Origins besides our own allowed to send state-changing requests.
    pub trusted_origins: Arc<[String]>,
    /// The apps behind the same proxy whose pages a sign-in may return to.
    pub protected_origins: Arc<[ProtectedOrigin]>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<[IpAddr]>,
    pub leptos_options: LeptosOptions,
    /// Bounds the browser failure reports that reach the log
    /// (`routes::client_errors::report_limit`).
    pub client_reports: DefaultDirectRateLimiter,
    /// How often RPC WebSockets are pinged.
    pub ws_ping_interval: std::time::Duration,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
