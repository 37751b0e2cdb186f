//! `POST /dbsc/register` and `POST /dbsc/refresh`: a browser that keeps a
//! key on its device binds its session to it, and renews the session's
//! short-lived cookie by proving it still holds the key. Both answer with
//! the session's configuration and the new cookie (the only `Set-Cookie`
//! of the response); a refresh without a proof gets a 403 with the
//! challenge to sign, as the protocol asks.

use api::{ApiError, ErrorCode, paths};
use auth::{AuthError, DeviceCookie, Refresh};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::headers;
use crate::error::HttpError;
use crate::extract::{Client, SignedIn};
use crate::state::AppState;

/// `POST /dbsc/register`: the caller's browser session registers the key
/// that signed the proof over the challenge it was offered as it opened.
pub async fn register(
    State(state): State<AppState>,
    SignedIn(caller): SignedIn,
    Client(meta): Client,
    request: HeaderMap,
) -> Response {
    let proof = headers::proof(&request);
    match state.auth.register_device(&caller, proof, &meta).await {
        Ok(cookie) => configured(&state, &request, &cookie),
        Err(err) => refused(err),
    }
}

/// `POST /dbsc/refresh`: for the bound session the browser names, a
/// challenge to sign (403), or with a signed one the next cookie.
pub async fn refresh(
    State(state): State<AppState>,
    Client(meta): Client,
    request: HeaderMap,
) -> Response {
    let Some(identifier) = headers::session_identifier(&request) else {
        return refused(AuthError::Unauthenticated);
    };
    let proof = headers::proof(&request);
    match state.auth.refresh_device(&identifier, proof, &meta).await {
        Ok(Refresh::Challenge(challenge)) => {
            match headers::challenge(challenge.expose(), &identifier) {
                Some(value) => {
                    (StatusCode::FORBIDDEN, [(headers::CHALLENGE, value)]).into_response()
                }
                None => refused(AuthError::Unauthenticated),
            }
        }
        Ok(Refresh::Renewed(cookie)) => configured(&state, &request, &cookie),
        Err(err) => refused(err),
    }
}

/// The session's configuration, as the browser keeps it: how it names the
/// session, where it refreshes, what it covers, and the cookie it keeps
/// fresh; with that cookie set.
fn configured(state: &AppState, request: &HeaderMap, cookie: &DeviceCookie) -> Response {
    let config = json!({
        "session_identifier": cookie.identifier.expose(),
        "refresh_url": paths::DBSC_REFRESH,
        "scope": {"origin": origin(request), "include_site": false},
        "credentials": [{
            "type": "cookie",
            "name": state.cookies.name(),
            "attributes": state.cookies.attributes(),
        }],
    });
    let mut response = Json(config).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        state.cookies.set(&cookie.token, cookie.max_age_secs),
    );
    response
}

/// This server's origin as the browser reached it: DBSC runs over HTTPS
/// only, on the host the browser asked for.
fn origin(request: &HeaderMap) -> Option<String> {
    let host = request.get(header::HOST)?.to_str().ok()?;
    Some(format!("https://{host}"))
}

/// A refusal the browser understands as the end of its bound session (any
/// 4xx but 403), or as a reason to back off (5xx).
fn refused(err: AuthError) -> Response {
    let err = ApiError::from(err);
    if err.code == ErrorCode::Forbidden {
        // 403 asks the browser for a proof: a refusal must not.
        return HttpError(ApiError::new(ErrorCode::Unauthenticated, err.message)).into_response();
    }
    HttpError(err).into_response()
}
