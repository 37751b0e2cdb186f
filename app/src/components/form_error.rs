use leptos::prelude::*;

/// A form's error message, announced to screen readers, when there is one.
#[component]
pub fn FormError(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! {
                <p class="form-error" role="alert">
                    {message}
                </p>
            }
        })
    }
}
