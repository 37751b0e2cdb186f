//! A params object's schema as `OpenRPC` lists it: one named param per
//! property.

use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// A params object's schema as `OpenRPC`'s list of named params, one per
/// property, each required unless it has a default.
pub(super) fn by_name(schema: &Schema, generator: &SchemaGenerator) -> Vec<Value> {
    let object = resolve(schema, generator);
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            json!({
                "name": name,
                "required": required.contains(&name.as_str()),
                "schema": schema,
            })
        })
        .collect()
}

/// The object a `$ref` into the generator's definitions points at.
fn resolve(schema: &Schema, generator: &SchemaGenerator) -> Map<String, Value> {
    let pointed = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.rsplit('/').next())
        .and_then(|name| generator.definitions().get(name));
    pointed
        .unwrap_or(schema.as_value())
        .as_object()
        .cloned()
        .unwrap_or_default()
}
