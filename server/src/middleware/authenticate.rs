//! Resolves the caller once per request, in a fixed order (session cookie,
//! then API token where the route group takes one), and attaches the answer
//! for every handler and server function to read. This is also where a
//! session's token rotates: the new cookie goes out on this response, before
//! any Leptos handler streams a page (which could no longer add headers).
//! Whether a request may rotate the token or counts as activity, and
//! whether an API token is read at all, is the kind of its route group,
//! given where the groups are built (`startup::router`), so renaming a path
//! cannot change it. Pages and server functions take browser sessions only:
//! there, a bearer token is not even looked up.

use api::{ApiError, Credentials, ErrorCode};
use auth::{Access, ApiTokenSecret, Authentication, ClientMeta, SessionToken};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::origin_is_foreign;
use crate::extract::{bearer_token, client_meta};
use crate::state::AppState;

/// Resolves the caller of a route of the kind `access`, taking the
/// `credentials` its group takes; both are set where the route's group is
/// built (`startup::router`).
pub async fn authenticate(
    State((state, access, credentials)): State<(AppState, Access, Credentials)>,
    mut req: Request,
    next: Next,
) -> Response {
    let meta = client_meta(&req);
    let cookie = state.cookies.read(req.headers());
    let (authentication, set_cookie) = match (cookie, credentials) {
        (Some(token), _) => by_session(&state, &token, access, &meta).await,
        (None, Credentials::SessionOrToken) => {
            let bearer = bearer_token(req.headers());
            let foreign = origin_is_foreign(req.headers(), &state.trusted_origins);
            (by_api_token(&state, bearer, foreign).await, None)
        }
        (None, Credentials::BrowserSession) => {
            (Authentication::new(Err(ApiError::unauthenticated())), None)
        }
    };
    req.extensions_mut().insert(authentication);
    req.extensions_mut().insert(meta);
    // A sign-in waiting for its second factor, for the page that asks for
    // it to show what it needs (the app to set up).
    if let Some(waiting) = state.cookies.read_challenge(req.headers()) {
        req.extensions_mut().insert(waiting);
    }
    let mut response = next.run(req).await;
    // At most one `Set-Cookie` for the session: a handler that set one (a
    // sign-in answering a stale cookie) knows better than this removal.
    if let Some(cookie) = set_cookie
        && !state.cookies.is_set_in(response.headers())
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The session cookie's caller, and the `Set-Cookie` to send: the rotated
/// token, or a removal when the cookie no longer works.
async fn by_session(
    state: &AppState,
    token: &SessionToken,
    access: Access,
    meta: &ClientMeta,
) -> (Authentication, Option<HeaderValue>) {
    match state.auth.authenticate(token, access, meta).await {
        Ok(resolved) => {
            let set_cookie = resolved.rotated.map(|new_token| {
                let absolute_end = resolved.caller.deadlines().map(|d| d.absolute_ends_at);
                let remaining = absolute_end.map_or(0, |end| end.millis_since(state.auth.now()));
                state.cookies.set(&new_token, remaining / 1000)
            });
            (Authentication::new(Ok(resolved.caller)), set_cookie)
        }
        Err(err) => {
            let refusal = ApiError::from(err);
            // A cookie is removed only when its session is surely gone, never
            // because the database could not be asked.
            let set_cookie = (!refusal.code.is_the_servers()).then(|| state.cookies.clear());
            (Authentication::new(Err(refusal)), set_cookie)
        }
    }
}

/// The API token's caller. A token sent by a page of another site is
/// ignored: browsers use the cookie, and a token pasted into some page must
/// not work there.
async fn by_api_token(
    state: &AppState,
    bearer: Option<ApiTokenSecret>,
    from_foreign_page: bool,
) -> Authentication {
    let Some(secret) = bearer else {
        return Authentication::new(Err(ApiError::unauthenticated()));
    };
    if from_foreign_page {
        return Authentication::new(Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "API tokens are not accepted from other sites' pages.",
        )));
    }
    Authentication::new(
        state
            .auth
            .authenticate_api_token(&secret)
            .await
            .map_err(Into::into),
    )
}
