//! Sending cases and judging each answer by the document.

use api::paths;
use futures_util::stream;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Body, Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;

use super::cases::{Case, Expect, Payload, credential};
use super::operation::Operation;
use crate::helpers::{TestApp, validator, with_cred};

/// Sends cases and keeps what the document gets wrong about the answers.
pub(super) struct Truth<'a> {
    pub(super) app: &'a TestApp,
    pub(super) document: &'a Value,
    pub(super) wrong: Vec<String>,
    pub(super) answers: usize,
}

impl<'a> Truth<'a> {
    pub(super) fn new(app: &'a TestApp, document: &'a Value) -> Self {
        Self {
            app,
            document,
            wrong: Vec::new(),
            answers: 0,
        }
    }

    /// Sends `case` to `operation` and judges the answer.
    pub(super) async fn send(&mut self, operation: &Operation, case: Case) {
        let held = credential(self.app, case.who).await;
        let url = self.app.url(&operation.path);
        let mut request = self.app.client.request(operation.method.clone(), url);
        request = with_cred(request, held.cred());
        request = request.query(&operation.parameters("query"));
        for (name, value) in operation.parameters("header") {
            request = request.header(name, value);
        }
        if case.cross_site {
            request = request.header("sec-fetch-site", "cross-site");
        }
        let request = with_payload(request, &case);
        self.judge_request(operation, &case, request).await;
    }

    /// Sends `request`, made by hand as `case`, and judges the answer.
    pub(super) async fn judge_request(
        &mut self,
        operation: &Operation,
        case: &Case,
        request: RequestBuilder,
    ) {
        match request.send().await {
            Ok(response) => self.judge(operation, case, response).await,
            Err(err) => {
                let what = format!("{} ({})", operation.name(), case.what);
                self.wrong.push(format!("{what}: no answer: {err}"));
            }
        }
    }

    /// Judges `response`, the answer to `case`.
    pub(super) async fn judge(&mut self, operation: &Operation, case: &Case, response: Response) {
        let what = format!("{} ({})", operation.name(), case.what);
        let wrong = judged(self.document, operation, case, &what, response).await;
        self.wrong.extend(wrong);
        self.answers += 1;
    }

    /// The operation `method path` of the document.
    pub(super) fn operation(&self, method: &Method, path: &str) -> Operation {
        let spec = &self.document["paths"][path][method.as_str().to_lowercase()];
        assert!(spec.is_object(), "{method} {path} is documented");
        Operation {
            method: method.clone(),
            path: path.to_owned(),
            spec: spec.clone(),
        }
    }

    /// Fails with everything found, if anything was.
    pub(super) fn assert_true(&self) {
        let mut found: Vec<(usize, &String)> = Vec::new();
        for wrong in &self.wrong {
            match found.iter_mut().find(|(_, seen)| *seen == wrong) {
                Some((times, _)) => *times += 1,
                None => found.push((1, wrong)),
            }
        }
        let found: Vec<String> = found
            .into_iter()
            .map(|(times, wrong)| match times {
                1 => wrong.clone(),
                _ => format!("{wrong} ({times} times)"),
            })
            .collect();
        assert!(
            self.wrong.is_empty(),
            "{} things found in {} answers are not as documented:\n{}",
            self.wrong.len(),
            self.answers,
            found.join("\n")
        );
    }
}

pub(super) fn with_payload(request: RequestBuilder, case: &Case) -> RequestBuilder {
    let request = match &case.content_type {
        Some(content_type) => request.header(CONTENT_TYPE, content_type),
        None => request,
    };
    match &case.payload {
        Payload::Nothing => request,
        Payload::Bytes(bytes) => request.body(bytes.clone()),
        Payload::Chunked(bytes) => {
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> = bytes
                .chunks(8 * 1024)
                .map(|chunk| Ok(chunk.to_vec()))
                .collect();
            request.body(Body::wrap_stream(stream::iter(chunks)))
        }
    }
}

/// The response object the document gives for `status`: its own, else its
/// range's (`4XX`), else `default`.
pub(super) fn documented_response(operation: &Value, status: StatusCode) -> Option<&Value> {
    let responses = &operation["responses"];
    let range = format!("{}XX", status.as_u16() / 100);
    [status.as_str(), range.as_str(), "default"]
        .into_iter()
        .find_map(|key| responses.get(key))
}

/// The media type of a response's body, if it says.
pub(super) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next()?.trim().to_ascii_lowercase())
}

/// What is not as the document says about `response`, the answer to `case`.
pub(super) async fn judged(
    document: &Value,
    operation: &Operation,
    case: &Case,
    what: &str,
    response: Response,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let status = response.status();
    if let Expect::Status(expected) = case.expect
        && status != expected
    {
        wrong.push(format!(
            "{what}: answered {status} where {expected} was due"
        ));
    }
    let Some(documented) = documented_response(&operation.spec, status) else {
        let body = response.text().await.unwrap_or_default();
        wrong.push(format!(
            "{what}: answered {status}, which is not documented: {body:.200}"
        ));
        return wrong;
    };
    if let Some(types) = documented["x-request-content-types"].as_array() {
        let sent = case.content_type.as_deref().unwrap_or("");
        if !types
            .iter()
            .any(|documented| documented.as_str() == Some(sent))
        {
            wrong.push(format!(
                "{what}: answered {status}, documented only for bodies of {types:?}"
            ));
        }
    }
    for (name, header) in documented["headers"].as_object().into_iter().flatten() {
        if header["required"] == true && !response.headers().contains_key(name.as_str()) {
            wrong.push(format!(
                "{what}: {status} without its documented {name} header"
            ));
        }
    }
    wrong.extend(judged_body(document, documented, what, response).await);
    wrong
}

/// What is not as documented about the body of a documented answer.
pub(super) async fn judged_body(
    document: &Value,
    documented: &Value,
    what: &str,
    response: Response,
) -> Vec<String> {
    let status = response.status();
    let media = media_type(response.headers());
    let content = documented["content"].as_object();
    let listed: Vec<&String> = content
        .into_iter()
        .flat_map(|content| content.keys())
        .collect();
    if media.as_deref() == Some("text/event-stream") {
        // A stream goes on: only its type is judged.
        return if content.is_some_and(|content| content.contains_key("text/event-stream")) {
            Vec::new()
        } else {
            vec![format!(
                "{what}: {status} is an event stream, documented as {listed:?}"
            )]
        };
    }
    let body = response.bytes().await.unwrap_or_default();
    let (Some(content), Some(media)) = (content, media) else {
        return match (listed.is_empty(), body.is_empty()) {
            (true, true) => Vec::new(),
            (true, false) => vec![format!(
                "{what}: {status} has a body, documented as having none: {:.200}",
                String::from_utf8_lossy(&body)
            )],
            (false, _) => vec![format!(
                "{what}: {status} has no body or no type, documented as {listed:?}"
            )],
        };
    };
    let Some(media_object) = content.get(&media) else {
        return vec![format!(
            "{what}: {status} is {media}, documented as {listed:?}: {:.200}",
            String::from_utf8_lossy(&body)
        )];
    };
    let Some(schema) = media_object.get("schema") else {
        return Vec::new();
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(err) => {
            return vec![format!(
                "{what}: {status} is not the JSON documented: {err}"
            )];
        }
    };
    validator(document, schema)
        .iter_errors(&value)
        .map(|err| format!("{what}: {status} does not fit its schema: {err}: {value:.300}"))
        .collect()
}

/// The document, as the server serves it.
pub(super) async fn served_document(app: &TestApp) -> Value {
    let response = app.get(paths::OPENAPI_JSON, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}
