use crate::resources::load_once;
use api::{NoticeId, NoticeKind, SecurityNotice};
use leptos::prelude::*;

use crate::server_fns::{acknowledge_security_notices, load_security_notices};

/// Security notices stored for the user (a stolen session that was ended,
/// a password change, a new token, a new device), each shown once, in a
/// session other than the one that caused it.
///
/// Rendering reads them only. Once the page runs in the browser, it tells
/// the server (an origin-checked POST) which ones it has shown, so a page
/// fetched but never seen (a link from another site, a prefetch) uses up
/// nothing.
#[component]
pub fn SecurityNotices() -> impl IntoView {
    let notices = load_once(load_security_notices());
    let acknowledge = Action::new(|ids: &Vec<NoticeId>| acknowledge_security_notices(ids.clone()));
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(Ok(shown)) = notices.get() else {
            return false;
        };
        if !shown.is_empty() {
            acknowledge.dispatch(shown.into_iter().map(|notice| notice.id).collect());
        }
        true
    });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                notices.await.unwrap_or_default().into_iter().map(notice).collect_view()
            })}
        </Suspense>
    }
}

fn notice(notice: SecurityNotice) -> impl IntoView {
    let detail = notice.detail.unwrap_or_default();
    let (class, text) = match notice.kind {
        NoticeKind::SessionTaken => (
            "banner danger",
            "A session of yours was used from somewhere else, so we ended it. \
             If that was not you, change your password now."
                .to_owned(),
        ),
        NoticeKind::PasswordChanged => (
            "banner info",
            format!(
                "Your password was changed (from {detail}) and your other sessions were ended. \
                 If that was not you, change your password now."
            ),
        ),
        NoticeKind::TokenCreated => (
            "banner info",
            format!(
                "A new API token, \u{201c}{detail}\u{201d}, was created from another session. \
                 If that was not you, revoke it below and change your password."
            ),
        ),
        NoticeKind::NewDevice => (
            "banner info",
            format!(
                "Someone signed in to your account from a new device ({detail}). \
                 If that was not you, end that session below and change your password."
            ),
        ),
        NoticeKind::SecondFactorChanged => (
            "banner info",
            format!(
                "Two-step sign-in was {detail}. If that was not you, change your password now \
                 and set it up again below."
            ),
        ),
        NoticeKind::CodeReused => (
            "banner warning",
            "A code from your authenticator app was sent again after it had been used, and \
             refused. If that was not you, someone may know your password and see your codes: \
             change your password now."
                .to_owned(),
        ),
        NoticeKind::PasskeyChanged => (
            "banner info",
            format!(
                "A passkey was {detail}. If that was not you, change your password now and \
                 check your passkeys below."
            ),
        ),
        NoticeKind::AccountRecovered => (
            "banner warning",
            format!(
                "The server's operator reset your password and ended everything that signed \
                 in as you: {detail}. Set up two-step sign-in and your passkeys again below, and \
                 make new API tokens where you need them."
            ),
        ),
        NoticeKind::RoleChanged => (
            "banner info",
            format!("You were made {detail}. If that looks wrong, ask the account's owners."),
        ),
        NoticeKind::RemovedFromAccount => (
            "banner warning",
            format!("You were removed from the account {detail}."),
        ),
        NoticeKind::EmailChanging => (
            "banner info",
            format!(
                "Someone signed in as you asked to change your address to {detail}. If that \
                 was not you, change your password now."
            ),
        ),
    };
    view! {
        <p class=class role="alert" data-testid="security-notice">
            {text}
        </p>
    }
}
