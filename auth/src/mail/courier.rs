//! The worker that empties the outbox: it claims due messages with a
//! lease (so another instance leaves them alone), sends each through the
//! transport it was given, and marks it sent; a failed try waits longer
//! each time (exponential backoff), and after the last one the message is
//! failed. Requests never wait for it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use super::OutgoingMail;
use crate::service::Auth;
use crate::store::{outbox, password_resets};
use crate::{AuthError, settings::millis};

/// Why a message did not go out this time.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

/// How mail leaves: SMTP, a folder of files, or a test's fake.
pub trait MailTransport: Send + Sync + 'static {
    fn send<'a>(
        &'a self,
        mail: &'a OutgoingMail,
    ) -> Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;
}

/// The courier's knobs.
#[derive(Clone, Debug)]
pub struct CourierSettings {
    /// Tries before a message is failed for good.
    pub max_attempts: i64,
    /// The wait after the first failed try; it doubles after each.
    pub first_retry: Duration,
    /// The longest wait between tries.
    pub max_retry: Duration,
    /// How long a claimed message is left to its worker: longer than a
    /// send may take, so it is never claimed twice while on its way.
    pub lease: Duration,
    /// Messages claimed at once.
    pub batch: i64,
    /// How often the outbox is looked at.
    pub poll_interval: Duration,
}

impl Default for CourierSettings {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_hours(1),
            lease: Duration::from_mins(5),
            batch: 10,
            poll_interval: Duration::from_secs(1),
        }
    }
}

impl CourierSettings {
    /// The wait after the `attempts`-th failed try.
    pub fn backoff(&self, attempts: i64) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.first_retry
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_retry)
    }
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Sends the outbox's mail through a transport.
#[derive(Clone)]
pub struct Courier {
    auth: Auth,
    transport: Arc<dyn MailTransport>,
    settings: CourierSettings,
}

impl Courier {
    pub fn new(auth: Auth, transport: Arc<dyn MailTransport>, settings: CourierSettings) -> Self {
        Self {
            auth,
            transport,
            settings,
        }
    }

    /// One round: turns the asks for a new password's link into mail, then
    /// claims what is due, sends it, and records how each went.
    pub async fn deliver_due(&self) -> Result<Delivered, AuthError> {
        let db = self.auth.db();
        if password_resets::any_asks(db.reader()).await? {
            self.auth.answer_reset_asks(self.settings.batch).await?;
        }
        let now = self.auth.now();
        if !outbox::any_due(db.reader(), now).await? {
            return Ok(Delivered::default());
        }
        let lease_until = now.plus(self.settings.lease);
        let mut tx = db.begin_write().await?;
        let claimed =
            outbox::claim(&mut tx, db.backend(), now, lease_until, self.settings.batch).await?;
        tx.commit().await?;
        let mut done = Delivered::default();
        for message in claimed {
            let kind = message.mail.kind.as_str();
            let sent = self.transport.send(&message.mail).await;
            let now = self.auth.now();
            let mut tx = db.begin_write().await?;
            match sent {
                Ok(()) => {
                    outbox::mark_sent(&mut tx, message.id, now).await?;
                    metrics::counter!("latchkey_mail_sent_total", "kind" => kind).increment(1);
                    tracing::info!(id = message.id, kind, "mail sent");
                    done.sent += 1;
                }
                Err(err) if message.attempts >= self.settings.max_attempts => {
                    outbox::mark_failed(&mut tx, message.id, now, &err.0).await?;
                    metrics::counter!("latchkey_mail_failed_total", "kind" => kind).increment(1);
                    tracing::error!(id = message.id, kind, attempts = message.attempts, error = %err, "mail failed for good");
                    done.failed += 1;
                }
                Err(err) => {
                    let wait = self.settings.backoff(message.attempts);
                    let due = now.plus_millis(millis(wait));
                    outbox::retry_at(&mut tx, message.id, due, &err.0).await?;
                    tracing::warn!(id = message.id, kind, attempts = message.attempts, retry_in = ?wait, error = %err, "mail not sent; trying again later");
                    done.retrying += 1;
                }
            }
            tx.commit().await?;
        }
        Ok(done)
    }

    /// Delivers until the task is aborted, looking at the outbox every
    /// poll interval, or at once after a round that found work.
    pub async fn run(self) {
        loop {
            let busy = match self.deliver_due().await {
                Ok(done) => done.sent + done.retrying + done.failed > 0,
                Err(err) => {
                    tracing::warn!(error = %err, "could not read the mail outbox");
                    false
                }
            };
            if !busy {
                tokio::time::sleep(self.settings.poll_interval).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_between_tries_doubles_up_to_its_most() {
        let settings = CourierSettings {
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_mins(5),
            ..CourierSettings::default()
        };
        assert_eq!(settings.backoff(1), Duration::from_secs(30));
        assert_eq!(settings.backoff(2), Duration::from_mins(1));
        assert_eq!(settings.backoff(3), Duration::from_mins(2));
        assert_eq!(settings.backoff(5), Duration::from_mins(5));
        assert_eq!(settings.backoff(60), Duration::from_mins(5));
    }
}
