//! The one dialog shell, [`Modal`]: it keeps keyboard focus inside while
//! open (Tab and Shift+Tab wrap around), closes on Escape or a click beside
//! it, puts focus on its first control when it opens and gives it back to
//! what opened it when it closes. Its two users are the page's confirmation
//! (`confirm.rs`) and password (`reauth.rs`) dialogs.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// What can take focus inside a dialog, in document order.
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), select:not([disabled]), \
                         textarea:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

/// The dialog shell: a backdrop and a `role="dialog"` box titled `title`.
#[component]
pub fn Modal(
    /// Open while true.
    #[prop(into)]
    open: Signal<bool>,
    /// A unique id: the box's `data-testid`, and with `-title` its title's id.
    #[prop(into)]
    id: Signal<&'static str>,
    #[prop(into)] title: Signal<&'static str>,
    /// Runs on Escape or a click beside the box; it should close the dialog.
    on_close: Callback<()>,
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<html::Div>::new();
    // Set only in the browser, so no element is ever held while rendering on
    // the (multi-threaded) server.
    let opener = StoredValue::new(None::<SendWrapper<web_sys::HtmlElement>>);

    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open && was_open != Some(true) {
            let active = document()
                .active_element()
                .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
            opener.set_value(active.map(SendWrapper::new));
            // At once if the box is in the page already, and again once it
            // has been drawn, so a key pressed right away lands inside.
            let focus_first = move || {
                if let Some(first) = dialog
                    .get_untracked()
                    .and_then(|dialog| focusable_in(&dialog).into_iter().next())
                {
                    let _ = first.focus();
                }
            };
            focus_first();
            request_animation_frame(focus_first);
        } else if !is_open && was_open == Some(true) {
            opener.update_value(|element| {
                if let Some(element) = element.take() {
                    let _ = element.focus();
                }
            });
        }
        is_open
    });
    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            on_close.run(());
        }
        "Tab" => {
            if let Some(dialog) = dialog.get_untracked() {
                keep_focus_inside(&ev, &focusable_in(&dialog));
            }
        }
        _ => {}
    };
    let title_id = move || format!("{}-title", id.get());
    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:click=move |_| on_close.run(())></div>
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby=title_id
                data-testid=id
                node_ref=dialog
                on:keydown=on_keydown
            >
                <h2 id=title_id>{title}</h2>
                {children()}
            </div>
        </Show>
    }
}

/// The controls in `dialog` that can take focus, in document order.
fn focusable_in(dialog: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    let Ok(found) = dialog.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|n| found.item(n))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Tab from the last control goes to the first, Shift+Tab from the first to
/// the last: focus never leaves the dialog.
fn keep_focus_inside(ev: &KeyboardEvent, controls: &[web_sys::HtmlElement]) {
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        ev.prevent_default();
        return;
    };
    let (from, to) = if ev.shift_key() {
        (first, last)
    } else {
        (last, first)
    };
    let from: &web_sys::Element = from;
    let active = document().active_element();
    let outside = active.as_ref().is_none_or(|active| {
        !controls
            .iter()
            .any(|c| AsRef::<web_sys::Element>::as_ref(c) == active)
    });
    if outside || active.as_ref() == Some(from) {
        ev.prevent_default();
        let _ = to.focus();
    }
}

/// A dialog's buttons: Cancel (which runs `on_cancel`), then `children`,
/// the button that confirms.
#[component]
pub fn DialogButtons(on_cancel: Callback<()>, children: Children) -> impl IntoView {
    view! {
        <div class="modal-actions">
            <button type="button" class="button" on:click=move |_| on_cancel.run(())>
                "Cancel"
            </button>
            {children()}
        </div>
    }
}
