use api::paths::page;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text="Not found" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <a href=page::SECURITY>"Go to your security settings"</a>
            </section>
        </main>
    }
}
