//! `POST /api/auth/login/{code,setup,password}`: the steps of signing in
//! after the password (a code, the app the account requires set up, the
//! user's own password after the operator reset theirs), as JSON or form
//! posts, each answered as the step ends: signed in, waiting for another
//! step, refused, or over.

use api::paths::page;
use api::{
    ApiError, ErrorCode, LoginCodeRequest, NewPasswordRequest, SignInChallenge, SignInWaitsFor,
    TotpSetup,
};
use auth::{AuthError, Challenge, ChallengeToken, ClientMeta, SignInStep};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::extract::{Client, Reply, Submission};
use crate::return_to::ReturnTo;
use crate::state::AppState;

use super::answers::{failed, going_back, on_page, signed_in};

/// Answers a sign-in that took a step: the session, or what it waits for
/// next.
pub(super) fn stepped(
    state: &AppState,
    reply: Reply,
    step: SignInStep,
    back: Option<&ReturnTo>,
) -> Response {
    match step {
        SignInStep::Session(session) => {
            let landing = back.map_or(page::SECURITY, ReturnTo::as_str);
            signed_in(state, reply, StatusCode::OK, &session, landing)
        }
        SignInStep::SecondFactor(challenge) => {
            asked(state, reply, (challenge, None), Waiting::Code, back)
        }
        SignInStep::SetupRequired(challenge, setup) => {
            asked(state, reply, (challenge, Some(setup)), Waiting::Setup, back)
        }
        SignInStep::NewPasswordRequired(challenge) => {
            asked(state, reply, (challenge, None), Waiting::NewPassword, back)
        }
    }
}

/// The code form: a code from the app or a recovery code, for the sign-in
/// that waits for it. A browser's form post carries the sign-in in its
/// cookie; a script sends `challenge` in the JSON body.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(flatten)]
    request: LoginCodeRequest,
    #[serde(default)]
    next: Option<String>,
}

/// What a sign-in waits for after the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Waiting {
    /// A code from the user's second factor (`/login/code`).
    Code,
    /// An authenticator app set up, the account requiring one
    /// (`/login/setup`).
    Setup,
    /// A password of the user's own, the server's operator having reset
    /// theirs (`/login/password`).
    NewPassword,
}

impl Waiting {
    /// The page that asks for it.
    fn page(self) -> &'static str {
        match self {
            Waiting::Code => page::LOGIN_CODE,
            Waiting::Setup => page::LOGIN_SETUP,
            Waiting::NewPassword => page::LOGIN_PASSWORD,
        }
    }

    /// How a script is told.
    fn waits_for(self) -> SignInWaitsFor {
        match self {
            Waiting::Code => SignInWaitsFor::Code,
            Waiting::Setup => SignInWaitsFor::Setup,
            Waiting::NewPassword => SignInWaitsFor::NewPassword,
        }
    }
}

/// `POST /api/auth/login/code`: the second half of signing in with a second
/// factor. Signed in, the sign-in's cookie goes; when the sign-in has ended
/// (five minutes, or too many wrong codes) the browser is sent back to
/// enter the password again.
pub async fn login_code(
    State(state): State<AppState>,
    Client(meta): Client,
    headers: HeaderMap,
    submission: Submission<CodeForm>,
) -> Response {
    finish_sign_in(&state, meta, &headers, submission, CodeStep::SecondFactor).await
}

/// `POST /api/auth/login/setup`: the second half of signing in where the
/// account requires a second factor and the user had none: a code from the
/// app just set up. As for [`login_code`] otherwise.
pub async fn login_setup(
    State(state): State<AppState>,
    Client(meta): Client,
    headers: HeaderMap,
    submission: Submission<CodeForm>,
) -> Response {
    finish_sign_in(&state, meta, &headers, submission, CodeStep::Setup).await
}

/// The steps a code finishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CodeStep {
    /// The code of the user's second factor.
    SecondFactor,
    /// The first code of the app the account requires set up.
    Setup,
}

/// Turns the sign-in waiting for `step` into a session with the code.
async fn finish_sign_in(
    state: &AppState,
    meta: ClientMeta,
    headers: &HeaderMap,
    Submission { reply, body }: Submission<CodeForm>,
    step: CodeStep,
) -> Response {
    let back = going_back(
        state,
        body.as_ref().ok().and_then(|form| form.next.as_deref()),
    );
    let result = match body {
        Ok(form) => {
            let challenge = match (&form.request.challenge, reply) {
                (Some(sent), Reply::Json) => ChallengeToken::parse(sent),
                _ => state.cookies.read_challenge(headers),
            };
            let code = &form.request.code;
            let finished = match (challenge, step) {
                (Some(challenge), CodeStep::SecondFactor) => {
                    state.auth.complete_sign_in(&challenge, code, meta).await
                }
                (Some(challenge), CodeStep::Setup) => {
                    state
                        .auth
                        .complete_setup_sign_in(&challenge, code, meta)
                        .await
                }
                (None, _) => Err(AuthError::SignInExpired),
            };
            finished.map(SignInStep::Session).map_err(ApiError::from)
        }
        Err(err) => Err(err),
    };
    let waiting = match step {
        CodeStep::SecondFactor => Waiting::Code,
        CodeStep::Setup => Waiting::Setup,
    };
    after_step(state, reply, result, waiting, back.as_ref())
}

/// The password form after the server's operator reset the user's: a
/// password of their own, for the sign-in that waits for it. A browser's
/// form post carries the sign-in in its cookie; a script sends `challenge`
/// in the JSON body.
#[derive(Debug, Deserialize)]
pub struct NewPasswordForm {
    #[serde(flatten)]
    request: NewPasswordRequest,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /api/auth/login/password`: the step of signing in after the
/// server's operator reset the password. The user's own password replaces
/// it, and the sign-in goes on: a session, or the app to set up where the
/// account requires one. A password refused goes back to the form; when
/// the sign-in has ended, the browser is sent back to enter the password
/// again.
pub async fn login_password(
    State(state): State<AppState>,
    Client(meta): Client,
    headers: HeaderMap,
    Submission { reply, body }: Submission<NewPasswordForm>,
) -> Response {
    let back = going_back(
        &state,
        body.as_ref().ok().and_then(|form| form.next.as_deref()),
    );
    let result = match body {
        Ok(form) => {
            let challenge = match (&form.request.challenge, reply) {
                (Some(sent), Reply::Json) => ChallengeToken::parse(sent),
                _ => state.cookies.read_challenge(&headers),
            };
            let finished = match challenge {
                Some(challenge) => {
                    let new_password = form.request.new_password;
                    state
                        .auth
                        .sign_in_with_new_password(&challenge, new_password, meta)
                        .await
                }
                None => Err(AuthError::SignInExpired),
            };
            finished.map_err(ApiError::from)
        }
        Err(err) => Err(err),
    };
    after_step(&state, reply, result, Waiting::NewPassword, back.as_ref())
}

/// Answers a step of a sign-in that waited for `waiting`. Signed in, the
/// sign-in's cookie goes; waiting for another step, it is replaced; ended
/// (five minutes, or too many refused tries), it goes and the browser
/// enters the password again; refused, the browser goes back to the step's
/// page with the sign-in kept.
fn after_step(
    state: &AppState,
    reply: Reply,
    result: Result<SignInStep, ApiError>,
    waiting: Waiting,
    back: Option<&ReturnTo>,
) -> Response {
    let mut response = match result {
        Ok(SignInStep::Session(session)) => {
            let landing = back.map_or(page::SECURITY, ReturnTo::as_str);
            signed_in(state, reply, StatusCode::OK, &session, landing)
        }
        Ok(step) => return stepped(state, reply, step, back),
        Err(err) if err.code == ErrorCode::SignInExpired => {
            failed(reply, err, &on_page(page::LOGIN, back))
        }
        Err(err) => return failed(reply, err, &on_page(waiting.page(), back)),
    };
    if reply == Reply::Page {
        response
            .headers_mut()
            .append(header::SET_COOKIE, state.cookies.clear_challenge());
    }
    response
}

/// The password was right and another step must follow: a script gets
/// the challenge to send with it and what it waits for (and the app to set
/// up, when that is what it waits for); a browser keeps it in a cookie for
/// five minutes and goes to the page that asks for it.
fn asked(
    state: &AppState,
    reply: Reply,
    (challenge, setup): (Challenge, Option<TotpSetup>),
    waiting: Waiting,
    back: Option<&ReturnTo>,
) -> Response {
    match reply {
        Reply::Json => Json(SignInChallenge {
            challenge: challenge.token.expose().to_owned(),
            expires_at: challenge.expires_at,
            waits_for: waiting.waits_for(),
            setup,
        })
        .into_response(),
        Reply::Page => {
            let max_age_secs = challenge.expires_at.millis_since(state.auth.now()) / 1000;
            let mut response = Redirect::to(&on_page(waiting.page(), back)).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                state.cookies.set_challenge(&challenge.token, max_age_secs),
            );
            response
        }
    }
}
