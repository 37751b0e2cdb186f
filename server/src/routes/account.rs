//! `/api/account/...`: what the owner does for the account over REST.

use api::rpc::Method;
use api::{ApiError, NewMemberRequest, Verified};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::{HOME, failed};
use crate::error::HttpError;
use crate::extract::{Client, Reply, SignedIn, Submission};
use crate::state::AppState;

/// The owner adds a member with a first password.
pub async fn add_member(
    State(state): State<AppState>,
    Client(meta): Client,
    SignedIn(caller): SignedIn,
    Submission { reply, body }: Submission<NewMemberRequest>,
) -> Response {
    let result = match body {
        Ok(request) => match state.auth.as_owner(&caller) {
            Ok(owner) => owner.add_member(request, &meta).await,
            Err(forbidden) => Err(forbidden),
        }
        .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match (result, reply) {
        (Ok(member), Reply::Json) => (StatusCode::CREATED, Json(member)).into_response(),
        (Ok(_), Reply::Page) => Redirect::to("/account/security?member=added").into_response(),
        (Err(err), _) => failed(reply, err, HOME),
    }
}

/// `GET /api/account/me`: who is calling, and with what (the same answer as
/// the `account_verify` action, and allowed to the same tokens), for scripts
/// and health checks that hold a token or a cookie.
pub async fn me(
    State(state): State<AppState>,
    SignedIn(caller): SignedIn,
) -> Result<Json<Verified>, HttpError> {
    caller.may_call(Method::Verify).map_err(HttpError::from)?;
    Ok(Json(state.auth.as_user(&caller).verify()))
}
