//! The Latchkey server: axum routes, Leptos rendering and configuration,
//! over the `auth` domain.

pub mod cli;
pub mod config;
mod cookies;
mod dbsc;
mod error;
mod extract;
mod jobs;
pub mod live;
pub mod mail;
mod metrics;
mod middleware;
pub mod operator;
pub mod return_to;
mod router;
mod routes;
mod rpc;
pub mod startup;
mod state;
mod tls;

pub use config::Config;
pub use startup::{Application, StartupError};
