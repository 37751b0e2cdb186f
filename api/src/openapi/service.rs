//! JSON-RPC, the live connections, the probes and the documents.

use schemars::SchemaGenerator;
use serde_json::{Map, Value, json};

use super::{JSON, Refusals, json_of, responses, retry_after, signed_in};
use crate::ProbeAnswer;
use crate::rpc::{MAX_BATCH, Method, RpcError};

/// The JSON-RPC envelopes, by name in the document's schemas.
const RPC_REQUEST: &str = "#/components/schemas/RpcRequest";
const RPC_RESPONSE: &str = "#/components/schemas/RpcResponse";
const RPC_FAILURE: &str = "#/components/schemas/RpcFailure";

/// The JSON-RPC 2.0 request and response envelopes: the method names and
/// the error come from the types the dispatcher reads and answers with.
pub(super) fn rpc_schemas(g: &mut SchemaGenerator) -> Map<String, Value> {
    let methods: Vec<&str> = Method::ALL.into_iter().map(Method::name).collect();
    let id = json!({"type": ["string", "number", "null"]});
    let schemas = json!({
        "RpcRequest": {
            "type": "object",
            "required": ["jsonrpc", "method"],
            "properties": {
                "jsonrpc": {"const": "2.0"},
                "id": {"description": "Left out, a notification: it gets no answer.", "oneOf": [id]},
                "method": {"enum": methods, "description": "See `/api/openrpc.json`."},
                "params": {"type": "object", "description": "Named params."},
            },
        },
        "RpcResponse": {
            "type": "object",
            "required": ["jsonrpc", "id"],
            "properties": {
                "jsonrpc": {"const": "2.0"},
                "id": id,
                "result": {},
                "error": g.subschema_for::<RpcError>(),
            },
            "oneOf": [{"required": ["result"]}, {"required": ["error"]}],
        },
        "RpcFailure": {"allOf": [{"$ref": RPC_RESPONSE}, {"required": ["error"]}]},
    });
    match schemas {
        Value::Object(schemas) => schemas,
        _ => Map::new(),
    }
}

pub(super) fn paths(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    let mut paths = json!({
        "/api/rpc": {"post": rpc(refused)},
        "/api/ws": {"get": {
            "summary": "JSON-RPC over a WebSocket, bound to the credential it opened with.",
            "security": signed_in(),
            "parameters": [
                header("Upgrade", "websocket"),
                header("Connection", "Upgrade"),
                header("Sec-WebSocket-Version", "13"),
                header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ],
            "responses": responses([
                ("101", json!({"description": "Switching to the WebSocket protocol."})),
                ("400", refused.because("Not a WebSocket handshake (`invalid_params`).")),
                ("401", refused.unauthenticated()),
                ("403", refused.because("Opened by a page of another site (`forbidden`).")),
                ("429", refused.because("Too many live connections for this credential or \
                    from this address (`rate_limited`).")),
                ("500", refused.internal()),
            ]),
        }},
        "/api/events": {"get": {
            "summary": "The session's live events (server-sent events).",
            "security": [{"session": []}],
            "parameters": [{
                "name": "log",
                "in": "query",
                "description": "Also the new entries of the security log the user may read.",
                "schema": {"type": "boolean"},
                "example": true,
            }],
            "responses": responses([
                ("200", json!({
                    "description": "A stream of `session`, `session_updated`, \
                        `session_revoked` and `notice` events (and `log`).",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                })),
                ("401", refused.unauthenticated()),
                ("403", refused.because("An API token: the stream is for browser sessions \
                    (`forbidden`).")),
                ("429", refused.because("Too many live connections for this session or from \
                    this address (`rate_limited`).")),
                ("500", refused.internal()),
            ]),
        }},
    });
    if let (Some(paths), Value::Object(more)) = (paths.as_object_mut(), probes_and_documents(g)) {
        paths.extend(more);
    }
    paths
}

/// A header parameter the request must send, with its value.
fn header(name: &str, value: &str) -> Value {
    json!({"name": name, "in": "header", "required": true, "schema": {"type": "string"}, "example": value})
}

/// `POST /api/rpc`.
fn rpc(refused: &Refusals) -> Value {
    let call = |id: Option<u32>| {
        let mut call = json!({"jsonrpc": "2.0", "method": Method::Verify.name()});
        if let Some(id) = id {
            call["id"] = id.into();
        }
        call
    };
    let failure = |description: &str| json!({"description": description, "content": {JSON: {"schema": {"$ref": RPC_FAILURE}}}});
    let mut busy = failure(
        "Too many passwords are being checked (`busy`), or the database cannot be reached \
         (`unavailable`): nothing was done.",
    );
    busy["headers"] = retry_after();
    json!({
        "summary": "The account actions as JSON-RPC 2.0: see `/api/openrpc.json`.",
        "security": signed_in(),
        "externalDocs": {"url": "/api/openrpc.json"},
        "requestBody": {
            "required": true,
            "content": {JSON: {
                "schema": {"oneOf": [
                    {"$ref": RPC_REQUEST},
                    {"type": "array", "items": {"$ref": RPC_REQUEST}, "minItems": 1, "maxItems": MAX_BATCH},
                ]},
                "examples": {
                    "call": {"summary": "One call.", "value": call(Some(1))},
                    "batch": {"summary": "A batch.", "value": [call(Some(1)), call(Some(2))]},
                    "notification": {"summary": "A call without `id`.", "value": call(None)},
                },
            }},
        },
        "responses": responses([
            ("200", json!({
                "description": "The call's result; or, to a batch, its responses (each a \
                    result or an error), notifications left out.",
                "content": {JSON: {"schema": {"oneOf": [
                    {"allOf": [{"$ref": RPC_RESPONSE}, {"required": ["result"]}]},
                    {"type": "array", "items": {"$ref": RPC_RESPONSE}, "minItems": 1},
                ]}}},
            })),
            ("204", json!({"description": "A notification, or a batch of only notifications: \
                no answer."})),
            ("400", failure("Not JSON (`-32700`); not a request or a batch of 1 to 20 \
                (`-32600`); or the params are not valid (`invalid_params`).")),
            ("401", failure("No credential, or one that no longer works (`unauthenticated`, \
                `session_expired`, `session_revoked`, `session_taken`).")),
            ("403", json!({
                "description": "The caller may not call the method: not the owner, the API \
                    token's scope, or a browser session needed (`forbidden`); or the password \
                    must be entered again (`reauth_required`). Sent by a page of another site: \
                    an `ApiError` (`forbidden`).",
                "content": {JSON: {"schema": {"anyOf": [
                    {"$ref": RPC_FAILURE},
                    refused.error[JSON]["schema"],
                ]}}},
            })),
            ("404", failure("There is no method with this name (`-32601`), or the thing \
                asked for does not exist for the caller (`not_found`).")),
            ("409", failure("The call conflicts with the current state (`conflict`).")),
            ("413", failure("The body is larger than 64 KiB (`payload_too_large`).")),
            ("429", failure("Too many attempts (`rate_limited`).")),
            ("500", failure("Something failed on the server (`internal`).")),
            ("503", busy),
        ]),
    })
}

/// The probes and the documents.
fn probes_and_documents(g: &mut SchemaGenerator) -> Value {
    let probe = json_of::<ProbeAnswer>(g);
    let document = |required: [&str; 2]| {
        json!({"description": "The document.", "content": {JSON: {"schema": {
            "type": "object",
            "required": required,
        }}}})
    };
    json!({
        "/healthz": {"get": {
            "summary": "The process serves.",
            "responses": {"200": {"description": "Serving.", "content": probe}},
        }},
        "/readyz": {"get": {
            "summary": "The database answers, its migrations are current and the change feed listens.",
            "responses": {
                "200": {"description": "Ready.", "content": probe},
                "503": {"description": "Not ready, with a reason code.", "content": probe, "headers": retry_after()},
            },
        }},
        "/api/openrpc.json": {"get": {
            "summary": "The OpenRPC document of the JSON-RPC methods.",
            "responses": {"200": document(["openrpc", "methods"])},
        }},
        "/api/openapi.json": {"get": {
            "summary": "This document.",
            "responses": {"200": document(["openapi", "paths"])},
        }},
    })
}
