//! The WASM entry point: hydrates the server-rendered page, and never
//! leaves a silent dead page behind.
//!
//! Leptos's hydration script is a module script, so this runs once the
//! whole streamed document, with the data it carries, has been parsed.

mod failure;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    failure::install_panic_hook();
    leptos::mount::hydrate_body(app::App);
    failure::started();
}
