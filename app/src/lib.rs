//! The Leptos UI. Pages render on the server and hydrate in the browser; the
//! server functions here only decode, call `auth`, and map errors.

// Leptos views are deeply nested types; the hydrate build needs more room.
#![recursion_limit = "256"]

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

mod components;
mod live;
mod pages;
mod passkeys;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod ssr;

use pages::{
    LoginCodePage, LoginPage, LoginSetupPage, NotFound, SecurityLogPage, SecurityPage, SignupPage,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />

                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

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
                <Route path=path!("/login/setup") view=LoginSetupPage />
                <Route path=path!("/signup") view=SignupPage />
                <Route path=path!("/account/security") view=SecurityPage />
                <Route path=path!("/account/security/log") view=SecurityLogPage />
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
