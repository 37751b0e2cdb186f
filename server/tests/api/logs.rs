//! What the server writes to its log, read from the binary's output.

use api::paths;
use std::sync::Arc;

use auth::testing::TestDb;
use serde_json::Value;
use testkit::ServerProcess;

use crate::helpers::server_binary;
use crate::live_client::PROMPTLY;

#[tokio::test]
async fn json_logs_name_the_request_id_that_the_answer_carries() {
    let db = Arc::new(TestDb::new().await);
    let command = server_binary(
        &db,
        &[
            ("LATCHKEY_LOG_FORMAT", "json"),
            ("RUST_LOG", "warn,tower_http=debug"),
        ],
    );
    let mut server = ServerProcess::start(command).await.unwrap();

    let first = reqwest::get(format!("http://{}/login", server.addr))
        .await
        .unwrap();
    let second = reqwest::get(format!("http://{}/login", server.addr))
        .await
        .unwrap();

    let id = first.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(second.headers()["x-request-id"].to_str().unwrap(), id);
    let line = server
        .line_containing(&id, PROMPTLY)
        .await
        .expect("a log line of the request");
    let record: Value = serde_json::from_str(&line).expect("one JSON object a line");
    assert_eq!(record["span"]["name"], "request", "{record}");
    assert_eq!(record["span"]["id"], id.as_str(), "{record}");
    assert_eq!(record["span"]["path"], paths::page::LOGIN, "{record}");
}
