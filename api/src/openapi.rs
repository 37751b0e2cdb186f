//! The `OpenAPI` 3.1 document of the HTTP routes outside JSON-RPC
//! (`GET /api/openapi.json`). The schemas come from the types the routes
//! decode and answer with; the paths are the server's, and a test sends
//! every documented example to a server to hold them to it.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Value, json};

use crate::{
    ApiError, LoginCodeRequest, LoginRequest, Me, NewMemberRequest, PasskeyAssertion,
    PasskeyCeremony, PasswordChange, PasswordChanged, ProbeAnswer, SecondFactorChallenge, SignedIn,
    SignupRequest, Verified,
};

/// Where the schemas are, in the document.
const SCHEMAS: &str = "/components/schemas";

/// Both ways to authenticate, either one.
const SIGNED_IN: &str = r#"[{"session": []}, {"bearer": []}]"#;

/// The whole document, for this server's version.
pub fn document(version: &str) -> Value {
    let mut generator = SchemaGenerator::new(
        SchemaSettings::draft2020_12().with(|settings| settings.definitions_path = SCHEMAS.into()),
    );
    let g = &mut generator;
    let signed_in: Value = serde_json::from_str(SIGNED_IN).unwrap_or_default();
    let refused = json_of::<ApiError>(g);
    let mut paths = json!({
        "/api/auth/signup": {"post": {
            "summary": "Creates an account with you as its owner, and signs you in.",
            "requestBody": body::<SignupRequest>(g, &json!({
                "account_name": "Acme",
                "name": "Ada Lovelace",
                "email": "ada@example.com",
                "password": "correct horse battery staple",
            })),
            "responses": responses(&refused, &[("201", "Signed in: the session cookie is set.", json_of::<SignedIn>(g))]),
        }},
        "/api/auth/login": {"post": {
            "summary": "Signs in with an email and password.",
            "requestBody": body::<LoginRequest>(g, &json!({
                "email": "ada@example.com",
                "password": "correct horse battery staple",
            })),
            "responses": responses(&refused, &[("200", "Signed in: the session cookie is set. \
                For a user with a second factor, no session yet: the challenge to send with \
                the code to `/api/auth/login/code`.", json!({"application/json": {"schema": {"oneOf": [
                    g.subschema_for::<SignedIn>(),
                    g.subschema_for::<SecondFactorChallenge>(),
                ]}}}))]),
        }},
        "/api/auth/password": {"post": {
            "summary": "Changes your password; every other session of yours ends.",
            "security": signed_in,
            "requestBody": body::<PasswordChange>(g, &json!({
                "current_password": "correct horse battery staple",
                "new_password": "a new and long passphrase",
                "revoke_api_tokens": false,
            })),
            "responses": responses(&refused, &[("200", "Changed.", json_of::<PasswordChanged>(g))]),
        }},
        "/api/account/members": {"post": {
            "summary": "Owner only (a session or a full-access API token): adds a member with a first password.",
            "security": signed_in,
            "requestBody": body::<NewMemberRequest>(g, &json!({
                "name": "Max Member",
                "email": "max@example.com",
                "password": "a first long password",
            })),
            "responses": responses(&refused, &[("201", "Added.", json_of::<Me>(g))]),
        }},
        "/api/account/me": {"get": {
            "summary": "Who is calling (the `account_verify` action, and open to the API tokens that may call it).",
            "security": signed_in,
            "responses": responses(&refused, &[("200", "You.", json_of::<Verified>(g))]),
        }},
        "/api/auth/logout": {"post": {
            "summary": "Ends this session and clears its cookie.",
            "responses": responses(&refused, &[("204", "Signed out.", Value::Null)]),
        }},
    });
    for more in [second_step_paths(g, &refused), service_paths(g)] {
        if let (Some(paths), Value::Object(more)) = (paths.as_object_mut(), more) {
            paths.extend(more);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Latchkey HTTP API",
            "version": version,
            "description": "Signing in and out and the account routes. A refusal is an `ApiError` \
                with the HTTP status of its code; the account actions are JSON-RPC (`/api/rpc`).",
        },
        "paths": paths,
        "components": {
            "schemas": generator.take_definitions(true),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "__Host-session"},
                "bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token (`lk_…`)."},
            },
        },
    })
}

/// The sign-in's second step (a code, the app an account requires, a
/// passkey) and the passkey-alone sign-in.
fn second_step_paths(g: &mut SchemaGenerator, refused: &Value) -> Value {
    json!({
        "/api/auth/login/code": {"post": {
            "summary": "The second step of signing in: a code from the authenticator app, or a \
                recovery code, for the challenge the password step answered.",
            "requestBody": body::<LoginCodeRequest>(g, &json!({
                "code": "123456",
                "challenge": "VGhlIGNoYWxsZW5nZSB0aGUgcGFzc3dvcmQgZ2F2ZQAA",
            })),
            "responses": responses(refused, &[("200", "Signed in: the session cookie is set.", json_of::<SignedIn>(g))]),
        }},
        "/api/auth/login/setup": {"post": {
            "summary": "The second step of signing in where the account requires a second \
                factor and the user has none: a code from the app the password step answered \
                with (`setup`).",
            "requestBody": body::<LoginCodeRequest>(g, &json!({
                "code": "123456",
                "challenge": "VGhlIGNoYWxsZW5nZSB0aGUgcGFzc3dvcmQgZ2F2ZQAA",
            })),
            "responses": responses(refused, &[("200", "Signed in: the session cookie is set.", json_of::<SignedIn>(g))]),
        }},
        "/api/auth/passkey/start": {"post": {
            "summary": "Starts signing in with a passkey alone: the options for \
                `navigator.credentials.get()`, naming nobody.",
            "responses": responses(refused, &[("200", "The ceremony, for five minutes.", json_of::<PasskeyCeremony>(g))]),
        }},
        "/api/auth/passkey/finish": {"post": {
            "summary": "Signs in with the browser's answer to the ceremony (and `next`, the \
                page of a protected app to go back to).",
            "requestBody": body::<PasskeyAssertion>(g, &json!({
                "ceremony": "VGhlIGNlcmVtb255IHRoZSBzdGFydCBhbnN3ZXJlZAAA",
                "credential": {"id": "…", "rawId": "…", "type": "public-key", "response": {}},
            })),
            "responses": responses(refused, &[("200", "Signed in: the session cookie is set; \
                `landing` is the page to go to.", json_of::<SignedIn>(g))]),
        }},
        "/api/auth/login/passkey/start": {"post": {
            "summary": "The second step of signing in with a passkey instead of a code: the \
                options for the waiting sign-in's user (its cookie, or `challenge`).",
            "responses": responses(refused, &[("200", "The ceremony, for five minutes.", json_of::<PasskeyCeremony>(g))]),
        }},
        "/api/auth/login/passkey/finish": {"post": {
            "summary": "Finishes the waiting sign-in with the passkey's answer (and \
                `challenge`, for a script).",
            "requestBody": body::<PasskeyAssertion>(g, &json!({
                "ceremony": "VGhlIGNlcmVtb255IHRoZSBzdGFydCBhbnN3ZXJlZAAA",
                "credential": {"id": "…", "rawId": "…", "type": "public-key", "response": {}},
            })),
            "responses": responses(refused, &[("200", "Signed in: the session cookie is set.", json_of::<SignedIn>(g))]),
        }},
    })
}

/// JSON-RPC, the live connections, the probes and the documents.
fn service_paths(g: &mut SchemaGenerator) -> Value {
    let signed_in: Value = serde_json::from_str(SIGNED_IN).unwrap_or_default();
    json!({
        "/api/rpc": {"post": {
            "summary": "The account actions as JSON-RPC 2.0: see `/api/openrpc.json`.",
            "security": signed_in,
            "externalDocs": {"url": "/api/openrpc.json"},
            "responses": {"200": {"description": "A JSON-RPC response or batch of responses."}},
        }},
        "/api/ws": {"get": {
            "summary": "JSON-RPC over a WebSocket, bound to the credential it opened with.",
            "security": signed_in,
            "responses": {"101": {"description": "Switching to the WebSocket protocol."}},
        }},
        "/api/events": {"get": {
            "summary": "The session's live events (server-sent events).",
            "security": [{"session": []}],
            "responses": {"200": {
                "description": "A stream of `session`, `session_updated`, `session_revoked` and \
                    `notice` events.",
                "content": {"text/event-stream": {}},
            }},
        }},
        "/healthz": {"get": {
            "summary": "The process serves.",
            "responses": {"200": {"description": "Serving.", "content": json_of::<ProbeAnswer>(g)}},
        }},
        "/readyz": {"get": {
            "summary": "The database answers, its migrations are current and the change feed listens.",
            "responses": {
                "200": {"description": "Ready.", "content": json_of::<ProbeAnswer>(g)},
                "503": {"description": "Not ready, with a reason code.", "content": json_of::<ProbeAnswer>(g)},
            },
        }},
        "/api/openrpc.json": {"get": {
            "summary": "The OpenRPC document of the JSON-RPC methods.",
            "responses": {"200": {"description": "The document.", "content": {"application/json": {}}}},
        }},
        "/api/openapi.json": {"get": {
            "summary": "This document.",
            "responses": {"200": {"description": "The document.", "content": {"application/json": {}}}},
        }},
    })
}

/// A JSON or form request body of type `T`, with an example.
fn body<T: JsonSchema>(generator: &mut SchemaGenerator, example: &Value) -> Value {
    let schema = generator.subschema_for::<T>();
    json!({
        "required": true,
        "content": {
            "application/json": {"schema": schema, "example": example},
            "application/x-www-form-urlencoded": {"schema": schema},
        },
    })
}

/// A JSON content of type `T`.
fn json_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    json!({"application/json": {"schema": generator.subschema_for::<T>()}})
}

/// The given answers, and any refusal (`refused`, an `ApiError`).
fn responses(refused: &Value, answers: &[(&str, &str, Value)]) -> Value {
    let mut responses = serde_json::Map::new();
    for (status, description, content) in answers {
        let mut response = json!({"description": description});
        if !content.is_null() {
            response["content"] = content.clone();
        }
        responses.insert((*status).to_owned(), response);
    }
    responses.insert(
        "4XX".to_owned(),
        json!({"description": "Refused, and why.", "content": refused}),
    );
    Value::Object(responses)
}
