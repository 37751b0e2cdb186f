//! The operations of the document, and what it says of their requests.

use api::paths;
use reqwest::Method;
use serde_json::Value;

pub(super) const JSON: &str = "application/json";
pub(super) const FORM: &str = "application/x-www-form-urlencoded";
/// The methods a path item may hold operations for.
const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the document: a method on a path.
pub(super) struct Operation {
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) spec: Value,
}

impl Operation {
    pub(super) fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The credentials the operation documents (none when it is public).
    pub(super) fn credentials(&self) -> Vec<Who> {
        let mut who = Vec::new();
        for requirement in self.spec["security"].as_array().into_iter().flatten() {
            if requirement.get("session").is_some() {
                who.push(Who::Session);
            }
            if requirement.get("bearer").is_some() {
                who.push(Who::Token);
            }
        }
        who
    }

    /// The credential its refusals are provoked with: the first it takes.
    pub(super) fn usual_credential(&self) -> Who {
        self.credentials().first().copied().unwrap_or(Who::Nobody)
    }

    /// The request body content types it documents.
    pub(super) fn request_types(&self) -> Vec<String> {
        self.spec["requestBody"]["content"]
            .as_object()
            .map(|content| content.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The documented examples of a request body of `content_type`: its
    /// own, else the JSON body's.
    pub(super) fn examples(&self, content_type: &str) -> Vec<(String, Value)> {
        let content = &self.spec["requestBody"]["content"];
        let own = examples_in(&content[content_type]);
        if own.is_empty() {
            examples_in(&content[JSON])
        } else {
            own
        }
    }

    /// The header and query parameters it documents, with their examples.
    pub(super) fn parameters(&self, place: &str) -> Vec<(String, String)> {
        self.spec["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|parameter| parameter["in"] == place)
            .filter_map(|parameter| {
                let example = match &parameter["example"] {
                    Value::String(text) => text.clone(),
                    Value::Null => return None,
                    other => other.to_string(),
                };
                Some((parameter["name"].as_str()?.to_owned(), example))
            })
            .collect()
    }
}

/// The examples of one media type object: `example`, and each of
/// `examples`.
fn examples_in(media: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    if let Some(example) = media.get("example") {
        found.push(("example".to_owned(), example.clone()));
    }
    for (name, example) in media["examples"].as_object().into_iter().flatten() {
        found.push((name.clone(), example["value"].clone()));
    }
    found
}

/// Every operation the document lists: sign-up first, as its example
/// creates the account the sign-in examples use, then the others in the
/// document's order.
pub(super) fn operations(document: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, spec) in item.as_object().expect("a path item") {
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            operations.push(Operation {
                method: Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                path: path.clone(),
                spec: spec.clone(),
            });
        }
    }
    operations.sort_by_key(|operation| operation.path != paths::auth::SIGNUP);
    operations
}

/// Who sends a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Who {
    Nobody,
    /// A new owner's browser session.
    Session,
    /// A new owner's full-access API token.
    Token,
}

/// Each request example with its content type and schema.
pub(super) fn request_examples(operation: &Operation) -> Vec<(String, String, Value, Value)> {
    let content = &operation.spec["requestBody"]["content"];
    let mut examples = Vec::new();
    for content_type in operation.request_types() {
        let schema = content[&content_type]["schema"].clone();
        for (name, example) in examples_in(&content[&content_type]) {
            examples.push((name, content_type.clone(), example, schema.clone()));
        }
    }
    examples
}
