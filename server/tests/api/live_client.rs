//! Clients for the live connections: a Server-Sent Events reader and a
//! JSON-RPC WebSocket.

use api::paths;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::helpers::{Cred, TestApp, with_cred};

/// How long a test waits for something the server should do at once.
pub const PROMPTLY: Duration = Duration::from_secs(2);

/// One event of the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub name: String,
    pub data: Value,
}

/// An open `GET /api/events` stream.
pub struct EventStream {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl TestApp {
    pub async fn open_events(&self, cred: Cred<'_>) -> EventStream {
        EventStream::of(self.try_open_events(cred).await)
    }

    pub async fn try_open_events(&self, cred: Cred<'_>) -> reqwest::Response {
        with_cred(self.client.get(self.url(paths::EVENTS)), cred)
            .send()
            .await
            .expect("request")
    }

    pub async fn open_socket(
        &self,
        cred: Cred<'_>,
        origin: Option<&str>,
    ) -> Result<Socket, tungstenite::Error> {
        self.open_socket_with(&[cred], origin).await
    }

    /// A socket opened with every credential in `creds` at once.
    pub async fn open_socket_with(
        &self,
        creds: &[Cred<'_>],
        origin: Option<&str>,
    ) -> Result<Socket, tungstenite::Error> {
        let mut request = format!("ws://{}/api/ws", self.addr).into_client_request()?;
        let headers = request.headers_mut();
        for cred in creds {
            match cred {
                Cred::Cookie(token) => {
                    headers.insert("cookie", format!("__Host-session={token}").parse().unwrap());
                }
                Cred::Bearer(token) => {
                    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
                }
                Cred::Nothing => {}
            }
        }
        if let Some(origin) = origin {
            headers.insert("origin", origin.parse().unwrap());
        }
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Socket { socket, next_id: 0 })
    }
}

impl EventStream {
    /// The stream a `GET /api/events` answered with.
    pub fn of(response: reqwest::Response) -> Self {
        assert_eq!(response.status(), StatusCode::OK);
        Self {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event, or `None` when the stream ended. Panics if nothing
    /// comes within `wait`.
    pub async fn next_event(&mut self, wait: Duration) -> Option<SseEvent> {
        tokio::time::timeout(wait, self.read_event())
            .await
            .expect("no event and no end in time")
    }

    /// True when nothing arrives within `wait` and the stream is still open.
    pub async fn stays_quiet(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.read_event()).await.is_err()
    }

    async fn read_event(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_frame(&frame) {
                    return Some(event);
                }
                continue;
            }
            match self.body.next().await {
                Some(Ok(chunk)) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Some(Err(_)) | None => return None,
            }
        }
    }
}

/// Parses one SSE frame; comments (keep-alives) give `None`.
fn parse_frame(frame: &str) -> Option<SseEvent> {
    let mut name = None;
    let mut data = String::new();
    for line in frame.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            name = Some(value.trim().to_owned());
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim());
        }
    }
    Some(SseEvent {
        name: name?,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
    })
}

type WsStream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A JSON-RPC WebSocket.
pub struct Socket {
    socket: WsStream,
    next_id: u64,
}

/// How the server closed a socket.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed {
    pub code: u16,
    pub reason: String,
}

impl Socket {
    /// Sends a request and returns the response.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params).await;
        self.answer().await
    }

    /// Sends `body` as it is (a batch, say) and returns the answer.
    pub async fn exchange(&mut self, body: &Value) -> Value {
        self.socket
            .send(Message::Text(body.to_string().into()))
            .await
            .unwrap();
        self.answer().await
    }

    /// The next text message, as JSON.
    async fn answer(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(PROMPTLY, self.socket.next())
                .await
                .expect("an answer in time")
                .expect("the socket is open")
                .expect("a message");
            if let Message::Text(text) = message {
                return serde_json::from_str(&text).unwrap();
            }
        }
    }

    /// Sends a request without waiting for the answer.
    pub async fn send(&mut self, method: &str, params: Value) {
        self.next_id += 1;
        let request = serde_json::json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params});
        self.socket
            .send(Message::Text(request.to_string().into()))
            .await
            .unwrap();
    }

    /// Waits for the server to close the socket; its close code and reason.
    pub async fn closed(&mut self, wait: Duration) -> Closed {
        loop {
            let message = tokio::time::timeout(wait, self.socket.next())
                .await
                .expect("closed in time");
            match message {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return Closed {
                        code: u16::from(frame.code),
                        reason: frame.reason.to_string(),
                    };
                }
                Some(Ok(Message::Close(None)) | Err(_)) | None => {
                    return Closed {
                        code: u16::from(CloseCode::Status),
                        reason: String::new(),
                    };
                }
                Some(Ok(_)) => {}
            }
        }
    }
}
