//! The WebSocket's serving loop, driven over channels.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use api::{LoginRequest, Password, SessionRevokeParams, SignupRequest};
use auth::testing::TestDb;
use auth::{Access, NewSession, SessionSettings, SessionToken, TestClock};
use tokio::sync::mpsc;

use super::*;
use crate::live::ending::CLOSE_CREDENTIAL_ENDED;
use crate::live::feed::ChangeFeed;
use crate::live::hub::ConnectionHub;

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

    assert_eq!(served.client.close_code().await, CLOSE_CREDENTIAL_ENDED);
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
    served
        .db
        .db
        .execute_write(sqlx::query("UPDATE users SET role = 'member'"))
        .await
        .unwrap();

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
