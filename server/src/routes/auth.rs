//! `POST /api/auth/{signup,login,logout}`: JSON bodies or HTML form posts.
//! JSON gets JSON back; a form post is redirected to the next page, or back
//! to its own page with `?error=CODE`.

use api::PasswordChange;
use api::{ApiError, LoginRequest, SignupRequest};
use auth::{Authentication, NewSession};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::error::HttpError;
use crate::extract::{Client, Reply, SignedIn, Submission, client_meta};
use crate::return_to::ReturnTo;
use crate::state::AppState;

/// Where a browser lands after signing in.
pub(super) const HOME: &str = "/account/security";

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
        Ok(session) => signed_in(&state, reply, StatusCode::CREATED, &session, HOME),
        Err(err) => failed(reply, err, "/signup"),
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
    let back = body
        .as_ref()
        .ok()
        .and_then(|form| form.next.as_deref())
        .and_then(|next| ReturnTo::parse(next, &state.protected_origins));
    let result = match body {
        Ok(form) => state
            .auth
            .login(form.request, meta)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match (result, back) {
        (Ok(session), back) => {
            let landing = back.as_ref().map_or(HOME, ReturnTo::as_str);
            signed_in(&state, reply, StatusCode::OK, &session, landing)
        }
        (Err(err), Some(back)) => failed(reply, err, &back.login_path()),
        (Err(err), None) => failed(reply, err, "/login"),
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
        && let Err(err) = state.auth.as_user(caller).logout(&meta).await
    {
        return failed(reply, err.into(), HOME);
    }
    let mut response = match reply {
        Reply::Json => StatusCode::NO_CONTENT.into_response(),
        Reply::Page => Redirect::to("/login").into_response(),
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
        Ok(change) => state
            .auth
            .as_user(&caller)
            .change_password(change, &meta)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match (result, reply) {
        (Ok(changed), Reply::Json) => Json(changed).into_response(),
        (Ok(_), Reply::Page) => Redirect::to("/account/security?password=changed").into_response(),
        (Err(err), _) => failed(reply, err, "/account/security?form=password"),
    }
}

/// The new session's cookie, with the session as JSON or, for a form post,
/// a redirect to `landing`.
fn signed_in(
    state: &AppState,
    reply: Reply,
    status: StatusCode,
    session: &NewSession,
    landing: &str,
) -> Response {
    let now = state.auth.now();
    let max_age_secs = session.signed_in.absolute_ends_at.millis_since(now) / 1000;
    let mut response = match reply {
        Reply::Json => (status, Json(&session.signed_in)).into_response(),
        Reply::Page => Redirect::to(landing).into_response(),
    };
    response.headers_mut().insert(
        header::SET_COOKIE,
        state.cookies.set(&session.token, max_age_secs),
    );
    response
}

/// Answers a failure: the JSON error, or back to `page` with `?error=`.
pub(super) fn failed(reply: Reply, err: ApiError, page: &str) -> Response {
    match reply {
        Reply::Json => HttpError(err).into_response(),
        Reply::Page => {
            let join = if page.contains('?') { '&' } else { '?' };
            let mut target = format!("{page}{join}error={}", err.code);
            if let Some(field) = err.field {
                target.push_str("&field=");
                target.push_str(&field);
            }
            Redirect::to(&target).into_response()
        }
    }
}
