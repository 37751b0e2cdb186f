//! Adding a member (owner), at the foot of the Members card: a plain form,
//! so it works before the page's WASM has loaded; the server redirects back
//! with the outcome.

use api::paths::account;
use api::{ApiError, ErrorCode, messages};
use leptos::prelude::*;

use crate::components::{Field, PasswordInput, PasswordKind, use_reauth};

const REAUTH_FIRST: &str =
    "Adding a member changes who can get in, so enter your password again first.";
const CONFIRMED: &str = "Thanks. Now fill in the form again to add the member.";
use leptos_router::hooks::use_query_map;

#[component]
pub fn AddMember() -> impl IntoView {
    let query = use_query_map();
    let outcome = move || {
        let query = query.read();
        if query.get_str("member") == Some("added") {
            return Some(("success", "Member added. Give them their email and first password; they can change it after signing in.".to_owned()));
        }
        let code = ErrorCode::parse(query.get_str("error")?);
        let message = match (code, query.get_str("field")) {
            (Some(ErrorCode::Conflict), _) => {
                "Someone with this email already has an account.".to_owned()
            }
            (Some(ErrorCode::ReauthRequired), _) => {
                return Some(("form-error", REAUTH_FIRST.to_owned()));
            }
            (Some(ErrorCode::InvalidParams), Some("email")) => messages::ENTER_AN_EMAIL.to_owned(),
            (Some(ErrorCode::InvalidParams), Some("password")) => format!(
                "Choose a first password of {} to {} characters.",
                api::PASSWORD_MIN_CHARS,
                api::PASSWORD_MAX_CHARS
            ),
            (Some(ErrorCode::InvalidParams), _) => messages::FILL_IN_EVERY_FIELD.to_owned(),
            (Some(ErrorCode::RateLimited), _) => {
                "Too many members added at once. Wait a minute, then try again.".to_owned()
            }
            (Some(ErrorCode::Busy), _) => messages::BUSY.to_owned(),
            _ => messages::SOMETHING_WENT_WRONG.to_owned(),
        };
        Some(("form-error", message))
    };
    let reauth = use_reauth();
    let confirmed = RwSignal::new(false);
    let needs_password =
        move || !confirmed.get() && query.read().get_str("error") == Some("reauth_required");
    view! {
        <h3 id="add-member-heading">"Add a member"</h3>
        {move || {
            if confirmed.get() {
                return Some(view! { <p class="success" role="status">{CONFIRMED}</p> }.into_any());
            }
            outcome().map(|(class, text)| view! { <p class=class role="status">{text}</p> }.into_any())
        }}
        <Show when=needs_password>
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    let asked = ApiError::new(ErrorCode::ReauthRequired, REAUTH_FIRST);
                    reauth.handles(&asked, move || confirmed.set(true));
                }
            >
                "Enter your password"
            </button>
        </Show>
        <form method="post" action=account::MEMBERS class="inline-form">
            <Field input_id="member-name" label="Name">
                <input
                    id="member-name"
                    name="name"
                    type="text"
                    maxlength="100"
                    autocomplete="off"
                    required
                />
            </Field>
            <Field input_id="member-email" label="Email">
                <input id="member-email" name="email" type="email" autocomplete="off" required />
            </Field>
            <Field input_id="member-password" label="First password">
                <PasswordInput id="member-password" name="password" kind=PasswordKind::New />
            </Field>
            <button type="submit" class="button primary-inline">
                "Add member"
            </button>
        </form>
    }
}
