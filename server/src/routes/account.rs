//! `/api/account/...`: what the owner does for the account over REST. The
//! same gate as every transport decides who may call them.

use api::paths::page;
use api::rpc::Method;
use api::{ApiError, Me, NewMemberRequest, Verified};
use auth::{Auth, AuthError, Caller, ClientMeta, Via};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::answers::failed;
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
        Ok(request) => add(&state.auth, &caller, request, &meta)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match (result, reply) {
        (Ok(member), Reply::Json) => (StatusCode::CREATED, Json(member)).into_response(),
        (Ok(_), Reply::Page) => {
            Redirect::to(&format!("{}?member=added", page::SECURITY_TEAM)).into_response()
        }
        (Err(err), _) => failed(reply, err, page::SECURITY_TEAM),
    }
}

/// `account_member_add`, by way of the gate.
async fn add(
    auth: &Auth,
    caller: &Caller,
    request: NewMemberRequest,
    meta: &ClientMeta,
) -> Result<Me, AuthError> {
    let admitted = auth.admit(caller, Method::MemberAdd, Via::Api).await?;
    admitted
        .owner()?
        .add_member(&admitted.confirmed()?, request, meta)
        .await
}

/// `GET /api/account/me`: who is calling, and with what (the same answer as
/// the `account_verify` action, and allowed to the same tokens), for scripts
/// and health checks that hold a token or a cookie.
pub async fn me(
    State(state): State<AppState>,
    SignedIn(caller): SignedIn,
) -> Result<Json<Verified>, HttpError> {
    let admitted = state
        .auth
        .admit(&caller, Method::Verify, Via::Api)
        .await
        .map_err(HttpError::from)?;
    Ok(Json(admitted.user().verify()))
}
