//! A failed sign-in in the log: of the user's account when the user is
//! known, of no account's for an unknown email.

use api::{EmailAddress, Me};
use serde_json::json;

use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::service::{Auth, ClientMeta};

impl Auth {
    /// Records a failed sign-in; the error to answer with. A wrong password
    /// or code for a known user goes into their account's log, done to them
    /// (the account's owner and the user see it); an unknown email into no
    /// account's.
    pub(in crate::service) async fn failed_sign_in(
        &self,
        email: Option<&EmailAddress>,
        known: Option<&Me>,
        meta: &ClientMeta,
        second_factor: Option<&'static str>,
    ) -> AuthError {
        let mut event = AuditEvent::new(AuditKind::SignInFailed, self.now(), meta);
        match (known, email) {
            (Some(user), _) => {
                let mut detail = json!({ "email": user.email });
                if let Some(what) = second_factor {
                    detail["second_factor"] = json!(what);
                }
                event = event
                    .in_account(&user.account_id)
                    .target(user.user_id.as_str())
                    .detail(detail);
            }
            (None, Some(email)) => event = event.target(email.as_str()),
            (None, None) => {}
        }
        self.0.audit.record(event).await;
        AuthError::InvalidCredentials
    }
}
