//! Server functions: each decodes, calls `auth`, and maps errors. They run on
//! the server; the browser gets a generated client stub.
#![allow(
    clippy::unused_async,
    reason = "server functions must be async even when they do not await"
)]

use api::{ApiError, Me};
use leptos::prelude::*;

/// Who is signed in on this browser.
#[server(prefix = "/api/fn")]
pub async fn current_user() -> Result<Me, ApiError> {
    Ok(crate::ssr::caller()?.me)
}
