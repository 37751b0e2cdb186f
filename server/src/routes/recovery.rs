//! `POST /api/auth/forgot` and `POST /api/auth/reset`: a forgotten
//! password, as JSON or form posts. Asking answers the same whether or not
//! the address is a user's (the mail, if any, is queued for the courier);
//! the new password needs the link's token, and a code or a passkey where
//! the user has a second factor (`POST /api/auth/reset/passkey/start`
//! begins the passkey's ceremony). `POST /api/auth/not-me`: "This wasn't me" from the
//! mail about a new device's sign-in, which ends that session and goes on
//! to choosing a new password.

use api::paths::page;
use api::{
    ApiError, ForgotPasswordRequest, NotMeDone, NotMeRequest, PasswordResetRequest,
    ResetPasskeyStartRequest,
};
use auth::{ClientMeta, NewPasswordByLink, ResetToken};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use crate::error::HttpError;
use crate::extract::{Client, Reply, Submission};
use crate::state::AppState;

use super::answers::failed;

/// `POST /api/auth/forgot`: a script gets 202 and a browser the page that
/// says a link is on its way if the address is known, whatever it was.
pub async fn forgot(
    State(state): State<AppState>,
    Client(meta): Client,
    Submission { reply, body }: Submission<ForgotPasswordRequest>,
) -> Response {
    let asked = match body {
        Ok(form) => ask(&state, &form.email, &meta).await,
        Err(err) => Err(err),
    };
    match (asked, reply) {
        (Ok(()), Reply::Json) => {
            (StatusCode::ACCEPTED, Json(json!({"status": "accepted"}))).into_response()
        }
        (Ok(()), Reply::Page) => {
            Redirect::to(&format!("{}?sent=1", page::LOGIN_FORGOT)).into_response()
        }
        (Err(err), reply) => failed(reply, err, page::LOGIN_FORGOT),
    }
}

async fn ask(state: &AppState, email: &str, meta: &ClientMeta) -> Result<(), ApiError> {
    state
        .auth
        .request_password_reset(email, meta)
        .await
        .map_err(ApiError::from)
}

/// `POST /api/auth/reset`: the new password, with the link's token (and a
/// code where the user has a second factor). Done, a browser goes to the
/// page that says so, signed in nowhere; refused, back to the form with
/// the link, or to ask for a new link when it has ended.
pub async fn reset(
    State(state): State<AppState>,
    Client(meta): Client,
    Submission { reply, body }: Submission<PasswordResetRequest>,
) -> Response {
    let form = match body {
        Ok(form) => form,
        Err(err) => return failed(reply, err, page::LOGIN_FORGOT),
    };
    // Only a token of the right shape is put back into the page's address.
    let back = ResetToken::parse(&form.token)
        .map(|token| format!("{}?token={}", page::LOGIN_RESET, token.expose()));
    let choice = NewPasswordByLink {
        new_password: form.new_password,
        code: form.code,
        passkey: form.passkey,
        revoke_api_tokens: form.revoke_api_tokens,
    };
    let done = state
        .auth
        .reset_password(&form.token, choice, &meta)
        .await
        .map_err(ApiError::from);
    match (done, reply) {
        (Ok(done), Reply::Json) => Json(done).into_response(),
        (Ok(_), Reply::Page) => {
            Redirect::to(&format!("{}?done=1", page::LOGIN_RESET)).into_response()
        }
        (Err(err), reply) => {
            let link_ended = err.field.as_deref() == Some("token");
            match back {
                Some(back) if !link_ended => failed(reply, err, &back),
                _ => failed(reply, err, page::LOGIN_FORGOT),
            }
        }
    }
}

/// `POST /api/auth/reset/passkey/start`: the options for confirming the
/// new password with a passkey of the link's user (JSON only: the reset
/// page's script calls it).
pub async fn reset_passkey_start(
    State(state): State<AppState>,
    Client(meta): Client,
    Submission { body, .. }: Submission<ResetPasskeyStartRequest>,
) -> Response {
    let started = match body {
        Ok(sent) => state
            .auth
            .start_reset_passkey(&sent.token, &meta)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match started {
        Ok(ceremony) => Json(ceremony).into_response(),
        Err(err) => HttpError(err).into_response(),
    }
}

/// `POST /api/auth/not-me`: ends the session the mail was about; a browser
/// goes on to choose a new password, or back to the page when the link has
/// ended.
pub async fn not_me(
    State(state): State<AppState>,
    Client(meta): Client,
    Submission { reply, body }: Submission<NotMeRequest>,
) -> Response {
    let reported = match body {
        Ok(form) => state
            .auth
            .report_session(&form.token, &meta)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match reported {
        Ok(done) => {
            let link = format!("{}?token={}", page::LOGIN_RESET, done.new_password.expose());
            match reply {
                Reply::Json => Json(NotMeDone {
                    session_ended: done.session_ended,
                    new_password_link: link,
                })
                .into_response(),
                Reply::Page => Redirect::to(&format!("{link}&reported=1")).into_response(),
            }
        }
        Err(err) => failed(reply, err, page::LOGIN_NOT_ME),
    }
}
