//! What to send an operation: its documented examples, and the refusals a
//! client can provoke.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::operation::{FORM, JSON, Operation, Who};
use crate::helpers::{Cred, TestApp, TestUser};

/// Larger than the largest body the server reads (64 KiB).
const TOO_LARGE_BYTES: usize = 128 * 1024;

/// A credential as held.
pub(super) enum Held {
    Nothing,
    Cookie(String),
    Bearer(String),
}

impl Held {
    pub(super) fn cred(&self) -> Cred<'_> {
        match self {
            Held::Nothing => Cred::Nothing,
            Held::Cookie(cookie) => Cred::Cookie(cookie),
            Held::Bearer(token) => Cred::Bearer(token),
        }
    }
}

/// A new owner's credential of the kind `who`, so that no case depends on
/// what another did with its credential.
pub(super) async fn credential(app: &TestApp, who: Who) -> Held {
    match who {
        Who::Nobody => Held::Nothing,
        Who::Session => Held::Cookie(app.signed_up(&TestUser::generate()).await),
        Who::Token => {
            let cookie = app.signed_up(&TestUser::generate()).await;
            Held::Bearer(app.api_token(&cookie, "openapi truth").await.1)
        }
    }
}

/// What a case expects besides an answer as documented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Expect {
    /// Only that the document lists the answer.
    Documented,
    /// This status, too.
    Status(StatusCode),
}

/// A request body as sent.
pub(super) enum Payload {
    Nothing,
    /// With its `Content-Length`.
    Bytes(Vec<u8>),
    /// In chunks, without a `Content-Length`.
    Chunked(Vec<u8>),
}

/// One request to an operation.
pub(super) struct Case {
    pub(super) what: String,
    pub(super) who: Who,
    pub(super) content_type: Option<String>,
    pub(super) payload: Payload,
    /// Sent as by a page of another site.
    pub(super) cross_site: bool,
    pub(super) expect: Expect,
}

impl Case {
    pub(super) fn new(what: impl Into<String>, who: Who) -> Self {
        Self {
            what: what.into(),
            who,
            content_type: None,
            payload: Payload::Nothing,
            cross_site: false,
            expect: Expect::Documented,
        }
    }

    pub(super) fn body(mut self, content_type: &str, bytes: Vec<u8>) -> Self {
        self.content_type = Some(content_type.to_owned());
        self.payload = Payload::Bytes(bytes);
        self
    }

    pub(super) fn chunked(mut self, content_type: &str, bytes: Vec<u8>) -> Self {
        self.content_type = Some(content_type.to_owned());
        self.payload = Payload::Chunked(bytes);
        self
    }

    pub(super) fn expecting(mut self, status: StatusCode) -> Self {
        self.expect = Expect::Status(status);
        self
    }
}

/// `example` as a body of `content_type`.
pub(super) fn encoded(content_type: &str, example: &Value) -> Result<Vec<u8>, String> {
    match content_type {
        JSON => Ok(serde_json::to_vec(example).unwrap()),
        FORM => form_of(example),
        other => Err(format!("this test cannot send {other}")),
    }
}

/// A flat object as an HTML form's body; anything else a form cannot carry.
pub(super) fn form_of(example: &Value) -> Result<Vec<u8>, String> {
    let Value::Object(fields) = example else {
        return Err("it is not an object".to_owned());
    };
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        match value {
            Value::String(text) => form.append_pair(name, text),
            Value::Bool(_) | Value::Number(_) => form.append_pair(name, &value.to_string()),
            Value::Null => continue,
            Value::Array(_) | Value::Object(_) => {
                return Err(format!("`{name}` is not a single value"));
            }
        };
    }
    Ok(form.finish().into_bytes())
}

/// Bodies of `content_type` that no operation can read as meant.
fn malformed(content_type: &str) -> Vec<(&'static str, Vec<u8>)> {
    match content_type {
        JSON => vec![
            ("malformed JSON", br#"{"email": "ada@"#.to_vec()),
            ("an empty object", b"{}".to_vec()),
            ("a JSON array", b"[1, 2]".to_vec()),
        ],
        FORM => vec![
            ("invalid UTF-8", b"email=%ff%fe&password=\xc3\x28".to_vec()),
            ("an empty form", Vec::new()),
        ],
        _ => vec![("garbage", b"\x00\xff garbage".to_vec())],
    }
}

/// `example` with its password (or current password) replaced by another,
/// one of its own for each operation: a wrong one where a password is
/// checked, and where one is chosen, not one a sign-in tries later.
fn with_another_password(operation: &Operation, example: &Value) -> Option<Value> {
    let mut another = example.clone();
    let field = ["password", "current_password"]
        .into_iter()
        .find(|field| example.get(field).is_some())?;
    another[field] = json!(format!("not the password for {}", operation.path));
    Some(another)
}

/// The documented examples, each as every content type and credential the
/// operation documents; and what cannot be sent as documented.
pub(super) fn example_cases(operation: &Operation) -> (Vec<Case>, Vec<String>) {
    let whos = match operation.credentials() {
        none if none.is_empty() => vec![Who::Nobody],
        some => some,
    };
    let types = operation.request_types();
    let (mut cases, mut unsendable) = (Vec::new(), Vec::new());
    if types.is_empty() {
        cases.extend(
            whos.iter()
                .map(|&who| Case::new(format!("no body, as {who:?}"), who)),
        );
    }
    for content_type in &types {
        let examples = operation.examples(content_type);
        if examples.is_empty() {
            unsendable.push(format!(
                "{}: documents {content_type} with no example",
                operation.name()
            ));
        }
        for (name, example) in examples {
            match encoded(content_type, &example) {
                Ok(bytes) => cases.extend(whos.iter().map(|&who| {
                    let what = format!("example {name} as {content_type}, as {who:?}");
                    Case::new(what, who).body(content_type, bytes.clone())
                })),
                Err(why) => unsendable.push(format!(
                    "{}: documents {content_type}, but its example {name} cannot be sent as it: {why}",
                    operation.name()
                )),
            }
        }
    }
    (cases, unsendable)
}

/// The refusals a client can provoke.
pub(super) fn refusal_cases(operation: &Operation) -> Vec<Case> {
    let who = operation.usual_credential();
    let types = operation.request_types();
    let mut cases = Vec::new();
    if who != Who::Nobody {
        let case = Case::new("no credential", Who::Nobody);
        let case = match &single_request(operation) {
            Some((content_type, bytes)) => case.body(content_type, bytes.clone()),
            None => case,
        };
        cases.push(case.expecting(StatusCode::UNAUTHORIZED));
    }
    for content_type in &types {
        let another = operation
            .examples(content_type)
            .into_iter()
            .find_map(|(_, example)| with_another_password(operation, &example))
            .and_then(|another| encoded(content_type, &another).ok());
        if let Some(bytes) = another {
            let what = format!("another (or a wrong) password as {content_type}");
            cases.push(Case::new(what, who).body(content_type, bytes));
        }
        for (what, bytes) in malformed(content_type) {
            cases.push(
                Case::new(format!("{what} as {content_type}"), who).body(content_type, bytes),
            );
        }
        let what = format!("a too large body as {content_type}, in chunks");
        cases.push(Case::new(what, who).chunked(content_type, vec![b' '; TOO_LARGE_BYTES]));
    }
    if operation.method == Method::POST {
        cases.extend(posted_refusals(operation, who, types.is_empty()));
    }
    cases
}

/// The first example of the first content type that is one request: for
/// JSON-RPC, neither a batch nor a notification, which are answered per
/// call (or not at all) rather than as a whole.
fn single_request(operation: &Operation) -> Option<(String, Vec<u8>)> {
    let content_type = operation.request_types().into_iter().next()?;
    let examples = operation.examples(&content_type);
    let single = examples
        .iter()
        .find(|(_, example)| example.get("id").is_some())
        .or_else(|| examples.iter().find(|(_, example)| example.is_object()))
        .or(examples.first())?;
    let bytes = encoded(&content_type, &single.1).ok()?;
    Some((content_type, bytes))
}

/// What any POST may be sent: a body of a type it does not document, or of
/// no type, one too large, one from another site's page.
fn posted_refusals(operation: &Operation, who: Who, takes_no_body: bool) -> Vec<Case> {
    let mut cases = vec![
        Case::new("a text/plain body", who).body("text/plain", b"email=ada".to_vec()),
        Case::new("a too large body", who)
            .body(JSON, vec![b' '; TOO_LARGE_BYTES])
            .expecting(StatusCode::PAYLOAD_TOO_LARGE),
    ];
    if takes_no_body {
        cases.extend(
            malformed(JSON)
                .into_iter()
                .map(|(what, bytes)| Case::new(format!("{what}, unasked"), who).body(JSON, bytes)),
        );
    }
    if let Some((_, bytes)) = single_request(operation) {
        let mut untyped = Case::new("an example without a Content-Type", who);
        untyped.payload = Payload::Bytes(bytes);
        cases.push(untyped);
    }
    let mut cross_site = Case::new("from another site's page", who);
    cross_site.cross_site = true;
    if let Some(content_type) = operation.request_types().first() {
        let example = operation.examples(content_type).into_iter().next();
        if let Some(bytes) = example.and_then(|(_, example)| encoded(content_type, &example).ok()) {
            cross_site = cross_site.body(content_type, bytes);
        }
    }
    cases.push(cross_site.expecting(StatusCode::FORBIDDEN));
    cases
}
