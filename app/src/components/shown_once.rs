//! A secret shown this once (a new token, new recovery codes): what it is,
//! a button that copies it, and one that puts it away for good.

use leptos::prelude::*;

use super::copy_button::CopyButton;

/// `children` say what the secret is and show it; below them, a button
/// that copies `to_copy`, and `done`, which empties `shown`, the signal
/// that holds the secret.
#[component]
pub fn ShownOnce<T>(
    to_copy: String,
    done: &'static str,
    shown: RwSignal<Option<T>>,
    children: Children,
) -> impl IntoView
where
    T: Send + Sync + 'static,
{
    view! {
        <div class="secret" role="status">
            {children()}
            <div class="actions">
                <CopyButton text=to_copy />
                <button type="button" class="button" on:click=move |_| shown.set(None)>
                    {done}
                </button>
            </div>
        </div>
    }
}
