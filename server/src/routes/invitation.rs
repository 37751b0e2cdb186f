//! `POST /api/auth/invitation`: joining a team with the link of an
//! invitation from the mail, as JSON or a form post. The person chooses
//! their name and password; they are then signed in as a member, or sent
//! on to set up the second factor their account requires, as a sign-in
//! would be. A link that has ended (used, revoked, replaced, expired or
//! never made) answers the same.

use api::paths::page;
use api::{ApiError, InvitationAcceptRequest};
use auth::{InvitationToken, JoiningMember};
use axum::extract::State;
use axum::response::Response;

use crate::extract::{Client, Submission};
use crate::state::AppState;

use super::answers::failed;
use super::sign_in_steps::stepped;

pub async fn accept(
    State(state): State<AppState>,
    Client(meta): Client,
    Submission { reply, body }: Submission<InvitationAcceptRequest>,
) -> Response {
    let form = match body {
        Ok(form) => form,
        Err(err) => return failed(reply, err, page::LOGIN_INVITATION),
    };
    // Only a token of the right shape is put back into the page's address.
    let back = InvitationToken::parse(&form.token)
        .map(|token| format!("{}?token={}", page::LOGIN_INVITATION, token.expose()));
    let joining = JoiningMember {
        name: form.name,
        password: form.password,
    };
    let joined = state
        .auth
        .accept_invitation(&form.token, joining, meta)
        .await
        .map_err(ApiError::from);
    match joined {
        Ok(step) => stepped(&state, reply, step, None),
        Err(err) => {
            let link_ended = err.field.as_deref() == Some("token");
            match back {
                Some(back) if !link_ended => failed(reply, err, &back),
                // The page without a token says the link has ended.
                _ => failed(reply, err, page::LOGIN_INVITATION),
            }
        }
    }
}
