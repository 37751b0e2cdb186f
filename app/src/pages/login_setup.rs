use crate::resources::load_once;
use api::messages;
use api::paths::{auth, page};
use api::{ErrorCode, in_fours};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sent_back::sent_back;
use crate::components::FormError;
use crate::server_fns::load_waiting_setup;

/// The sign-in's second page when the account requires a second factor and
/// the user has none: the authenticator app made for them when the password
/// was checked, to scan, and the code from it that turns the sign-in into
/// a session. The form posts to `/api/auth/login/setup`; the sign-in it
/// finishes is in a cookie set by the password step.
#[component]
pub fn LoginSetupPage() -> impl IntoView {
    let query = use_query_map();
    let setup = load_once(load_waiting_setup());
    let error = sent_back(|sent| setup_error(sent.code).to_owned());
    let next = move || query.read().get("next");
    view! {
        <Title text="Sign in: set up two-step sign-in" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Set up two-step sign-in"</h1>
                <p class="muted">
                    "Your account requires a code from an authenticator app after the password. "
                    "Scan this QR code with the app on your phone, then enter the code it shows."
                </p>
                <FormError message=error />
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match setup.await {
                            Ok(shown) => {
                                let key = in_fours(&shown.secret, " ");
                                view! {
                                    <div class="totp-setup">
                                        <div
                                            class="qr"
                                            role="img"
                                            aria-label="QR code for your authenticator app"
                                            inner_html=shown.qr_svg
                                        />
                                        <p>"Or type in this key:"</p>
                                        <code data-testid="totp-secret">{key}</code>
                                    </div>
                                    <form method="post" action=auth::LOGIN_SETUP class="stack">
                                        {next().map(|next| view! { <input type="hidden" name="next" value=next /> })}
                                        <label for="code">"Code from the app"</label>
                                        <input
                                            id="code"
                                            name="code"
                                            type="text"
                                            inputmode="numeric"
                                            autocomplete="one-time-code"
                                            maxlength="7"
                                            required
                                        />
                                        <button type="submit" class="button primary">
                                            "Turn on and sign in"
                                        </button>
                                    </form>
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                let message = setup_error(Some(err.code));
                                view! { <p class="form-error" role="alert">{message}</p> }.into_any()
                            }
                        }
                    })}
                </Suspense>
                <p class="muted">
                    <a href=page::LOGIN rel="external">"Start again with your password"</a>
                </p>
            </section>
        </main>
    }
}

fn setup_error(code: Option<ErrorCode>) -> &'static str {
    match code {
        Some(ErrorCode::InvalidParams) => messages::WRONG_CODE,
        Some(ErrorCode::RateLimited) => messages::TOO_MANY_ATTEMPTS,
        Some(ErrorCode::SignInExpired) => messages::SIGN_IN_EXPIRED,
        Some(ErrorCode::Busy) => messages::BUSY,
        _ => messages::SOMETHING_WENT_WRONG,
    }
}
