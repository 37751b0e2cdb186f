use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// A confirmation dialog. It says what will happen, keeps keyboard focus
/// inside while open (Tab and Shift+Tab cycle), closes on Escape or Cancel,
/// and gives focus back to what opened it.
#[component]
pub fn ConfirmModal(
    /// Open while true; the modal sets it to false when it closes.
    open: RwSignal<bool>,
    /// A unique id for the title, for `aria-labelledby`.
    id: &'static str,
    title: &'static str,
    /// What will happen, in words.
    #[prop(into)]
    body: Signal<String>,
    confirm_label: &'static str,
    /// Style the confirm button as dangerous.
    #[prop(optional)]
    danger: bool,
    /// Runs when confirmed (the modal closes first).
    on_confirm: Callback<()>,
) -> impl IntoView {
    let cancel_ref = NodeRef::<html::Button>::new();
    let confirm_ref = NodeRef::<html::Button>::new();
    // Set only in the browser, so no element is ever held while rendering on
    // the (multi-threaded) server.
    let opener = StoredValue::new(None::<SendWrapper<web_sys::HtmlElement>>);

    Effect::new(move |_| {
        if open.get() {
            let active = document().active_element();
            let element =
                active.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
            opener.set_value(element.map(SendWrapper::new));
            request_animation_frame(move || {
                if let Some(cancel) = cancel_ref.get_untracked() {
                    let _ = cancel.focus();
                }
            });
        }
    });
    let close = move || {
        open.set(false);
        opener.with_value(|element| {
            if let Some(element) = element {
                let _ = element.focus();
            }
        });
    };
    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Tab" => {
            ev.prevent_default();
            let (Some(cancel), Some(confirm)) =
                (cancel_ref.get_untracked(), confirm_ref.get_untracked())
            else {
                return;
            };
            let cancel_element: web_sys::Element = cancel.clone().into();
            let on_cancel = document().active_element() == Some(cancel_element);
            let _ = if on_cancel {
                confirm.focus()
            } else {
                cancel.focus()
            };
        }
        _ => {}
    };
    let title_id = format!("{id}-title");
    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:click=move |_| close()></div>
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby=title_id.clone()
                data-testid=id
                on:keydown=on_keydown
            >
                <h2 id=title_id.clone()>{title}</h2>
                <p>{move || body.get()}</p>
                <div class="modal-actions">
                    <button type="button" class="button" node_ref=cancel_ref on:click=move |_| close()>
                        "Cancel"
                    </button>
                    <button
                        type="button"
                        class=if danger { "button danger" } else { "button primary-inline" }
                        node_ref=confirm_ref
                        on:click=move |_| {
                            close();
                            on_confirm.run(());
                        }
                    >
                        {confirm_label}
                    </button>
                </div>
            </div>
        </Show>
    }
}
