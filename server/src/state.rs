//! What every handler can reach.

use std::net::IpAddr;
use std::sync::Arc;

use auth::Auth;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::cookies::CookieMode;
use crate::hub::ConnectionHub;
use auth::SignInLimits;

#[derive(Clone)]
pub struct AppState {
    pub auth: Auth,
    pub hub: ConnectionHub,
    pub limits: Arc<SignInLimits>,
    pub cookies: CookieMode,
    /// Origins besides our own allowed to send state-changing requests.
    pub trusted_origins: Arc<[String]>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<[IpAddr]>,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
