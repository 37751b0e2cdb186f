//! The mail outbox: mail is written in the transaction of the change that
//! causes it, sent by a courier that claims each message with a lease,
//! tried again after waits that double, failed after its last try, and
//! sent once however many couriers run.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use std::time::Duration;
use tokio::sync::Notify;

use auth::mail::{
    Courier, CourierSettings, Delivered, MailKind, MailTransport, OutboxCounts, OutgoingMail,
    SendError,
};
use auth::testing::{TestAuth, queue_mail};

use crate::helpers::test_auth;

/// A transport that records what it sent, and fails while it has
/// failures left to give.
#[derive(Default)]
pub struct FakeTransport {
    pub sent: Mutex<Vec<OutgoingMail>>,
    failures: Mutex<VecDeque<String>>,
    /// Each send starts by saying so here, then never ends (a process that
    /// died mid-send).
    hangs: Option<Arc<Notify>>,
}

impl FakeTransport {
    pub fn failing(times: usize) -> Self {
        Self {
            failures: Mutex::new((0..times).map(|n| format!("refused #{n}")).collect()),
            ..Self::default()
        }
    }

    fn hanging(entered: Arc<Notify>) -> Self {
        Self {
            hangs: Some(entered),
            ..Self::default()
        }
    }

    pub fn sent(&self) -> Vec<OutgoingMail> {
        self.sent.lock().unwrap().clone()
    }
}

impl MailTransport for FakeTransport {
    fn send<'a>(
        &'a self,
        mail: &'a OutgoingMail,
    ) -> Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>> {
        Box::pin(async move {
            if let Some(entered) = &self.hangs {
                entered.notify_one();
                std::future::pending::<()>().await;
            }
            // Lets another courier run between the claim and the send.
            tokio::task::yield_now().await;
            if let Some(why) = self.failures.lock().unwrap().pop_front() {
                return Err(SendError(why));
            }
            self.sent.lock().unwrap().push(mail.clone());
            Ok(())
        })
    }
}

/// What a courier sends now, through a fake transport.
pub async fn delivered(t: &TestAuth) -> Vec<OutgoingMail> {
    let transport = Arc::new(FakeTransport::default());
    courier(t, transport.clone()).deliver_due().await.unwrap();
    transport.sent()
}

pub fn courier(t: &TestAuth, transport: Arc<FakeTransport>) -> Courier {
    Courier::new(t.auth.clone(), transport, settings())
}

fn settings() -> CourierSettings {
    CourierSettings {
        max_attempts: 3,
        first_retry: Duration::from_secs(30),
        max_retry: Duration::from_mins(10),
        lease: Duration::from_mins(2),
        ..CourierSettings::default()
    }
}

fn a_mail(to: &str) -> OutgoingMail {
    OutgoingMail {
        kind: MailKind::PasswordReset,
        to: to.into(),
        subject: "Hello".into(),
        text: "text".into(),
        html: "<p>html</p>".into(),
    }
}

fn sent(count: usize) -> Delivered {
    Delivered {
        sent: count,
        ..Delivered::default()
    }
}

#[tokio::test]
async fn mail_queued_in_a_change_that_rolls_back_is_never_sent() {
    // Arrange
    let t = test_auth().await;
    let transport = Arc::new(FakeTransport::default());

    // Act
    queue_mail(&t.auth, &a_mail("rolled@example.com"), false).await;
    queue_mail(&t.auth, &a_mail("kept@example.com"), true).await;
    let done = courier(&t, transport.clone()).deliver_due().await.unwrap();

    // Assert
    assert_eq!(done, sent(1));
    let to: Vec<_> = transport.sent().into_iter().map(|mail| mail.to).collect();
    assert_eq!(to, ["kept@example.com"]);
}

#[tokio::test]
async fn a_sent_message_leaves_the_outbox_and_is_not_sent_again() {
    // Arrange
    let t = test_auth().await;
    let transport = Arc::new(FakeTransport::default());
    queue_mail(&t.auth, &a_mail("ada@example.com"), true).await;
    assert_eq!(
        t.auth.outbox_counts().await.unwrap(),
        OutboxCounts {
            waiting: 1,
            failed: 0
        }
    );

    // Act
    let first = courier(&t, transport.clone()).deliver_due().await.unwrap();
    t.clock.advance(Duration::from_hours(1));
    let second = courier(&t, transport.clone()).deliver_due().await.unwrap();

    // Assert
    assert_eq!((first, second), (sent(1), sent(0)));
    assert_eq!(transport.sent().len(), 1);
    assert_eq!(
        t.auth.outbox_counts().await.unwrap(),
        OutboxCounts::default()
    );
}

#[tokio::test]
async fn a_failed_send_is_tried_again_after_a_wait_that_doubles() {
    // Arrange
    let t = test_auth().await;
    let transport = Arc::new(FakeTransport::failing(2));
    let courier = courier(&t, transport.clone());
    queue_mail(&t.auth, &a_mail("ada@example.com"), true).await;

    // Act + Assert: the first try fails, and nothing is tried for 30 s.
    assert_eq!(courier.deliver_due().await.unwrap().retrying, 1);
    t.clock.advance(Duration::from_secs(29));
    assert_eq!(courier.deliver_due().await.unwrap(), Delivered::default());
    t.clock.advance(Duration::from_secs(1));
    // The second fails too; the next wait is 60 s.
    assert_eq!(courier.deliver_due().await.unwrap().retrying, 1);
    t.clock.advance(Duration::from_secs(59));
    assert_eq!(courier.deliver_due().await.unwrap(), Delivered::default());
    t.clock.advance(Duration::from_secs(1));
    assert_eq!(courier.deliver_due().await.unwrap(), sent(1));
    assert_eq!(transport.sent().len(), 1);
}

#[tokio::test]
async fn a_message_is_failed_after_its_last_try_and_counted_as_failed() {
    // Arrange
    let t = test_auth().await;
    let transport = Arc::new(FakeTransport::failing(10));
    let courier = courier(&t, transport.clone());
    queue_mail(&t.auth, &a_mail("ada@example.com"), true).await;

    // Act: three tries, an hour apart (more than any wait).
    let mut rounds = Vec::new();
    for _ in 0..4 {
        rounds.push(courier.deliver_due().await.unwrap());
        t.clock.advance(Duration::from_hours(1));
    }

    // Assert
    let failed: usize = rounds.iter().map(|done| done.failed).sum();
    let retried: usize = rounds.iter().map(|done| done.retrying).sum();
    assert_eq!((retried, failed), (2, 1));
    assert!(transport.sent().is_empty());
    assert_eq!(
        t.auth.outbox_counts().await.unwrap(),
        OutboxCounts {
            waiting: 0,
            failed: 1
        }
    );
}

#[tokio::test]
async fn two_couriers_at_once_send_each_message_once() {
    // Arrange
    let t = test_auth().await;
    for n in 0..5 {
        queue_mail(&t.auth, &a_mail(&format!("user{n}@example.com")), true).await;
    }
    let transport = Arc::new(FakeTransport::default());
    let (one, two) = (
        courier(&t, transport.clone()),
        courier(&t, transport.clone()),
    );

    // Act
    let (first, second) = tokio::join!(one.deliver_due(), two.deliver_due());
    let (third, fourth) = tokio::join!(one.deliver_due(), two.deliver_due());

    // Assert
    let total: usize = [first, second, third, fourth]
        .into_iter()
        .map(|done| done.unwrap().sent)
        .sum();
    assert_eq!(total, 5);
    let mut to: Vec<_> = transport.sent().into_iter().map(|mail| mail.to).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 5, "each message sent once");
}

#[tokio::test]
async fn a_message_whose_courier_stopped_mid_send_goes_out_once_its_lease_ends() {
    // Arrange: a courier claims the message and never finishes (the
    // process died while sending).
    let t = test_auth().await;
    queue_mail(&t.auth, &a_mail("ada@example.com"), true).await;
    let entered = Arc::new(Notify::new());
    let hanging = courier(&t, Arc::new(FakeTransport::hanging(entered.clone())));
    let sending = tokio::spawn(async move { hanging.deliver_due().await });
    entered.notified().await;
    sending.abort();
    let transport = Arc::new(FakeTransport::default());
    let other = courier(&t, transport.clone());

    // Act + Assert: held while the lease runs, sent once it has ended.
    assert_eq!(other.deliver_due().await.unwrap(), Delivered::default());
    t.clock.advance(Duration::from_mins(2));
    assert_eq!(other.deliver_due().await.unwrap(), sent(1));
    assert_eq!(transport.sent().len(), 1);
}
