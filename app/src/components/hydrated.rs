use leptos::prelude::*;

/// False while the page is only server-rendered HTML, true once this part
/// has hydrated. Buttons that need the WASM are disabled until then, so none
/// is ever a dead button.
pub fn use_hydrated() -> Signal<bool> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    hydrated.into()
}
