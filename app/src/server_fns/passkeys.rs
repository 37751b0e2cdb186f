//! Server functions of the caller's passkeys: list, register (start and
//! finish), remove, and confirming it is you with one. The same `auth`
//! actions as the JSON-RPC methods.

use api::{ApiError, PasskeyAssertion, PasskeyCeremony, PasskeyId, PasskeyInfo, Revoked};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::ssr::{acting, admit};
#[cfg(feature = "ssr")]
use api::rpc::Method;

/// The caller's passkeys. Reads only.
#[server(prefix = "/api/fn")]
pub async fn list_passkeys() -> Result<Vec<PasskeyInfo>, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::PasskeyList).await?;
    Ok(admitted.user().list_passkeys().await?)
}

/// The options for the browser to make a new passkey.
#[server(prefix = "/api/fn")]
pub async fn start_passkey_registration() -> Result<PasskeyCeremony, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::PasskeyRegisterStart).await?;
    let fresh = admitted.fresh()?;
    Ok(admitted.user().start_passkey_registration(&fresh).await?)
}

/// The browser's new passkey, and its name. Sent as JSON: the answer is
/// nested JSON, which a form encoding would turn into strings.
#[server(prefix = "/api/fn", input = Json)]
pub async fn finish_passkey_registration(
    name: String,
    answer: PasskeyAssertion,
) -> Result<PasskeyInfo, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::PasskeyRegisterFinish).await?;
    let params = api::PasskeyRegisterParams { name, answer };
    let fresh = admitted.fresh()?;
    Ok(admitted
        .user()
        .finish_passkey_registration(&fresh, params, &meta)
        .await?)
}

/// Removes one of the caller's passkeys.
#[server(prefix = "/api/fn")]
pub async fn remove_passkey(passkey_id: PasskeyId) -> Result<Revoked, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::PasskeyRemove).await?;
    let params = api::PasskeyRemoveParams { passkey_id };
    let fresh = admitted.fresh()?;
    Ok(admitted
        .user()
        .remove_passkey(&fresh, params, &meta)
        .await?)
}

/// The options for confirming it is you with a passkey.
#[server(prefix = "/api/fn")]
pub async fn start_passkey_confirmation() -> Result<PasskeyCeremony, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::PasskeyConfirmStart).await?;
    let session = admitted.session()?;
    Ok(admitted.user().start_passkey_confirmation(&session).await?)
}

/// Confirms it is you with a passkey's answer, instead of the password
/// (sent as JSON, as for registering).
#[server(prefix = "/api/fn", input = Json)]
pub async fn confirm_with_passkey(
    answer: PasskeyAssertion,
) -> Result<api::PasswordConfirmed, ApiError> {
    let params = api::PasswordConfirmParams {
        passkey: Some(answer),
        ..Default::default()
    };
    crate::ssr::confirm(params).await
}
