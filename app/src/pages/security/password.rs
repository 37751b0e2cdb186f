//! "Change password" (everyone): a plain form, so it works before the
//! page's WASM has loaded; the server redirects back with the outcome. A
//! change signs out every other session of the user, and their open pages
//! leave at once.

use api::paths::auth;
use api::{ErrorCode, messages};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::{Card, Field, PasswordInput, PasswordKind};

/// The `form` query value that the server's redirect names this card with.
const FORM: &str = "password";

#[component]
pub fn PasswordCard() -> impl IntoView {
    let query = use_query_map();
    let outcome = move || {
        let query = query.read();
        if query.get_str("password") == Some("changed") {
            return Some((
                "success",
                "Password changed. Every other session of yours was signed out.".to_owned(),
            ));
        }
        if query.get_str("form") != Some(FORM) {
            return None;
        }
        let code = ErrorCode::parse(query.get_str("error")?);
        let message = match (code, query.get_str("field")) {
            (Some(ErrorCode::InvalidParams), Some("current_password")) => {
                "Your current password is not correct.".to_owned()
            }
            (Some(ErrorCode::InvalidParams), Some("new_password")) => format!(
                "Choose a new password of {} to {} characters.",
                api::PASSWORD_MIN_CHARS,
                api::PASSWORD_MAX_CHARS
            ),
            (Some(ErrorCode::InvalidParams), _) => messages::FILL_IN_EVERY_FIELD.to_owned(),
            (Some(ErrorCode::RateLimited), _) => {
                "Too many password attempts. Wait a minute, then try again.".to_owned()
            }
            (Some(ErrorCode::Busy), _) => messages::BUSY.to_owned(),
            _ => messages::SOMETHING_WENT_WRONG.to_owned(),
        };
        Some(("form-error", message))
    };
    view! {
        <Card id="password" title="Change password">
            {move || outcome().map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
            <form method="post" action=auth::PASSWORD class="inline-form">
                <Field input_id="current-password" label="Current password">
                    <PasswordInput
                        id="current-password"
                        name="current_password"
                        kind=PasswordKind::Current
                    />
                </Field>
                <Field input_id="new-password" label="New password">
                    <PasswordInput id="new-password" name="new_password" kind=PasswordKind::New />
                </Field>
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id="revoke-api-tokens"
                        name="revoke_api_tokens"
                        value="true"
                    />
                    <label for="revoke-api-tokens">"Also revoke my API tokens"</label>
                </div>
                <button type="submit" class="button primary">
                    "Change password"
                </button>
            </form>
        </Card>
    }
}
