//! Server-only helpers for server functions: the `Auth` service, and the
//! caller and client that the server's middleware resolved for this request.
//! Every server function passes the same gate as the API
//! ([`Auth::admit`], by way of the page: a browser session only) before it
//! runs its action.

use api::ApiError;
use api::rpc::Method;
use auth::{Admitted, Auth, AuthError, Authentication, Caller, ClientMeta, Via};
use leptos::prelude::use_context;

/// The domain service, provided as context by the server.
pub fn auth() -> Result<Auth, ApiError> {
    use_context::<Auth>().ok_or_else(|| {
        leptos::logging::error!("Auth missing from the Leptos context");
        ApiError::internal()
    })
}

fn request() -> Result<http::request::Parts, ApiError> {
    use_context::<http::request::Parts>().ok_or_else(ApiError::internal)
}

/// The signed-in caller of this request, or why there is none.
pub fn caller() -> Result<Caller, ApiError> {
    request()?.extensions.get::<Authentication>().map_or_else(
        || Err(ApiError::unauthenticated()),
        |found| found.caller().cloned(),
    )
}

/// This browser's sign-in waiting for its second factor, from its cookie;
/// `sign_in_expired` when there is none.
pub fn waiting_sign_in() -> Result<auth::ChallengeToken, ApiError> {
    request()?
        .extensions
        .get::<auth::ChallengeToken>()
        .cloned()
        .ok_or_else(|| auth::AuthError::SignInExpired.into())
}

/// Where this request came from, for audit records.
pub fn client() -> ClientMeta {
    request()
        .ok()
        .and_then(|parts| parts.extensions.get::<ClientMeta>().cloned())
        .unwrap_or_default()
}

/// The caller and the service, for an action: pass them to [`admit`].
pub fn acting() -> Result<(Auth, Caller, ClientMeta), ApiError> {
    Ok((auth()?, caller()?, client()))
}

/// The gate, for a server function calling `method`.
pub async fn admit<'a>(
    auth: &'a Auth,
    caller: &'a Caller,
    method: Method,
) -> Result<Admitted<'a>, ApiError> {
    Ok(auth.admit(caller, method, Via::Page).await?)
}

/// The gate, for what only owners see: `None` for a member, whose page
/// loads it too but shows no such card.
pub async fn admit_owner<'a>(
    auth: &'a Auth,
    caller: &'a Caller,
    method: Method,
) -> Result<Option<Admitted<'a>>, ApiError> {
    match auth.admit(caller, method, Via::Page).await {
        Ok(admitted) => Ok(Some(admitted)),
        Err(AuthError::Forbidden) => Ok(None),
        Err(refused) => Err(refused.into()),
    }
}

/// `account_password_confirm` for this browser's session: the password, a
/// code, or a passkey's answer (the page's three ways to confirm it is
/// you).
pub async fn confirm(
    params: api::PasswordConfirmParams,
) -> Result<api::PasswordConfirmed, ApiError> {
    let (auth, caller, meta) = acting()?;
    let admitted = admit(&auth, &caller, Method::PasswordConfirm).await?;
    let session = admitted.session()?;
    Ok(admitted
        .user()
        .confirm_password(&session, params, &meta)
        .await?)
}

/// The QR code of `text` as an SVG element, for the page to show.
pub fn qr_svg(text: &str) -> Result<String, ApiError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|err| {
        leptos::logging::error!("QR code not drawn: {err}");
        ApiError::internal()
    })?;
    let drawn = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#111111"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Only the element: the page puts it inside its own HTML.
    Ok(drawn
        .find("<svg")
        .map_or_else(|| drawn.clone(), |at| drawn[at..].to_owned()))
}
