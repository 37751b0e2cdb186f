//! The ceiling: a bare axum handler with no authentication at all, answering
//! the same JSON as the others' `GET /me`.
//!
//! `bare`: listens on a free loopback port and prints `listening on <address>`.

use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

#[derive(Serialize)]
struct Me {
    name: &'static str,
}

async fn me() -> Json<Me> {
    Json(Me { name: "Bench" })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = Router::new().route("/me", get(me));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
