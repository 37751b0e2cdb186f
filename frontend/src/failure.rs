//! When the WASM panics, the page is dead: nothing it shows works any more.
//! Instead of leaving a page that only looks normal, say so on the page
//! (with a way to reload) and tell the server, whose log is where an
//! operator will look.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set once hydration has finished: a panic after it is not a failed start.
static STARTED: AtomicBool = AtomicBool::new(false);

/// Where the server takes reports (`POST`, JSON as text).
const REPORT_PATH: &str = "/api/client-errors";

/// The longest panic message sent; the server cuts longer ones too.
const MAX_MESSAGE_CHARS: usize = 2000;

/// The id of the notice, so a second panic does not add a second one.
const NOTICE_ID: &str = "page-failure";

pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        fail(&info.to_string());
    }));
}

/// Hydration has finished.
pub fn started() {
    STARTED.store(true, Ordering::Relaxed);
}

fn fail(message: &str) {
    let started = STARTED.load(Ordering::Relaxed);
    report(message, started);
    show_notice(started);
}

/// Sends the report with `sendBeacon`, which needs no running WASM to
/// finish and survives the page being left.
fn report(message: &str, started: bool) {
    let window = leptos::prelude::window();
    let page = window.location().pathname().unwrap_or_default();
    let message: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    let body = serde_json::json!({
        "page": page,
        "message": message,
        "during_start": !started,
    });
    let _ = window
        .navigator()
        .send_beacon_with_opt_str(REPORT_PATH, Some(&body.to_string()));
}

/// A notice at the top of the page, announced to screen readers, with a
/// link that loads the page again.
fn show_notice(started: bool) {
    let document = leptos::prelude::document();
    if document.get_element_by_id(NOTICE_ID).is_some() {
        return;
    }
    let (Some(body), Ok(notice), Ok(reload)) = (
        document.body(),
        document.create_element("div"),
        document.create_element("a"),
    ) else {
        return;
    };
    notice.set_id(NOTICE_ID);
    notice.set_class_name("banner danger page-failure");
    let _ = notice.set_attribute("role", "alert");
    notice.set_text_content(Some(if started {
        "This page stopped working. "
    } else {
        "This page could not start. "
    }));
    let here = leptos::prelude::window()
        .location()
        .href()
        .unwrap_or_default();
    let _ = reload.set_attribute("href", &here);
    reload.set_text_content(Some("Reload it."));
    let _ = notice.append_child(&reload);
    let _ = body.prepend_with_node_1(&notice);
}
