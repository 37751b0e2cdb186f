//! Passkeys in the browser, on the signed-in pages: `navigator.credentials
//! .create()` and `.get()` with the options the server sent (WebAuthn JSON,
//! turned into the browser's objects by
//! `PublicKeyCredential.parse*OptionsFromJSON`), the answer back as JSON
//! (`toJSON()`). Signing in with a passkey happens on pages that load no
//! WASM: the server's `/login/passkey.js` does it there. Everything here
//! runs only in the browser, from event handlers.

use api::{ApiError, PasskeyAssertion, PasskeyCeremony, messages};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = PublicKeyCredential, js_name = parseCreationOptionsFromJSON)]
    fn parse_creation_options(options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = PublicKeyCredential, js_name = parseRequestOptionsFromJSON)]
    fn parse_request_options(options: &JsValue) -> Result<JsValue, JsValue>;
}

/// What a person sees when the browser's part fails: they cancelled, the
/// passkey is registered already, or the browser has no passkeys.
fn browser_refused(err: &JsValue) -> ApiError {
    let name = js_sys::Reflect::get(err, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_default();
    let message = match name.as_str() {
        "NotAllowedError" | "AbortError" => messages::PASSKEY_NOT_USED,
        "InvalidStateError" => messages::PASSKEY_REGISTERED_ALREADY,
        "NotSupportedError" | "TypeError" | "ReferenceError" => messages::PASSKEYS_UNSUPPORTED,
        _ => messages::PASSKEY_FAILED,
    };
    ApiError::invalid_params(message)
}

fn to_js(value: &Value) -> Result<JsValue, ApiError> {
    js_sys::JSON::parse(&value.to_string()).map_err(|err| browser_refused(&err))
}

fn from_js(value: &JsValue) -> Result<Value, ApiError> {
    let text: String = js_sys::JSON::stringify(value)
        .map_err(|err| browser_refused(&err))?
        .into();
    serde_json::from_str(&text).map_err(|_| ApiError::internal())
}

/// Runs `navigator.credentials.create()` or `.get()` with `options` under
/// `publicKey`; the credential's JSON.
async fn ask_browser(publickey: JsValue, create: bool) -> Result<Value, ApiError> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"publicKey".into(), &publickey)
        .map_err(|err| browser_refused(&err))?;
    let credentials = web_sys::window()
        .ok_or_else(ApiError::internal)?
        .navigator()
        .credentials();
    let asked = if create {
        credentials.create_with_options(options.unchecked_ref())
    } else {
        credentials.get_with_options(options.unchecked_ref())
    }
    .map_err(|err| browser_refused(&err))?;
    let credential = JsFuture::from(asked)
        .await
        .map_err(|err| browser_refused(&err))?;
    from_js(&credential)
}

/// Makes a new passkey with the registration `ceremony`; the answer to
/// send back.
pub async fn create(ceremony: PasskeyCeremony) -> Result<PasskeyAssertion, ApiError> {
    let options =
        parse_creation_options(&to_js(&ceremony.options)?).map_err(|err| browser_refused(&err))?;
    Ok(PasskeyAssertion {
        credential: ask_browser(options, true).await?,
        ceremony: ceremony.ceremony,
    })
}

/// Answers a sign-in or confirmation `ceremony` with one of the person's
/// passkeys.
pub async fn get(ceremony: PasskeyCeremony) -> Result<PasskeyAssertion, ApiError> {
    let options =
        parse_request_options(&to_js(&ceremony.options)?).map_err(|err| browser_refused(&err))?;
    Ok(PasskeyAssertion {
        credential: ask_browser(options, false).await?,
        ceremony: ceremony.ceremony,
    })
}
