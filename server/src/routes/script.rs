//! `GET /latchkey.js`: the script a protected app's pages include for the
//! live session (warnings, "Stay signed in", leaving at once on a revoke).
//! Its wording and where it sends the browser come from the same constants
//! as Latchkey's own pages, filled in once.

use std::sync::LazyLock;

use api::messages::{self, SignInReason, login_after_revoke};
use api::{ErrorCode, RevokeReason, WARN_BEFORE_MS};
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

/// Where it is served; cached briefly, as it has no version in its name.
pub const PATH: &str = "/latchkey.js";

static SCRIPT: LazyLock<String> =
    LazyLock::new(|| include_str!("latchkey.js").replace("/*CONFIG*/ {}", &config().to_string()));

pub async fn latchkey_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        SCRIPT.as_str(),
    )
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
    }
}
