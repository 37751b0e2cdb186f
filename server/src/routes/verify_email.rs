//! `POST /api/auth/verify-email`: the link mailed to an address, used from
//! its page's button (the link's GET only shows the page). The address is
//! verified, or, for a change, becomes the user's. JSON gets
//! [`api::EmailVerified`]; a browser goes back to the page, which then
//! says so, or says the link has ended.

use api::paths::page;
use api::{ApiError, EmailVerifyRequest};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use crate::extract::{Client, Reply, Submission};
use crate::state::AppState;

use super::answers::failed;

pub async fn verify_email(
    State(state): State<AppState>,
    Client(meta): Client,
    Submission { reply, body }: Submission<EmailVerifyRequest>,
) -> Response {
    let verified = match body {
        Ok(form) => state
            .auth
            .verify_email(&form.token, &meta)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match verified {
        Ok(done) => match reply {
            Reply::Json => Json(done).into_response(),
            Reply::Page => {
                Redirect::to(&format!("{}?verified=1", page::LOGIN_VERIFY_EMAIL)).into_response()
            }
        },
        Err(err) => failed(reply, err, page::LOGIN_VERIFY_EMAIL),
    }
}
