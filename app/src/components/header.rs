use api::paths::{auth, page};
use leptos::prelude::*;

/// The bar on top of every signed-in page (the pages' own navigation is
/// beside their content). Signing out is a real form post, so it works
/// before the WASM has loaded.
#[component]
pub fn SignedInHeader() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href=page::SECURITY rel="external">
                "Latchkey"
            </a>
            <form method="post" action=auth::LOGOUT class="signout">
                <button type="submit" class="button">
                    "Sign out"
                </button>
            </form>
        </header>
    }
}
