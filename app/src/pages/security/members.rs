//! "Add a member" (owner): a plain form, so it works before the page's
//! WASM has loaded; the server redirects back with the outcome.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MembersCard() -> impl IntoView {
    let query = use_query_map();
    let outcome = move || {
        let query = query.read();
        if query.get_str("member") == Some("added") {
            return Some(("success", "Member added. Give them their email and first password; they can change it after signing in.".to_owned()));
        }
        let message = match (query.get_str("error")?, query.get_str("field")) {
            ("conflict", _) => "Someone with this email already has an account.".to_owned(),
            ("invalid_params", Some("email")) => {
                "Enter an email address like name@example.com.".to_owned()
            }
            ("invalid_params", Some("password")) => format!(
                "Choose a first password of {} to {} characters.",
                api::PASSWORD_MIN_CHARS,
                api::PASSWORD_MAX_CHARS
            ),
            ("invalid_params", _) => "Fill in every field.".to_owned(),
            _ => "Something went wrong on our side. Please try again.".to_owned(),
        };
        Some(("form-error", message))
    };
    view! {
        <section class="card" aria-labelledby="members-heading">
            <h2 id="members-heading">"Add a member"</h2>
            {move || outcome().map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
            <form method="post" action="/api/account/members" class="inline-form">
                <div class="field">
                    <label for="member-name">"Name"</label>
                    <input
                        id="member-name"
                        name="name"
                        type="text"
                        maxlength="100"
                        autocomplete="off"
                        required
                    />
                </div>
                <div class="field">
                    <label for="member-email">"Email"</label>
                    <input id="member-email" name="email" type="email" autocomplete="off" required />
                </div>
                <div class="field">
                    <label for="member-password">"First password"</label>
                    <input
                        id="member-password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        minlength=api::PASSWORD_MIN_CHARS
                        required
                    />
                </div>
                <button type="submit" class="button primary-inline">
                    "Add member"
                </button>
            </form>
        </section>
    }
}
