use leptos::prelude::*;

/// The bar on top of every signed-in page. Signing out is a real form post,
/// so it works before the WASM has loaded.
#[component]
pub fn SignedInHeader() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/account/security">
                "Latchkey"
            </a>
            <nav class="nav">
                <a href="/account/security">"Security"</a>
                <a href="/account/security/log">"Security log"</a>
            </nav>
            <form method="post" action="/api/auth/logout" class="signout">
                <button type="submit" class="button">
                    "Sign out"
                </button>
            </form>
        </header>
    }
}
