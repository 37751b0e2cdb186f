//! Passkeys at sign-in, JSON only (the page's script calls them around
//! `navigator.credentials.get()`): `POST /api/auth/passkey/{start,finish}`
//! for a passkey alone, `POST /api/auth/login/passkey/{start,finish}` for
//! the second step after the password (the waiting sign-in in its cookie,
//! or `challenge` in the body for a script).

use api::PasskeyAssertion;
use api::paths::page;
use auth::{AuthError, ChallengeToken};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::answers::{going_back, with_session_cookie};
use crate::error::HttpError;
use crate::extract::{Client, Submission};
use crate::return_to::ReturnTo;
use crate::state::AppState;

/// `POST /api/auth/passkey/start`: the options for a passkey-alone sign-in.
pub async fn start(State(state): State<AppState>, Client(meta): Client) -> Response {
    match state.auth.start_passkey_sign_in(&meta).await {
        Ok(ceremony) => Json(ceremony).into_response(),
        Err(err) => HttpError(err.into()).into_response(),
    }
}

/// A passkey's answer, and the page of a protected app to go back to.
#[derive(Debug, Deserialize)]
pub struct Answer {
    #[serde(flatten)]
    answer: PasskeyAssertion,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /api/auth/passkey/finish`: the browser's answer; the session's
/// cookie, and the session as JSON with the page to go to (`landing`).
pub async fn finish(
    State(state): State<AppState>,
    Client(meta): Client,
    Submission { body, .. }: Submission<Answer>,
) -> Response {
    let sent = match body {
        Ok(sent) => sent,
        Err(err) => return HttpError(err).into_response(),
    };
    match state.auth.sign_in_with_passkey(sent.answer, meta).await {
        Ok(session) => landed(&state, &session, sent.next.as_deref()),
        Err(err) => HttpError(err.into()).into_response(),
    }
}

/// The new session's cookie, and the session as JSON with `landing`: the
/// page of a protected app that sent the browser (checked), or home.
fn landed(state: &AppState, session: &auth::NewSession, next: Option<&str>) -> Response {
    let back = going_back(state, next);
    let landing = back.as_ref().map_or(page::SECURITY, ReturnTo::as_str);
    let mut body = serde_json::to_value(&session.signed_in).unwrap_or_default();
    body["landing"] = landing.into();
    with_session_cookie(state, Json(body).into_response(), session)
}

/// Which sign-in the second step is for, when a script sends it.
#[derive(Debug, Default, Deserialize)]
pub struct Waiting {
    #[serde(default)]
    challenge: Option<String>,
}

/// The answer to the second step's ceremony, and its sign-in.
#[derive(Debug, Deserialize)]
pub struct SecondStepAnswer {
    #[serde(flatten)]
    waiting: Waiting,
    #[serde(flatten)]
    answer: Answer,
}

/// The waiting sign-in: sent by a script, or in the browser's cookie; and
/// whether it came from the cookie.
fn waiting_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    sent: &Waiting,
) -> (Option<ChallengeToken>, bool) {
    match &sent.challenge {
        Some(sent) => (ChallengeToken::parse(sent), false),
        None => (state.cookies.read_challenge(headers), true),
    }
}

/// `POST /api/auth/login/passkey/start`: the options for the second step
/// with one of the waiting sign-in's user's passkeys.
pub async fn second_step_start(
    State(state): State<AppState>,
    Client(meta): Client,
    headers: HeaderMap,
    Submission { body, .. }: Submission<Waiting>,
) -> Response {
    let sent = body.unwrap_or_default();
    let result = match waiting_sign_in(&state, &headers, &sent) {
        (Some(waiting), _) => state.auth.start_passkey_second_step(&waiting, &meta).await,
        (None, _) => Err(AuthError::SignInExpired),
    };
    match result {
        Ok(ceremony) => Json(ceremony).into_response(),
        Err(err) => HttpError(err.into()).into_response(),
    }
}

/// `POST /api/auth/login/passkey/finish`: the passkey's answer turns the
/// waiting sign-in into a session; a browser's sign-in cookie goes.
pub async fn second_step_finish(
    State(state): State<AppState>,
    Client(meta): Client,
    headers: HeaderMap,
    Submission { body, .. }: Submission<SecondStepAnswer>,
) -> Response {
    let sent = match body {
        Ok(sent) => sent,
        Err(err) => return HttpError(err).into_response(),
    };
    let (waiting, from_cookie) = waiting_sign_in(&state, &headers, &sent.waiting);
    let result = match waiting {
        Some(waiting) => {
            state
                .auth
                .complete_sign_in_with_passkey(&waiting, sent.answer.answer, meta)
                .await
        }
        None => Err(AuthError::SignInExpired),
    };
    let mut response = match result {
        Ok(session) => landed(&state, &session, sent.answer.next.as_deref()),
        Err(err) => HttpError(err.into()).into_response(),
    };
    if from_cookie {
        response
            .headers_mut()
            .append(header::SET_COOKIE, state.cookies.clear_challenge());
    }
    response
}
