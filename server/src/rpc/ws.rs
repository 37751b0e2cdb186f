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

use super::{Answer, answer};
use crate::error::HttpError;
use crate::extract::Client;
use crate::live::{CLOSE_RECONNECT, ConnectionWatch, Ending, Step};
use crate::middleware::{ClientAddr, origin_is_foreign};
use crate::startup::BODY_LIMIT_BYTES;
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
mod tests {
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll};

    use api::{LoginRequest, Password, SessionRevokeParams, SignupRequest};
    use auth::testing::TestDb;
    use auth::{Access, NewSession, SessionSettings, SessionToken, TestClock};
    use tokio::sync::mpsc;

    use super::*;
    use crate::feed::ChangeFeed;
    use crate::hub::ConnectionHub;

    const PASSWORD: &str = "a long enough password";

    /// The server's side of a socket made of two channels.
    struct ChannelSocket {
        incoming: mpsc::UnboundedReceiver<Result<Message, Infallible>>,
        outgoing: mpsc::UnboundedSender<Message>,
    }

    impl Stream for ChannelSocket {
        type Item = Result<Message, Infallible>;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            self.incoming.poll_recv(cx)
        }
    }

    impl Sink<Message> for ChannelSocket {
        type Error = mpsc::error::SendError<Message>;

        fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn start_send(self: Pin<&mut Self>, message: Message) -> Result<(), Self::Error> {
            self.outgoing.send(message)
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }
    }

    /// The client's side: what it sends, and what the server sent it.
    struct Client {
        send: mpsc::UnboundedSender<Result<Message, Infallible>>,
        heard: mpsc::UnboundedReceiver<Message>,
    }

    impl Client {
        fn request(&self, method: &str, params: &serde_json::Value) {
            let body =
                serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
            self.send
                .send(Ok(Message::Text(body.to_string().into())))
                .unwrap();
        }

        /// The next message that is not a ping.
        async fn next(&mut self) -> Message {
            loop {
                match self.heard.recv().await.expect("the server said something") {
                    Message::Ping(_) => {}
                    message => return message,
                }
            }
        }

        async fn close_code(&mut self) -> u16 {
            match self.next().await {
                Message::Close(Some(frame)) => frame.code,
                other => panic!("not a close frame: {other:?}"),
            }
        }
    }

    /// One user's session, its socket being served, and the client's end.
    struct Served {
        auth: Auth,
        clock: TestClock,
        session: NewSession,
        client: Client,
        db: TestDb,
    }

    async fn served() -> Served {
        let db = TestDb::new().await;
        let clock = TestClock::new();
        let hub = ConnectionHub::default();
        let auth = Auth::new(
            db.db.clone(),
            Arc::new(clock.clone()),
            SessionSettings::default(),
            Arc::new(ChangeFeed::local(hub.clone())),
        )
        .await
        .unwrap();
        let meta = ClientMeta::new(Some("127.0.0.1".into()), Some("a test"));
        auth.signup(
            SignupRequest {
                account_name: "Acme".into(),
                name: "Ada".into(),
                email: "ada@example.com".into(),
                password: Password::new(PASSWORD.into()),
            },
            meta.clone(),
        )
        .await
        .unwrap();
        let session = signed_in(&auth).await;
        let caller = resolved(&auth, &session.token, Access::Api).await.caller;
        let watch = ConnectionWatch::start(auth.clone(), &hub, &caller, None, None).unwrap();
        let (send, incoming) = mpsc::unbounded_channel();
        let (outgoing, heard) = mpsc::unbounded_channel();
        let connection = Connection {
            auth: auth.clone(),
            caller,
            meta,
            activity_every: Duration::from_mins(1),
            ping_every: Duration::from_mins(10),
        };
        tokio::spawn(connection.serve(ChannelSocket { incoming, outgoing }, watch));
        Served {
            auth,
            clock,
            session,
            client: Client { send, heard },
            db,
        }
    }

    /// Ada signs in again: a new session.
    async fn signed_in(auth: &Auth) -> NewSession {
        let request = LoginRequest {
            email: "ada@example.com".into(),
            password: Password::new(PASSWORD.into()),
        };
        let meta = ClientMeta::new(Some("127.0.0.1".into()), Some("a test"));
        auth.login(request, meta).await.unwrap().session().unwrap()
    }

    async fn resolved(auth: &Auth, token: &SessionToken, access: Access) -> auth::Resolved {
        let meta = ClientMeta::new(Some("127.0.0.1".into()), Some("a test"));
        auth.authenticate(token, access, &meta).await.unwrap()
    }

    #[tokio::test]
    async fn a_request_on_the_socket_gets_its_answer() {
        let mut served = served().await;

        served
            .client
            .request("account_verify", &serde_json::json!({}));

        let Message::Text(answer) = served.client.next().await else {
            panic!("no answer");
        };
        let answer: serde_json::Value = serde_json::from_str(answer.as_str()).unwrap();
        assert_eq!(
            answer["result"]["me"]["email"], "ada@example.com",
            "{answer}"
        );
    }

    #[tokio::test]
    async fn a_revoked_session_closes_its_socket_as_ended_with_no_request_needed() {
        let mut served = served().await;
        let meta = ClientMeta::new(None, None);
        let other = signed_in(&served.auth).await;
        let other = resolved(&served.auth, &other.token, Access::Api)
            .await
            .caller;

        served
            .auth
            .admit(&other, api::rpc::Method::SessionRevoke, auth::Via::Api)
            .await
            .unwrap()
            .user()
            .revoke_session(
                SessionRevokeParams {
                    session_id: served.session.signed_in.session_id.clone(),
                },
                &meta,
            )
            .await
            .unwrap();

        assert_eq!(
            served.client.close_code().await,
            crate::live::CLOSE_CREDENTIAL_ENDED
        );
    }

    #[tokio::test]
    async fn an_owner_made_a_member_has_the_socket_closed_for_a_reconnect() {
        let mut served = served().await;
        let grace = add_member(&served.auth, &served.session).await;

        served.auth.as_operator().make_owner(&grace).await.unwrap();

        assert_eq!(served.client.close_code().await, CLOSE_RECONNECT);
    }

    #[tokio::test]
    async fn a_role_taken_away_unheard_counts_for_the_next_request_on_the_socket() {
        let mut served = served().await;
        // Another instance that could not publish the change: nothing is
        // told to this one, and the socket stays open.
        let mut conn = served.db.db.acquire_write().await.unwrap();
        sqlx::query("UPDATE users SET role = 'member'")
            .execute(&mut *conn)
            .await
            .unwrap();
        drop(conn);

        served
            .client
            .request("account_security_get", &serde_json::json!({}));

        let Message::Text(answer) = served.client.next().await else {
            panic!("no answer");
        };
        let answer: serde_json::Value = serde_json::from_str(answer.as_str()).unwrap();
        assert_eq!(answer["error"]["data"]["code"], "forbidden", "{answer}");
    }

    /// Ada adds Grace to her account; Grace's email.
    async fn add_member(auth: &Auth, ada: &NewSession) -> api::EmailAddress {
        let owner = resolved(auth, &ada.token, Access::Api).await.caller;
        let admitted = auth
            .admit(&owner, api::rpc::Method::MemberAdd, auth::Via::Api)
            .await
            .unwrap();
        let grace = api::NewMemberRequest {
            name: "Grace".into(),
            email: "grace@example.com".into(),
            password: Password::new(PASSWORD.into()),
        };
        let meta = ClientMeta::new(None, None);
        let confirmed = admitted.confirmed().unwrap();
        admitted
            .owner()
            .unwrap()
            .add_member(&confirmed, grace, &meta)
            .await
            .unwrap();
        api::EmailAddress::parse("grace@example.com").unwrap()
    }

    #[tokio::test]
    async fn a_request_once_its_token_was_rotated_out_closes_the_socket_for_a_reconnect() {
        let mut served = served().await;
        served.clock.advance(Duration::from_mins(10));
        let new_token = resolved(&served.auth, &served.session.token, Access::Interactive)
            .await
            .rotated
            .expect("a page load past the interval rotates");
        resolved(&served.auth, &new_token, Access::Api).await;
        served.clock.advance(Duration::from_mins(2));

        served
            .client
            .request("account_verify", &serde_json::json!({}));

        assert_eq!(served.client.close_code().await, CLOSE_RECONNECT);
    }
}
