//! Server functions of the authenticator app: see it, set it up, confirm
//! it, turn it off. The same `auth` actions as the JSON-RPC methods.

use api::{ApiError, RecoveryCodes, SecondFactorStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr::acting;

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
    Ok(auth.as_user(&caller).second_factor().await?)
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
    Ok(auth.as_user(&caller).renew_recovery_codes(&meta).await?)
}

/// Requires a second factor of everyone in the account, or no longer
/// (owner only, recent password).
#[server(prefix = "/api/fn")]
pub async fn set_second_factor_required(
    required: bool,
) -> Result<api::SecondFactorPolicySet, ApiError> {
    let (auth, caller, meta) = acting()?;
    Ok(auth
        .as_owner(&caller)?
        .set_second_factor_required(required, &meta)
        .await?)
}

/// Starts setting up an authenticator app (recent password only).
#[server(prefix = "/api/fn")]
pub async fn start_totp_setup() -> Result<TotpSetupShown, ApiError> {
    let (auth, caller, _) = acting()?;
    let setup = auth.as_user(&caller).start_totp_setup().await?;
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
    let params = api::TotpConfirmParams { code };
    Ok(auth
        .as_user(&caller)
        .confirm_totp_setup(params, &meta)
        .await?)
}

/// Turns off the authenticator app of a member who lost it (owner only).
#[server(prefix = "/api/fn")]
pub async fn reset_member_second_factor(
    user_id: api::UserId,
) -> Result<api::MemberSecondFactorReset, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::MemberSecondFactorResetParams { user_id };
    Ok(auth
        .as_owner(&caller)?
        .reset_member_second_factor(params, &meta)
        .await?)
}

/// Confirms it is you before a sensitive action with a code from the app
/// or a recovery code, instead of the password.
#[server(prefix = "/api/fn")]
pub async fn confirm_with_code(code: String) -> Result<api::PasswordConfirmed, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::PasswordConfirmParams {
        code: Some(code),
        ..Default::default()
    };
    Ok(auth
        .as_user(&caller)
        .confirm_password(params, &meta)
        .await?)
}

/// Turns the app off, with the password and a code or a recovery code.
#[server(prefix = "/api/fn")]
pub async fn turn_off_totp(password: String, code: String) -> Result<SecondFactorStatus, ApiError> {
    let (auth, caller, meta) = acting()?;
    let params = api::TotpTurnOffParams {
        password: api::Password::new(password),
        code,
    };
    Ok(auth.as_user(&caller).turn_off_totp(params, &meta).await?)
}
