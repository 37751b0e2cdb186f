//! The `OpenAPI` document: every route it names answers as it says, and its
//! examples fit its schemas.

use api::paths;
use reqwest::Method;
use serde_json::Value;

use crate::helpers::{Cred, assert_fits, session_token, spawn_app, validator, with_cred};

/// The documented routes, in an order that signs up, signs in, uses the
/// session and signs out.
const ROUTES: [(&str, &str); 10] = [
    ("post", paths::auth::SIGNUP),
    ("post", paths::auth::LOGIN),
    ("get", paths::account::ME),
    ("post", paths::account::MEMBERS),
    ("post", paths::auth::PASSWORD),
    ("get", paths::HEALTHZ),
    ("get", paths::READYZ),
    ("get", paths::OPENRPC_JSON),
    ("get", paths::OPENAPI_JSON),
    ("post", paths::auth::LOGOUT),
];

#[tokio::test]
async fn every_documented_route_answers_its_example_as_documented() {
    let app = spawn_app().await;
    let document: Value = app
        .get(paths::OPENAPI_JSON, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(document["openapi"], "3.1.0");

    let mut cookie: Option<String> = None;
    for (method, path) in ROUTES {
        let what = format!("{method} {path}");
        let operation = &document["paths"][path][method];
        assert!(operation.is_object(), "{what} is documented");
        let verb = if method == "post" {
            Method::POST
        } else {
            Method::GET
        };
        let mut request = app.client.request(verb, app.url(path));
        let json_body = &operation["requestBody"]["content"]["application/json"];
        if let Some(example) = json_body.get("example") {
            assert_fits(&validator(&document, &json_body["schema"]), example, &what);
            request = request.json(example);
        }
        if let Some(token) = &cookie {
            request = with_cred(request, Cred::Cookie(token));
        }

        let response = request.send().await.expect("request");

        let status = response.status();
        if let Some(token) = session_token(response.headers()) {
            cookie = Some(token);
        }
        let documented = &operation["responses"][status.as_str()];
        assert!(
            documented.is_object(),
            "{what} answered {status}, which is not documented"
        );
        if let Some(schema) = documented["content"]["application/json"].get("schema") {
            let body: Value = response.json().await.expect("a JSON answer");
            assert_fits(&validator(&document, schema), &body, &what);
        }
    }
}
