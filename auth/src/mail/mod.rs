//! Mail: what the domain sends (`message`), the outbox it is written to in
//! the same transaction as the change that causes it (`crate::store::outbox`),
//! and the worker that sends it through a transport (`courier`). Nothing
//! here speaks SMTP: the server gives the courier a [`MailTransport`].

mod courier;
mod message;
mod notice;
mod public_url;
mod verification;

pub use courier::{Courier, CourierSettings, Delivered, MailTransport, SendError};
pub(crate) use message::{InvitationMail, invitation, password_reset};
pub use message::{MailKind, OutgoingMail};
pub(crate) use notice::{NoticeMail, security_notice};
pub use public_url::PublicUrl;
pub use verification::VERIFY_SUBJECT;
pub(crate) use verification::{VerificationMail, email_verification};

/// How many messages wait to be sent, and how many failed for good.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub waiting: u64,
    pub failed: u64,
}

impl crate::Auth {
    /// The outbox as `/readyz` and the metrics report it.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts, crate::AuthError> {
        crate::store::outbox::counts(self.db().reader()).await
    }
}
