//! Server functions of the authenticator app: see it, set it up, confirm
//! it, turn it off. The same `auth` actions as the JSON-RPC methods.

use api::{ApiError, RecoveryCodes, SecondFactorStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr::{acting, admit};
#[cfg(feature = "ssr")]
use api::rpc::Method;

/// An app being set up, as the page shows it: the secret as text, and the
/// QR code of its `otpauth://` address drawn as SVG on the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetupShown {
    pub secret: String,
    pub qr_svg: String,
}

/// Whether the signed-in user has an authenticator app. Reads only.
#[server(prefix = "/api/fn")]
pub async fn load_second_factor() -> Result<SecondFactorStatus, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::SecondFactorGet).await?;
    Ok(admitted.user().second_factor().await?)
}

/// The authenticator app this browser's waiting sign-in sets up (the
/// account requires one), from the sign-in's cookie. Reads only: the app
/// was made when the password was checked.
#[server(prefix = "/api/fn")]
pub async fn load_waiting_setup() -> Result<TotpSetupShown, ApiError> {
    let (auth, waiting) = (crate::ssr::auth()?, crate::ssr::waiting_sign_in()?);
    let setup = auth.setup_waiting(&waiting).await?;
    shown(&setup)
}

/// Makes new recovery codes, shown once; the old ones stop working.
#[server(prefix = "/api/fn")]
pub async fn renew_recovery_codes() -> Result<RecoveryCodes, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::RecoveryCodesRenew).await?;
    let fresh = admitted.fresh()?;
    Ok(admitted.user().renew_recovery_codes(&fresh, &meta).await?)
}

/// Requires a second factor of everyone in the account, or no longer
/// (owner only, a browser session confirmed recently).
#[server(prefix = "/api/fn")]
pub async fn set_second_factor_required(
    required: bool,
) -> Result<api::SecondFactorPolicySet, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::SecondFactorPolicySet).await?;
    let fresh = admitted.fresh()?;
    Ok(admitted
        .owner()?
        .set_second_factor_required(&fresh, required, &meta)
        .await?)
}

/// Starts setting up an authenticator app.
#[server(prefix = "/api/fn")]
pub async fn start_totp_setup() -> Result<TotpSetupShown, ApiError> {
    let (auth, caller, _) = acting()?;
    let admitted = admit(&auth, &caller, Method::TotpSetupStart).await?;
    let setup = admitted.user().start_totp_setup(&admitted.fresh()?).await?;
    shown(&setup)
}

/// An app being set up as the page shows it.
#[cfg(feature = "ssr")]
fn shown(setup: &api::TotpSetup) -> Result<TotpSetupShown, ApiError> {
    Ok(TotpSetupShown {
        qr_svg: crate::ssr::qr_svg(&setup.uri)?,
        secret: setup.secret.clone(),
    })
}

/// Confirms the app being set up with a code from it: the recovery codes,
/// shown once.
#[server(prefix = "/api/fn")]
pub async fn confirm_totp_setup(code: String) -> Result<RecoveryCodes, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::TotpSetupConfirm).await?;
    let params = api::TotpConfirmParams { code };
    let fresh = admitted.fresh()?;
    Ok(admitted
        .user()
        .confirm_totp_setup(&fresh, params, &meta)
        .await?)
}

/// Turns off the authenticator app of a member who lost it (owner only).
#[server(prefix = "/api/fn")]
pub async fn reset_member_second_factor(
    user_id: api::UserId,
) -> Result<api::MemberSecondFactorReset, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::MemberSecondFactorReset).await?;
    let params = api::MemberSecondFactorResetParams { user_id };
    let fresh = admitted.fresh()?;
    Ok(admitted
        .owner()?
        .reset_member_second_factor(&fresh, params, &meta)
        .await?)
}

/// Confirms it is you before a sensitive action with a code from the app
/// or a recovery code, instead of the password.
#[server(prefix = "/api/fn")]
pub async fn confirm_with_code(code: String) -> Result<api::PasswordConfirmed, ApiError> {
    let params = api::PasswordConfirmParams {
        code: Some(code),
        ..Default::default()
    };
    crate::ssr::confirm(params).await
}

/// Turns the app off, with the password and a code or a recovery code.
#[server(prefix = "/api/fn")]
pub async fn turn_off_totp(password: String, code: String) -> Result<SecondFactorStatus, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::TotpTurnOff).await?;
    let params = api::TotpTurnOffParams {
        password: api::Password::new(password),
        code,
    };
    let session = admitted.session()?;
    Ok(admitted
        .user()
        .turn_off_totp(&session, params, &meta)
        .await?)
}
