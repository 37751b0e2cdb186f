//! How the sign-in routes answer, whichever step: the new session's cookie,
//! a failure as JSON or back to the form, and the page to go back to.

use api::{ApiError, paths};
use auth::NewSession;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::dbsc;
use crate::error::HttpError;
use crate::extract::Reply;
use crate::return_to::ReturnTo;
use crate::state::AppState;

/// Where a sign-in form asks to go back to (`next`), if it is a page of a
/// protected app.
pub(super) fn going_back(state: &AppState, next: Option<&str>) -> Option<ReturnTo> {
    next.and_then(|next| ReturnTo::parse(next, &state.protected_origins))
}

/// A page of the sign-in, going back to `back` afterwards.
pub(super) fn on_page(page: &str, back: Option<&ReturnTo>) -> String {
    back.map_or_else(|| page.to_owned(), |back| back.on(page))
}

/// The new session's cookie, with the session as JSON or, for a form post,
/// a redirect to `landing`.
pub(super) fn signed_in(
    state: &AppState,
    reply: Reply,
    status: StatusCode,
    session: &NewSession,
    landing: &str,
) -> Response {
    let response = match reply {
        Reply::Json => (status, Json(&session.signed_in)).into_response(),
        Reply::Page => Redirect::to(landing).into_response(),
    };
    with_session_cookie(state, response, session)
}

/// `response` with the new session's cookie, lasting as long as it may,
/// and the offer to bind the session to the browser's device (DBSC).
pub(super) fn with_session_cookie(
    state: &AppState,
    mut response: Response,
    session: &NewSession,
) -> Response {
    let now = state.auth.now();
    let max_age_secs = session.signed_in.absolute_ends_at.millis_since(now) / 1000;
    let headers = response.headers_mut();
    headers.insert(
        header::SET_COOKIE,
        state.cookies.set(&session.token, max_age_secs),
    );
    if let Some(offer) =
        dbsc::headers::registration(paths::DBSC_REGISTER, session.device_challenge.expose())
    {
        headers.insert(dbsc::headers::REGISTRATION, offer);
    }
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
