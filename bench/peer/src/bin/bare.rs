//! The ceiling: bare axum handlers with no authentication at all. `GET /me`
//! answers the same JSON as the others; `GET /events` is a Server-Sent
//! Events stream that sends one event and then stays open, idle.
//!
//! `bare`: listens on a free loopback port and prints `listening on <address>`.

use std::convert::Infallible;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Serialize;

#[derive(Serialize)]
struct Me {
    name: &'static str,
}

async fn me() -> Json<Me> {
    Json(Me { name: "Bench" })
}

async fn events() -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let first = stream::once(async { Ok(Event::default().event("hello").data("{}")) });
    Sse::new(first.chain(stream::pending())).keep_alive(KeepAlive::default())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = Router::new()
        .route("/me", get(me))
        .route("/events", get(events));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
