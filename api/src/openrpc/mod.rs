//! The `OpenRPC` document of the JSON-RPC methods (`GET /api/openrpc.json`).
//! Every schema in it is generated from the types the dispatcher decodes
//! and answers with, so it cannot drift from them; each method also carries
//! one example call and answer.

mod examples;
mod params;
mod signatures;
mod summary;

use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use crate::rpc::{Method, RpcError};
use params::by_name;
use signatures::describe;
use summary::{requirements, summary};

/// Where the schemas are, in the document.
const SCHEMAS: &str = "/components/schemas";

/// The whole document, for this server's version.
pub fn document(version: &str) -> Value {
    let mut generator = SchemaGenerator::new(
        SchemaSettings::draft2020_12().with(|settings| settings.definitions_path = SCHEMAS.into()),
    );
    let methods: Vec<Value> = Method::ALL
        .into_iter()
        .map(|method| method_object(method, &mut generator))
        .collect();
    generator.subschema_for::<RpcError>();
    json!({
        "openrpc": "1.3.2",
        "info": {
            "title": "Latchkey account API",
            "version": version,
            "description": "JSON-RPC 2.0 at POST /api/rpc (and over the WebSocket at /api/ws), \
                with a session cookie or an `Authorization: Bearer` API token. A failed call's \
                `error` is an `RpcError`: `data.code` names the reason, stable across versions.",
        },
        "servers": [{"name": "this server", "url": "/api/rpc"}],
        "methods": methods,
        "components": {"schemas": generator.take_definitions(true)},
    })
}

fn method_object(method: Method, generator: &mut SchemaGenerator) -> Value {
    let described = describe(method);
    let params = described
        .params
        .map(|schema| by_name(&schema(generator), generator))
        .unwrap_or_default();
    let example_params: Vec<Value> = described
        .example_params
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    json!({
        "name": method.name(),
        "summary": summary(method),
        "description": requirements(method),
        "paramStructure": "by-name",
        "params": params,
        "result": {"name": "result", "schema": (described.result)(generator)},
        "examples": [{
            "name": format!("{} example", method.name()),
            "params": example_params,
            "result": {"name": "result", "value": described.example_result},
        }],
    })
}
