//! The account routes outside JSON-RPC: the password, members, who is
//! calling.

use schemars::SchemaGenerator;
use serde_json::{Value, json};

use super::{Refusals, body, json_of, redirected, responses, signed_in, to_json};
use crate::{Me, NewMemberRequest, PasswordChange, PasswordChanged, Verified};

pub(super) fn paths(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    json!({
        "/api/auth/password": {"post": {
            "summary": "Changes your password; every other session of yours ends.",
            "security": signed_in(),
            "requestBody": body::<PasswordChange>(g, &json!({
                "current_password": "correct horse battery staple",
                "new_password": "a new and long passphrase",
                "revoke_api_tokens": false,
            })),
            "responses": responses([
                ("200", to_json("Changed.", json_of::<PasswordChanged>(g))),
                ("303", redirected("to `/account/security?password=changed`; or back to \
                    `/account/security?form=password&error=CODE` (and `&field=`).")),
                ("400", refused.bad_body(", the new password is not valid, or the current \
                    password is wrong (`field` names which)")),
                ("401", refused.unauthenticated()),
                ("403", refused.forbidden(", or an API token, which cannot change the \
                    password")),
                ("413", refused.too_large()),
                ("429", refused.rate_limited("attempts at the current password")),
                ("500", refused.internal()),
                ("503", refused.busy()),
            ]),
        }},
        "/api/account/members": {"post": {
            "summary": "Adds a member with a first password: `account_member_add` over REST, \
                with its requirements (owner only; a session, or an API token whose scope \
                allows `account_member_add`; a recent confirmation for a session).",
            "security": signed_in(),
            "requestBody": body::<NewMemberRequest>(g, &json!({
                "name": "Max Member",
                "email": "max@example.com",
                "password": "a first long password",
            })),
            "responses": responses([
                ("201", to_json("Added.", json_of::<Me>(g))),
                ("303", redirected("to `/account/security/team?member=added`; or back to \
                    `/account/security/team?error=CODE` (and `&field=`).")),
                ("400", refused.bad_body(", or a field is not valid (`field` names it)")),
                ("401", refused.unauthenticated()),
                ("403", refused.because("Not the owner, or an API token whose scope does not \
                    allow `account_member_add` (`forbidden`); the password was not entered again lately \
                    (`reauth_required`); or sent by a page of another site (`forbidden`).")),
                ("409", refused.because("Someone has this email (`conflict`).")),
                ("413", refused.too_large()),
                ("429", refused.rate_limited("new passwords for this account")),
                ("500", refused.internal()),
                ("503", refused.busy()),
            ]),
        }},
        "/api/account/me": {"get": {
            "summary": "Who is calling (the `account_verify` action, and open to the API \
                tokens that may call it).",
            "security": signed_in(),
            "responses": responses([
                ("200", json!({"description": "You.", "content": json_of::<Verified>(g)})),
                ("401", refused.unauthenticated()),
                ("403", refused.because("An API token whose scope does not allow \
                    `account_verify` (`forbidden`).")),
                ("500", refused.internal()),
            ]),
        }},
    })
}
