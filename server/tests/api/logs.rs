//! What the server writes to its log, read from the binary's output.

use std::sync::Arc;

use auth::testing::TestDb;
use serde_json::Value;
use testkit::ServerProcess;
use tokio::process::Command;

use crate::live_client::PROMPTLY;

#[tokio::test]
async fn json_logs_name_the_request_id_that_the_answer_carries() {
    let db = Arc::new(TestDb::new().await);
    let mut command = Command::new(env!("CARGO_BIN_EXE_latchkey"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", &db.url)
        .env("LATCHKEY_LISTEN", "127.0.0.1:0")
        .env("LATCHKEY_DEMO", "false")
        .env("LATCHKEY_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn,tower_http=debug");
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
    assert_eq!(record["span"]["path"], "/login", "{record}");
}
