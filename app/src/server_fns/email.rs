//! Server functions of the caller's address: where its verification
//! stands, the link sent again, a change asked for (the security page's
//! Email card); and what the link's page shows.
#![allow(
    clippy::unused_async,
    reason = "server functions must be async even when they do not await"
)]

use api::{ApiError, EmailStatus, EmailVerificationShown, PendingVerification};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{acting, admit};
#[cfg(feature = "ssr")]
use api::rpc::Method;

/// The caller's address, whether it is verified, and the link waiting.
#[server(prefix = "/api/fn")]
pub async fn load_email_status() -> Result<EmailStatus, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::EmailGet).await?;
    Ok(admitted.user().email_status().await?)
}

/// Mails the link that verifies the address again (once a minute).
#[server(prefix = "/api/fn")]
pub async fn send_verification_again() -> Result<PendingVerification, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::EmailVerificationSend).await?;
    let session = admitted.session()?;
    Ok(admitted.user().send_verification_again(&session).await?)
}

/// Asks to change the caller's address, with their current password: a
/// link goes to the new address, the old one is told.
#[server(prefix = "/api/fn")]
pub async fn change_email(
    new_email: String,
    current_password: String,
) -> Result<PendingVerification, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::EmailChange).await?;
    let session = admitted.session()?;
    let params = api::EmailChangeParams {
        new_email,
        current_password: api::Password::new(current_password),
    };
    Ok(admitted
        .user()
        .change_email(&session, params, &meta)
        .await?)
}

/// The address the link's `token` verifies, while it works: for the link's
/// page, signed in or not. Reads only.
#[server(prefix = "/api/fn")]
pub async fn load_email_verification(token: String) -> Result<EmailVerificationShown, ApiError> {
    let auth = crate::ssr::auth()?;
    Ok(auth.email_verification(&token).await?)
}
