//! Server functions: each decodes, calls `auth`, and maps errors. They run on
//! the server; the browser gets a generated client stub.
#![allow(
    clippy::unused_async,
    reason = "server functions must be async even when they do not await"
)]

use api::{ApiError, Me, SecurityNotice};
use leptos::prelude::*;

/// Who is signed in on this browser.
#[server(prefix = "/api/fn")]
pub async fn current_user() -> Result<Me, ApiError> {
    Ok(crate::ssr::caller()?.me)
}

/// The signed-in user's unseen security notices; each is returned once.
#[server(prefix = "/api/fn")]
pub async fn take_security_notices() -> Result<Vec<SecurityNotice>, ApiError> {
    let caller = crate::ssr::caller()?;
    let auth = crate::ssr::auth()?;
    Ok(auth.take_security_notices(&caller).await?)
}
