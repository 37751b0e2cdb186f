//! Extractors: the request body as JSON or an HTML form, where the request
//! came from, and the signed-in caller.

use std::convert::Infallible;

use api::{ApiError, ErrorCode};
use auth::{ApiTokenSecret, Authentication, Caller, ClientMeta};
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::{Form, Json};
use serde::de::DeserializeOwned;

use crate::error::HttpError;
use crate::middleware::ClientAddr;

/// Largest request body accepted anywhere.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// How to answer: with JSON, or, for a plain HTML form post from a page,
/// with a redirect to the next page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    Json,
    Page,
}

impl Reply {
    pub fn for_request(headers: &HeaderMap) -> Self {
        if media_type(headers) == "application/x-www-form-urlencoded" {
            Reply::Page
        } else {
            Reply::Json
        }
    }
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A request body, read as JSON or as a form according to its content type.
/// A body that cannot be read is not a rejection: the handler answers it in
/// the same style (JSON error or redirect) as any other failure.
pub struct Submission<T> {
    pub reply: Reply,
    pub body: Result<T, ApiError>,
}

impl<S, T> FromRequest<S> for Submission<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Infallible> {
        let reply = Reply::for_request(req.headers());
        let body = match media_type(req.headers()).as_str() {
            "application/x-www-form-urlencoded" => Form::<T>::from_request(req, state)
                .await
                .map(|Form(value)| value)
                .map_err(|rejection: FormRejection| {
                    body_error(rejection.status(), &rejection.body_text())
                }),
            "application/json" => Json::<T>::from_request(req, state)
                .await
                .map(|Json(value)| value)
                .map_err(|rejection: JsonRejection| {
                    body_error(rejection.status(), &rejection.body_text())
                }),
            _ => Err(ApiError::invalid_params(
                "Send the body as JSON (Content-Type: application/json) or as an HTML form.",
            )),
        };
        Ok(Self { reply, body })
    }
}

fn body_error(status: StatusCode, detail: &str) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        payload_too_large()
    } else {
        ApiError::invalid_params(format!("The request body could not be read: {detail}"))
    }
}

pub fn payload_too_large() -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!(
            "The request body is larger than {} KiB.",
            BODY_LIMIT_BYTES / 1024
        ),
    )
}

/// The API token in `Authorization: Bearer ...`, if one of the right shape.
pub fn bearer_token(headers: &HeaderMap) -> Option<ApiTokenSecret> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    ApiTokenSecret::from_bearer(token.trim())
}

/// Where the request came from, for sessions and audit records.
pub struct Client(pub ClientMeta);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Self(meta_from(&parts.extensions, &parts.headers)))
    }
}

/// Where a request came from, read from the request itself.
pub fn client_meta(req: &Request) -> ClientMeta {
    meta_from(req.extensions(), req.headers())
}

fn meta_from(extensions: &axum::http::Extensions, headers: &HeaderMap) -> ClientMeta {
    let ip = extensions
        .get::<ClientAddr>()
        .map(|ClientAddr(addr)| addr.to_string());
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    ClientMeta::new(ip, user_agent)
}

/// The signed-in caller; answers with the reason when there is none.
pub struct SignedIn(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, HttpError> {
        let authentication = parts
            .extensions
            .get::<Authentication>()
            .ok_or_else(ApiError::unauthenticated)?;
        Ok(Self(authentication.caller()?.clone()))
    }
}
