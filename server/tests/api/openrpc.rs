//! The `OpenRPC` document: it lists exactly the methods the dispatcher runs,
//! and its examples, and what the server answers them, fit its schemas.

use api::paths;
use api::rpc::Method;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestApp, TestUser, assert_fits, spawn_app, validator};

async fn document(app: &TestApp) -> Value {
    let response = app.get(paths::OPENRPC_JSON, None).await;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    response.json().await.unwrap()
}

/// The schema of a method's params object, from its list of named params.
fn params_schema(method: &Value) -> Value {
    let params = method["params"].as_array().unwrap();
    let properties: serde_json::Map<String, Value> = params
        .iter()
        .map(|param| {
            (
                param["name"].as_str().unwrap().to_owned(),
                param["schema"].clone(),
            )
        })
        .collect();
    let required: Vec<&Value> = params
        .iter()
        .filter(|param| param["required"] == true)
        .map(|param| &param["name"])
        .collect();
    json!({"type": "object", "properties": properties, "required": required})
}

#[tokio::test]
async fn the_openrpc_document_lists_exactly_the_methods_the_dispatcher_runs() {
    let app = spawn_app().await;

    let document = document(&app).await;

    let listed: Vec<&str> = document["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|method| method["name"].as_str().unwrap())
        .collect();
    let dispatched: Vec<&str> = Method::ALL.iter().map(|method| method.name()).collect();
    assert_eq!(listed, dispatched);
    assert_eq!(document["openrpc"], "1.3.2");
}

#[tokio::test]
async fn every_example_and_the_servers_answer_to_it_fit_the_documented_schemas() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let document = document(&app).await;
    let error = validator(&document, &json!({"$ref": "#/components/schemas/RpcError"}));

    let mut answered = 0;
    for method in document["methods"].as_array().unwrap() {
        let name = method["name"].as_str().unwrap();
        let example = &method["examples"][0];
        let params: serde_json::Map<String, Value> = example["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|param| {
                (
                    param["name"].as_str().unwrap().to_owned(),
                    param["value"].clone(),
                )
            })
            .collect();
        let params = Value::Object(params);
        let result = validator(&document, &method["result"]["schema"]);
        assert_fits(&validator(&document, &params_schema(method)), &params, name);
        assert_fits(&result, &example["result"]["value"], name);

        let (_, answer) = app.rpc(name, params, Cred::Cookie(&owner)).await;

        if answer.get("result").is_some() {
            assert_fits(&result, &answer["result"], name);
            answered += 1;
        } else {
            assert_fits(&error, &answer["error"], name);
        }
    }
    // All but signing out, removing, changing the role of and turning off
    // the app of a member (the examples' user is not on this server),
    // confirming and turning off an authenticator app (the example code is
    // not the app's), requiring a second factor and making recovery codes
    // (the owner has no app), finishing a passkey's registration and
    // confirming with one (the example answer is no authenticator's),
    // sending the link that verifies the address again (signing up sent
    // one a moment ago) and changing the address (the example password is
    // not the owner's).
    assert_eq!(answered, Method::ALL.len() - 12);
}
