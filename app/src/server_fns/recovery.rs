//! Server functions of a forgotten password: what the link's page asks
//! for besides the new password.
#![allow(
    clippy::unused_async,
    reason = "server functions must be async even when they do not await"
)]

use api::{ApiError, ResetLinkShown};
use leptos::prelude::*;

/// Whether the link's `token` works and, if so, what its user gives with
/// the new password (a code, a passkey): for the link's page, before
/// anyone is signed in. Reads only.
#[server(prefix = "/api/fn")]
pub async fn load_reset_link(token: String) -> Result<ResetLinkShown, ApiError> {
    let auth = crate::ssr::auth()?;
    Ok(auth.password_reset_link(&token).await?)
}
