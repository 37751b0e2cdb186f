//! The scripts the server serves itself, their wording and every path they
//! use filled in once from the same constants as the WASM's:
//! `GET /latchkey.js`, which a protected app's pages include for the live
//! session (warnings, "Stay signed in", leaving at once on a revoke), and
//! `GET /login/passkey.js`, the passkey button of the sign-in pages,
//! which load no WASM.

use std::sync::LazyLock;

use api::messages::{self, SignInReason, login_after_revoke};
use api::{ErrorCode, RevokeReason, WARN_BEFORE_MS, paths};
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

static SCRIPT: LazyLock<String> =
    LazyLock::new(|| include_str!("latchkey.js").replace("/*CONFIG*/ {}", &config().to_string()));

static PASSKEY_SCRIPT: LazyLock<String> = LazyLock::new(|| {
    include_str!("passkey_sign_in.js").replace("/*CONFIG*/ {}", &passkey_config().to_string())
});

pub async fn latchkey_js() -> impl IntoResponse {
    script(&SCRIPT)
}

pub async fn passkey_sign_in_js() -> impl IntoResponse {
    script(&PASSKEY_SCRIPT)
}

/// Cached briefly: they have no version in their names.
fn script(text: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        text,
    )
}

/// What the passkey button says when the browser's part or the server
/// fails, where it posts to, and where it goes after a new password.
fn passkey_config() -> Value {
    json!({
        "notUsed": messages::PASSKEY_NOT_USED,
        "unsupported": messages::PASSKEYS_UNSUPPORTED,
        "failed": messages::PASSKEY_FAILED,
        "busy": messages::BUSY,
        "wrong": messages::SOMETHING_WENT_WRONG,
        "paths": {
            "first": [paths::auth::PASSKEY_START, paths::auth::PASSKEY_FINISH],
            "second-step": [paths::auth::LOGIN_PASSKEY_START, paths::auth::LOGIN_PASSKEY_FINISH],
            "reset": [paths::auth::RESET_PASSKEY_START, paths::auth::RESET],
        },
        "home": paths::page::SECURITY,
        "resetDone": format!("{}?done=1", paths::page::LOGIN_RESET),
    })
}

fn config() -> Value {
    let after_revoke: Map<String, Value> = RevokeReason::ALL
        .into_iter()
        .map(|reason| {
            (
                reason.as_str().to_owned(),
                json!(login_after_revoke(reason)),
            )
        })
        .collect();
    let after_refusal: Map<String, Value> = [
        ErrorCode::SessionExpired,
        ErrorCode::SessionRevoked,
        ErrorCode::SessionTaken,
    ]
    .into_iter()
    .filter_map(|code| {
        let reason = SignInReason::for_refusal(code)?;
        Some((code.as_str().to_owned(), json!(reason.login_path())))
    })
    .collect();
    json!({
        "warnBeforeMs": WARN_BEFORE_MS,
        "idleWarning": messages::IDLE_WARNING,
        "absoluteWarning": messages::ABSOLUTE_WARNING,
        "staySignedIn": messages::STAY_SIGNED_IN,
        "signInNow": messages::SIGN_IN_NOW,
        "afterRevoke": after_revoke,
        "afterRefusal": after_refusal,
        "login": paths::page::LOGIN,
        "rpc": paths::RPC,
        "events": paths::EVENTS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_gets_its_settings_and_every_revoke_reason() {
        assert!(!SCRIPT.contains("/*CONFIG*/"));
        assert!(SCRIPT.contains(r#""token_reuse":"/login?reason=session_taken""#));
        assert!(SCRIPT.contains(r#""session_expired":"/login?reason=session_expired""#));
        assert!(SCRIPT.contains(messages::STAY_SIGNED_IN));
        assert!(SCRIPT.contains(&format!(r#""events":"{}""#, paths::EVENTS)));
    }

    #[test]
    fn the_passkey_script_gets_its_wording() {
        assert!(!PASSKEY_SCRIPT.contains("/*CONFIG*/"));
        assert!(PASSKEY_SCRIPT.contains(messages::PASSKEY_NOT_USED));
        assert!(PASSKEY_SCRIPT.contains(paths::auth::LOGIN_PASSKEY_FINISH));
        assert_eq!(
            app::PASSKEY_SCRIPT,
            paths::PASSKEY_JS,
            "the pages load it here"
        );
    }
}
