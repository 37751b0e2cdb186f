//! `POST /api/auth/{signup,login,logout,password}`: signing up, the
//! password step of signing in, signing out and changing the password. JSON
//! bodies or HTML form posts: JSON gets JSON back; a form post is redirected
//! to the next page, or back to its own page with `?error=CODE`.

use api::paths::page;
use api::rpc::Method;
use api::{ApiError, LoginRequest, PasswordChange, PasswordChanged, SignupRequest};
use auth::{Auth, AuthError, Authentication, Caller, ClientMeta, Via};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::extract::{Client, Reply, SignedIn, Submission, client_meta};
use crate::state::AppState;

use super::answers::{failed, going_back, on_page, signed_in};
use super::sign_in_steps::stepped;

pub async fn signup(
    State(state): State<AppState>,
    Client(meta): Client,
    Submission { reply, body }: Submission<SignupRequest>,
) -> Response {
    let result = match body {
        Ok(request) => state
            .auth
            .signup(request, meta)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match result {
        Ok(session) => signed_in(&state, reply, StatusCode::CREATED, &session, page::SECURITY),
        Err(err) => failed(reply, err, page::SIGNUP),
    }
}

/// The sign-in form: the credentials, and the page to go back to (a page
/// of a protected app that sent the browser here).
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(flatten)]
    request: LoginRequest,
    #[serde(default)]
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    Client(meta): Client,
    Submission { reply, body }: Submission<SignInForm>,
) -> Response {
    let back = going_back(
        &state,
        body.as_ref().ok().and_then(|form| form.next.as_deref()),
    );
    let result = match body {
        Ok(form) => state
            .auth
            .login(form.request, meta)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match result {
        Ok(step) => stepped(&state, reply, step, back.as_ref()),
        Err(err) => failed(reply, err, &on_page(page::LOGIN, back.as_ref())),
    }
}

/// Ends this browser's session if it has one, and always clears the cookie,
/// so signing out never fails from the user's point of view.
pub async fn logout(State(state): State<AppState>, req: Request) -> Response {
    let reply = Reply::for_request(req.headers());
    let meta = client_meta(&req);
    if let Some(Ok(caller)) = req
        .extensions()
        .get::<Authentication>()
        .map(Authentication::caller)
        && let Err(err) = state.auth.logout(caller, &meta).await
    {
        return failed(reply, err.into(), page::SECURITY);
    }
    let mut response = match reply {
        Reply::Json => StatusCode::NO_CONTENT.into_response(),
        Reply::Page => Redirect::to(page::LOGIN).into_response(),
    };
    response
        .headers_mut()
        .insert(header::SET_COOKIE, state.cookies.clear());
    response
}

/// Changes the password and ends every other session of the user (and,
/// with `revoke_api_tokens`, their API tokens).
/// Checking the current password is a sign-in attempt and is rate limited
/// like one, so a stolen cookie cannot be used to guess the password.
pub async fn change_password(
    State(state): State<AppState>,
    Client(meta): Client,
    SignedIn(caller): SignedIn,
    Submission { reply, body }: Submission<PasswordChange>,
) -> Response {
    let result = match body {
        Ok(change) => password_changed(&state.auth, &caller, change, &meta)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match (result, reply) {
        (Ok(changed), Reply::Json) => Json(changed).into_response(),
        (Ok(_), Reply::Page) => {
            Redirect::to(&format!("{}?password=changed", page::SECURITY)).into_response()
        }
        (Err(err), _) => failed(reply, err, &format!("{}?form=password", page::SECURITY)),
    }
}

/// `account_password_change`, by way of the gate.
async fn password_changed(
    auth: &Auth,
    caller: &Caller,
    change: PasswordChange,
    meta: &ClientMeta,
) -> Result<PasswordChanged, AuthError> {
    let admitted = auth.admit(caller, Method::PasswordChange, Via::Api).await?;
    let session = admitted.session()?;
    admitted
        .user()
        .change_password(&session, change, meta)
        .await
}
