//! The `OpenAPI` 3.1 document of the HTTP routes outside JSON-RPC
//! (`GET /api/openapi.json`). The schemas come from the types the routes
//! decode and answer with; the paths, statuses and content types are the
//! server's, and `server/tests/api/openapi_truth.rs` sends every documented
//! example and every refusal a client can provoke to a server to hold the
//! document to them.
//!
//! Every answer an operation can give is listed by its own status (no
//! `4XX` ranges). A route that takes a JSON body or an HTML form answers a
//! form post with a 303 redirect and JSON with JSON; an answer given to
//! some request body types only names them in `x-request-content-types`.

mod account;
mod service;
mod sign_in;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::ApiError;

/// Where the schemas are, in the document.
const SCHEMAS: &str = "/components/schemas";

/// The request body types the routes read.
const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// Both ways to authenticate, either one.
fn signed_in() -> Value {
    json!([{"session": []}, {"bearer": []}])
}

/// The whole document, for this server's version.
pub fn document(version: &str) -> Value {
    let mut generator = SchemaGenerator::new(
        SchemaSettings::draft2020_12().with(|settings| settings.definitions_path = SCHEMAS.into()),
    );
    let g = &mut generator;
    let refused = Refusals {
        error: json_of::<ApiError>(g),
    };
    let mut paths = Map::new();
    for more in [
        sign_in::paths(g, &refused),
        sign_in::passkey_paths(g, &refused),
        account::paths(g, &refused),
        service::paths(g, &refused),
    ] {
        if let Value::Object(more) = more {
            paths.extend(more);
        }
    }
    let rpc_schemas = service::rpc_schemas(g);
    let mut schemas = generator.take_definitions(true);
    schemas.extend(rpc_schemas);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Latchkey HTTP API",
            "version": version,
            "description": "Signing in and out and the account routes. A refusal is an `ApiError` \
                with the HTTP status of its code (on `/api/rpc`, a JSON-RPC error response); the \
                account actions are JSON-RPC (`/api/rpc`). The sign-in and account routes take \
                a JSON body or an HTML form: JSON is answered with JSON, a form post with a 303 \
                redirect to the next page, or back to its page with `?error=CODE`. An answer \
                given only to some request body types names them in `x-request-content-types`. \
                Any POST from a page of another site is refused (403), and a body larger than \
                64 KiB is too (413).",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "__Host-session"},
                "bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token (`lk_…`)."},
            },
        },
    })
}

/// A request body of type `T`, as JSON or as an HTML form, with an example
/// of each.
fn body<T: JsonSchema>(generator: &mut SchemaGenerator, example: &Value) -> Value {
    let schema = generator.subschema_for::<T>();
    json!({
        "required": true,
        "content": {
            JSON: {"schema": schema, "example": example},
            FORM: {"schema": schema, "example": example},
        },
    })
}

/// A request body of type `T`, as JSON only, with an example.
fn json_body<T: JsonSchema>(generator: &mut SchemaGenerator, example: &Value) -> Value {
    json!({
        "required": true,
        "content": {JSON: {"schema": generator.subschema_for::<T>(), "example": example}},
    })
}

/// A JSON content of type `T`.
fn json_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    json!({JSON: {"schema": generator.subschema_for::<T>()}})
}

/// The responses of an operation, by status.
fn responses<const N: usize>(answers: [(&str, Value); N]) -> Value {
    Value::Object(
        answers
            .into_iter()
            .map(|(status, answer)| (status.to_owned(), answer))
            .collect(),
    )
}

/// A JSON answer (`content`), given to a JSON request only.
fn to_json(description: &str, content: Value) -> Value {
    let mut answer = json!({
        "description": description,
        "x-request-content-types": [JSON],
    });
    answer["content"] = content;
    answer
}

/// `answer`, with the `Set-Cookie` of the new session (or, signing out, of
/// its removal).
fn with_cookie(mut answer: Value) -> Value {
    answer["headers"] = json!({"Set-Cookie": {
        "description": "The session cookie (`__Host-session`): set, or cleared.",
        "required": true,
        "schema": {"type": "string"},
    }});
    answer
}

/// The 303 a form post gets: where the browser goes next.
fn redirected(to: &str) -> Value {
    json!({
        "description": format!("To a form post: {to} No body."),
        "headers": {"Location": {
            "description": "The page to go to.",
            "required": true,
            "schema": {"type": "string"},
        }},
        "x-request-content-types": [FORM],
    })
}

/// The refusals, each an `ApiError` with the status of its code.
struct Refusals {
    error: Value,
}

impl Refusals {
    /// A refusal, and why.
    fn because(&self, description: &str) -> Value {
        json!({"description": description, "content": self.error})
    }

    /// 400: a body that cannot be read, or `more`.
    fn bad_body(&self, more: &str) -> Value {
        self.because(&format!(
            "The body could not be read (malformed, a required field missing, or neither JSON \
             nor a form){more} (`invalid_params`)."
        ))
    }

    /// 401: no credential, or one that no longer works.
    fn unauthenticated(&self) -> Value {
        self.because(
            "No credential, or one that no longer works (`unauthenticated`, `session_expired`, \
             `session_revoked`, `session_taken`); to a form post too.",
        )
    }

    /// 403: sent by a page of another site, or `more`.
    fn forbidden(&self, more: &str) -> Value {
        self.because(&format!(
            "Sent by a page of another site{more} (`forbidden`)."
        ))
    }

    /// 413: a body over the limit.
    fn too_large(&self) -> Value {
        self.because(
            "The body is larger than 64 KiB (`payload_too_large`). A form sent in chunks \
             without a length is sent back to its page instead.",
        )
    }

    /// 429: too many attempts.
    fn rate_limited(&self, what: &str) -> Value {
        let mut answer = self.because(&format!(
            "Too many {what} (`rate_limited`); `Retry-After` says when to try again."
        ));
        answer["headers"] = json!({"Retry-After": {
            "description": "Seconds to wait.",
            "schema": {"type": "integer"},
        }});
        answer
    }

    /// 500: something failed on the server.
    fn internal(&self) -> Value {
        self.because("Something failed on the server (`internal`); the detail is in its log.")
    }

    /// 503: too many passwords are being hashed.
    fn busy(&self) -> Value {
        let mut answer = self.because(
            "Too many passwords are being checked (`busy`), or the database cannot be reached \
             (`unavailable`): nothing was done; try again after `Retry-After`.",
        );
        answer["headers"] = retry_after();
        answer
    }
}

/// The `Retry-After` of a 503.
fn retry_after() -> Value {
    json!({"Retry-After": {
        "description": "Seconds to wait.",
        "required": true,
        "schema": {"type": "integer"},
    }})
}
