//! Passkeys in the browser: `navigator.credentials.create()` and `.get()`
//! with the options the server sent (WebAuthn JSON, turned into the
//! browser's objects by `PublicKeyCredential.parse*OptionsFromJSON`), the
//! answer back as JSON (`toJSON()`), and the sign-in calls that set the
//! session's cookie (plain JSON posts; server functions cannot).
//! Everything here runs only in the browser, from event handlers.

use api::{ApiError, PasskeyAssertion, PasskeyCeremony};
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
        "NotAllowedError" | "AbortError" => {
            "The passkey was not used: it was cancelled or took too long. Try again."
        }
        "InvalidStateError" => "This device's passkey is registered already.",
        "NotSupportedError" | "TypeError" | "ReferenceError" => {
            "This browser cannot use passkeys here. Use another way to sign in."
        }
        _ => "The browser could not use a passkey. Try again, or use another way.",
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

/// POSTs `body` as JSON to this server's `path`; the JSON answer, or the
/// error it carries.
async fn post_json(path: &str, body: &Value) -> Result<Value, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body.to_string()));
    let headers = web_sys::Headers::new().map_err(|_| ApiError::internal())?;
    headers
        .set("content-type", "application/json")
        .map_err(|_| ApiError::internal())?;
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(ApiError::internal)?;
    let answered = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| ApiError::new(api::ErrorCode::Busy, api::messages::BUSY))?;
    let response: web_sys::Response = answered.unchecked_into();
    let text = JsFuture::from(response.text().map_err(|_| ApiError::internal())?)
        .await
        .map_err(|_| ApiError::internal())?
        .as_string()
        .unwrap_or_default();
    let json: Value = serde_json::from_str(&text).map_err(|_| ApiError::internal())?;
    if response.ok() {
        Ok(json)
    } else {
        Err(serde_json::from_value(json).unwrap_or_else(|_| ApiError::internal()))
    }
}

/// Signs in with a passkey: alone, or, with `second_step`, after the
/// password (the waiting sign-in is in this browser's cookie), going back to
/// `next` when the server allows it. The session cookie is set when it
/// answers; the page to go to.
pub async fn sign_in(second_step: bool, next: Option<String>) -> Result<String, ApiError> {
    let (start, finish) = if second_step {
        (
            "/api/auth/login/passkey/start",
            "/api/auth/login/passkey/finish",
        )
    } else {
        ("/api/auth/passkey/start", "/api/auth/passkey/finish")
    };
    let started = post_json(start, &serde_json::json!({})).await?;
    let ceremony: PasskeyCeremony =
        serde_json::from_value(started).map_err(|_| ApiError::internal())?;
    let answer = get(ceremony).await?;
    let mut body = serde_json::to_value(&answer).map_err(|_| ApiError::internal())?;
    body["next"] = next.into();
    let signed_in = post_json(finish, &body).await?;
    Ok(signed_in["landing"]
        .as_str()
        .unwrap_or("/account/security")
        .to_owned())
}
