//! `GET /api/ws`: JSON-RPC over a WebSocket. Each text message is one
//! request; each answer is one text message. When the credential ends, the
//! socket is closed with code 4001 and a short reason, which clients treat
//! as final. When the session token it was opened with is rotated out (the
//! session goes on), or the user's role changes, it is closed with 4002:
//! reconnect, with the cookie the browser holds now. Before each request
//! the caller is read again (the credential, the role, the account), so a
//! role taken away counts for the very next request, on any instance.

use std::time::Duration;

use api::{ApiError, ErrorCode, Timestamp};
use auth::{Auth, AuthError, Authentication, Caller, ClientMeta, Credential, Rechecked};
use axum::Extension;
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::oneshot;

use super::ending::{CLOSE_RECONNECT, Ending};
use super::watch::{ConnectionWatch, Step};
use crate::error::HttpError;
use crate::extract::{BODY_LIMIT_BYTES, Client};
use crate::middleware::{ClientAddr, origin_is_foreign};
use crate::rpc::{Answer, answer};
use crate::state::AppState;

pub async fn rpc_over_websocket(
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    State(state): State<AppState>,
    Client(meta): Client,
    Extension(authentication): Extension<Authentication>,
    address: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
) -> Response {
    // A page on another site must not open a socket with our cookie.
    if origin_is_foreign(&headers, &state.trusted_origins) {
        return HttpError(ApiError::new(
            ErrorCode::Forbidden,
            "This WebSocket was opened from another site and was refused.",
        ))
        .into_response();
    }
    let caller = match authentication.caller() {
        Ok(caller) => caller.clone(),
        Err(refusal) => return HttpError(refusal).into_response(),
    };
    let Ok(upgrade) = upgrade else {
        return HttpError(ApiError::invalid_params(
            "This address takes WebSocket connections only.",
        ))
        .into_response();
    };
    // Registered before the upgrade, so a refusal is an HTTP answer.
    let address = address.map(|Extension(ClientAddr(ip))| ip);
    let watch = match ConnectionWatch::start(state.auth.clone(), &state.hub, &caller, address, None)
    {
        Ok(watch) => watch,
        Err(refusal) => return refusal.into_response(),
    };
    upgrade
        .max_message_size(BODY_LIMIT_BYTES)
        .on_upgrade(move |socket: WebSocket| async move {
            let connection = Connection {
                auth: state.auth.clone(),
                caller,
                meta,
                activity_every: state.auth.settings().touch_threshold,
                ping_every: state.ws_ping_interval,
            };
            connection.serve(socket, watch).await;
        })
}

/// What one socket needs to answer requests.
struct Connection {
    auth: Auth,
    /// Who it answers as: the credential it was opened with, and the user
    /// as read before the last request.
    caller: Caller,
    meta: ClientMeta,
    activity_every: Duration,
    /// How often the client is pinged; silent until the next ping, it is
    /// taken as gone (a half-open connection) and the socket is closed.
    ping_every: Duration,
}

impl Connection {
    /// Answers requests until the client leaves or the credential ends.
    /// Generic over the socket so it can be tested with channels.
    async fn serve<S, E>(mut self, socket: S, watch: ConnectionWatch)
    where
        S: Stream<Item = Result<Message, E>> + Sink<Message> + Unpin,
    {
        let (mut outgoing, mut incoming) = socket.split();
        let mut ended = watch_until_closed(watch);
        let mut last_activity = Timestamp::from_millis(0);
        let mut pings = tokio::time::interval_at(
            tokio::time::Instant::now() + self.ping_every,
            self.ping_every,
        );
        let mut heard_since_ping = true;
        loop {
            tokio::select! {
                ending = &mut ended.ending => {
                    let ending = ending.unwrap_or(Ending::Revoked(api::RevokeReason::Revoked));
                    let _ = outgoing.send(close_frame(ending)).await;
                    return;
                }
                _ = pings.tick() => {
                    if !heard_since_ping {
                        let _ = outgoing.send(Message::Close(Some(CloseFrame {
                            code: CLOSE_RECONNECT,
                            reason: "no answer to ping".into(),
                        }))).await;
                        return;
                    }
                    heard_since_ping = false;
                    if outgoing.send(Message::Ping(Vec::new().into())).await.is_err() {
                        return;
                    }
                }
                message = incoming.next() => {
                    heard_since_ping = true;
                    let body = match message {
                        Some(Ok(Message::Text(text))) => text.as_bytes().to_vec(),
                        Some(Ok(Message::Binary(bytes))) => bytes.to_vec(),
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                    };
                    if let Err(ending) = self.recheck().await {
                        let _ = outgoing.send(close_frame(ending)).await;
                        return;
                    }
                    self.note_activity(&mut last_activity);
                    let answered = answer(
                        &self.auth,
                        Ok(&self.caller),
                        &self.meta,
                        &body,
                    ).await;
                    let text = match answered {
                        Answer::One(_, response) => serde_json::to_string(&response),
                        Answer::Batch(responses) => serde_json::to_string(&responses),
                        Answer::Nothing => continue,
                    };
                    let text = text.unwrap_or_default();
                    if outgoing.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Every request reads the caller again, as an HTTP request would: the
    /// credential, and the user's role and account as they are now. The
    /// watch closes a socket at once on a revoke or a role change it hears
    /// of; this catches a token that expired and a change this instance
    /// missed (another instance that could not publish it). A storage error
    /// is left to the request itself to answer.
    async fn recheck(&mut self) -> Result<(), Ending> {
        match self.auth.recheck_connection(&self.caller).await {
            Ok(Rechecked::Holds(caller)) => {
                self.caller = caller;
                Ok(())
            }
            Ok(Rechecked::TokenRetired) => Err(Ending::TokenRotated),
            Err(AuthError::Unauthenticated) => Err(Ending::TokenRevoked),
            Err(err) => Ending::from_refusal(&err).map_or(Ok(()), Err),
        }
    }

    /// Requests over the socket are activity, recorded at most once per
    /// touch threshold (token use is recorded by re-checking it).
    fn note_activity(&self, last: &mut Timestamp) {
        if !matches!(self.caller.credential(), Credential::Session { .. }) {
            return;
        }
        let now = self.auth.now();
        if now.millis_since(*last) >= api::millis(self.activity_every) {
            self.auth.record_activity(&self.caller);
            *last = now;
        }
    }
}

/// The watch, run in its own task so that a request arriving while it
/// re-checks the session cannot cut that short. Dropping this stops the
/// task, which unregisters the connection.
struct WatchTask {
    ending: oneshot::Receiver<Ending>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for WatchTask {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn watch_until_closed(mut watch: ConnectionWatch) -> WatchTask {
    let (tell, ending) = oneshot::channel();
    let task = tokio::spawn(async move {
        loop {
            if let Step::Close(why) = watch.next().await {
                let _ = tell.send(why);
                return;
            }
        }
    });
    WatchTask { ending, task }
}

fn close_frame(ending: Ending) -> Message {
    Message::Close(Some(CloseFrame {
        code: ending.close_code(),
        reason: ending.close_reason().into(),
    }))
}

#[cfg(test)]
mod tests;
