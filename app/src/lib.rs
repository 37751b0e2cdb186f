//! The Leptos UI. Pages render on the server and hydrate in the browser; the
//! server functions here only decode, call `auth`, and map errors.

// Leptos views are deeply nested types; the hydrate build needs more room.
#![recursion_limit = "256"]

use api::paths::page;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

mod built_files;
mod components;
mod live;
mod pages;
mod passkeys;
mod resources;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod ssr;

use built_files::{hydration_script, stylesheet};
use pages::{
    LoginCodePage, LoginForgotPage, LoginInvitationPage, LoginNotMePage, LoginPage,
    LoginPasswordPage, LoginResetPage, LoginSetupPage, LoginVerifyEmailPage, NotFound,
    SecurityLogPage, SignInPage, SignupPage, TeamPage,
};

pub use components::PASSKEY_SCRIPT;
pub use pages::{INVITATION_ENDED, LINK_ON_ITS_WAY, RESET_LINK_ENDED, VERIFY_LINK_ENDED};

/// The pages that load no WASM: plain forms that post to the server, and
/// the passkey button's small script. They are the first pages a visitor
/// sees, and need nothing more. Signed-in pages never link to them in a way
/// the router could follow (their links go `rel="external"`), so the WASM
/// never draws them either.
pub const PAGES_WITHOUT_WASM: [&str; 9] = [
    page::LOGIN,
    page::LOGIN_CODE,
    page::LOGIN_PASSWORD,
    page::LOGIN_FORGOT,
    page::LOGIN_RESET,
    page::LOGIN_NOT_ME,
    page::LOGIN_INVITATION,
    page::LOGIN_VERIFY_EMAIL,
    page::SIGNUP,
];

/// The HTML document around the app, rendered on the server only; with the
/// scripts that load the WASM when `loads_wasm` (see [`PAGES_WITHOUT_WASM`]).
pub fn shell(options: &LeptosOptions, loads_wasm: bool) -> impl IntoView + use<> {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />

                {stylesheet(options)}
                // Loaded when the browser is idle: the page is drawn (and its
                // largest text painted) before the WASM competes with it; its
                // buttons wait, disabled, until then.
                {loads_wasm.then(|| hydration_script(options))}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The pages with data wait for it on the server (`SsrMode::Async`) and go
/// out whole: streamed, each card first showed "Loading…" and moved the
/// page when its data came (a layout shift of 0.13 in Lighthouse), for a
/// render that takes a few milliseconds.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    view! {
        <Title formatter=|page: String| format!("{page} · Latchkey") />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/login/code") view=LoginCodePage />
                <Route path=path!("/login/password") view=LoginPasswordPage />
                <Route path=path!("/login/forgot") view=LoginForgotPage />
                <Route path=path!("/login/reset") view=LoginResetPage />
                <Route path=path!("/login/not-me") view=LoginNotMePage />
                <Route
                    path=path!("/login/invitation")
                    view=LoginInvitationPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/login/setup") view=LoginSetupPage ssr=SsrMode::Async />
                <Route
                    path=path!("/login/verify-email")
                    view=LoginVerifyEmailPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/signup") view=SignupPage />
                <Route path=path!("/account/security") view=SignInPage ssr=SsrMode::Async />
                <Route path=path!("/account/security/team") view=TeamPage ssr=SsrMode::Async />
                <Route
                    path=path!("/account/security/log")
                    view=SecurityLogPage
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}

/// Sets `data-hydrated` on `<body>` once the WASM has taken over the page,
/// so browser tests (and curious people) can tell.
fn mark_hydrated() {
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_for_visitors_go_without_the_wasm() {
        for path in PAGES_WITHOUT_WASM {
            assert!(page::SIGNED_OUT.contains(&path), "{path}");
        }
    }
}
