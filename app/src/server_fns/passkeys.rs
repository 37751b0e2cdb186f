//! Server functions of the caller's passkeys: list, register (start and
//! finish), remove, and confirming it is you with one. The same `auth`
//! actions as the JSON-RPC methods.

use api::{ApiError, PasskeyAssertion, PasskeyCeremony, PasskeyId, PasskeyInfo, Revoked};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::ssr::acting;

/// The caller's passkeys. Reads only.
#[server(prefix = "/api/fn")]
pub async fn list_passkeys() -> Result<Vec<PasskeyInfo>, ApiError> {
    let (auth, caller, _) = acting()?;
    Ok(auth.as_user(&caller).list_passkeys().await?)
}

/// The options for the browser to make a new passkey (recent password).
#[server(prefix = "/api/fn")]
pub async fn start_passkey_registration() -> Result<PasskeyCeremony, ApiError> {
    let (auth, caller, _) = acting()?;
    Ok(auth.as_user(&caller).start_passkey_registration().await?)
}

/// The browser's new passkey, and its name. Sent as JSON: the answer is
/// nested JSON, which a form encoding would turn into strings.
#[server(prefix = "/api/fn", input = Json)]
pub async fn finish_passkey_registration(
    name: String,
    answer: PasskeyAssertion,
) -> Result<PasskeyInfo, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::PasskeyRegisterParams { name, answer };
    Ok(auth
        .as_user(&caller)
        .finish_passkey_registration(params, &meta)
        .await?)
}

/// Removes one of the caller's passkeys (recent password).
#[server(prefix = "/api/fn")]
pub async fn remove_passkey(passkey_id: PasskeyId) -> Result<Revoked, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::PasskeyRemoveParams { passkey_id };
    Ok(auth.as_user(&caller).remove_passkey(params, &meta).await?)
}

/// The options for confirming it is you with a passkey.
#[server(prefix = "/api/fn")]
pub async fn start_passkey_confirmation() -> Result<PasskeyCeremony, ApiError> {
    let (auth, caller, _) = acting()?;
    Ok(auth.as_user(&caller).start_passkey_confirmation().await?)
}

/// Confirms it is you with a passkey's answer, instead of the password
/// (sent as JSON, as for registering).
#[server(prefix = "/api/fn", input = Json)]
pub async fn confirm_with_passkey(
    answer: PasskeyAssertion,
) -> Result<api::PasswordConfirmed, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::PasswordConfirmParams {
        passkey: Some(answer),
        ..Default::default()
    };
    Ok(auth
        .as_user(&caller)
        .confirm_password(params, &meta)
        .await?)
}
