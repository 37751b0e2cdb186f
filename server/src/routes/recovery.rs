//! `POST /api/auth/forgot` and `POST /api/auth/reset`: a forgotten
//! password, as JSON or form posts. Asking answers the same whether or not
//! the address is a user's (the mail, if any, is queued for the courier);
//! the new password needs the link's token, and a code where the user has
//! a second factor.

use api::paths::page;
use api::{ApiError, ForgotPasswordRequest, PasswordResetRequest};
use auth::{ClientMeta, NewPasswordByLink, ResetToken};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

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
