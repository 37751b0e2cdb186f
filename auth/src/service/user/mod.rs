//! What a signed-in user (or script) does with their own account: see and
//! end their sessions, manage their API tokens and password, read their
//! security notices. The gate ([`super::Admitted::user`]) binds the
//! caller once; every action acts on that caller's account and nobody
//! else's.

mod log;
mod passkeys;
mod password;
mod second_factor;
mod security_mail;
mod sessions;
mod tokens;

pub(crate) use passkeys::ceremony_ended;

use api::{CredentialKind, NoticeId, PolicyView, SecurityNotice, Verified};

use super::{Auth, BrowserSession, Caller, Credential};
use crate::AuthError;
use crate::notices;

/// The actions of one signed-in caller on their own account.
pub struct UserActions<'a> {
    pub(in crate::service) auth: &'a Auth,
    pub(in crate::service) caller: &'a Caller,
}

impl UserActions<'_> {
    /// `account_verify`: who is calling, and with what.
    pub fn verify(&self) -> Verified {
        let caller = self.caller;
        let mut verified = Verified {
            me: caller.me.clone(),
            credential: CredentialKind::Session,
            session_id: None,
            idle_ends_at: None,
            absolute_ends_at: None,
            signed_in_with: None,
            device_bound: None,
            token_id: None,
            token_scope: None,
        };
        match &caller.credential {
            Credential::Session {
                session_id,
                deadlines,
                method,
                device_bound,
                ..
            } => {
                verified.session_id = Some(session_id.clone());
                verified.signed_in_with = Some(*method);
                verified.device_bound = Some(*device_bound);
                verified.idle_ends_at = Some(deadlines.idle_ends_at);
                verified.absolute_ends_at = Some(deadlines.absolute_ends_at);
            }
            Credential::ApiToken { token_id, scope } => {
                verified.credential = CredentialKind::ApiToken;
                verified.token_id = Some(token_id.clone());
                verified.token_scope = Some(scope.clone());
            }
        }
        verified
    }

    /// `account_policy_get`: the account's session policy. Reads only.
    pub async fn policy(&self) -> Result<PolicyView, AuthError> {
        let policy = self.auth.account_policy(&self.caller.me.account_id).await?;
        Ok(PolicyView::from(&policy))
    }

    /// `account_notice_list`: the caller's unseen security notices, for
    /// the person at this browser. Reads only.
    pub async fn security_notices(
        &self,
        session: &BrowserSession<'_>,
    ) -> Result<Vec<SecurityNotice>, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        notices::unseen(auth.0.db.reader(), &caller.me.user_id, Some(session.id())).await
    }

    /// `account_notice_acknowledge`: the person at this browser has been
    /// shown these notices; they are not shown again. Returns how many were
    /// still unseen.
    pub async fn acknowledge_security_notices(
        &self,
        session: &BrowserSession<'_>,
        ids: &[NoticeId],
    ) -> Result<u64, AuthError> {
        // A page shows a handful; more than this is not a page.
        const MOST_AT_ONCE: usize = 100;
        let (auth, caller) = (self.auth, self.caller);
        let ids = &ids[..ids.len().min(MOST_AT_ONCE)];
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = auth.0.db.begin_write().await?;
        let seen = notices::mark_seen(
            &mut tx,
            &caller.me.user_id,
            Some(session.id()),
            ids,
            auth.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(seen)
    }
}
