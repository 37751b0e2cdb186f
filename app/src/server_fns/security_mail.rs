//! Server functions of the security page's "Security mail" card: which
//! kinds of security mail the caller gets, and one kind turned on or off.
#![allow(
    clippy::unused_async,
    reason = "server functions must be async even when they do not await"
)]

use api::{ApiError, NoticeKind, SecurityMail, SecurityMailKind};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{acting, admit};
#[cfg(feature = "ssr")]
use api::rpc::Method;

/// Every kind of security mail, on or off for the caller, and whether it
/// may be turned off.
#[server(prefix = "/api/fn")]
pub async fn load_security_mail() -> Result<SecurityMail, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::SecurityMailGet).await?;
    Ok(admitted.user().security_mail().await?)
}

/// Turns one kind's mail on or off; the kind as it now is.
#[server(prefix = "/api/fn")]
pub async fn set_security_mail(kind: NoticeKind, on: bool) -> Result<SecurityMailKind, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::SecurityMailSet).await?;
    let session = admitted.session()?;
    let params = api::SecurityMailSetParams { kind, on };
    Ok(admitted
        .user()
        .set_security_mail(&session, params, &meta)
        .await?)
}
