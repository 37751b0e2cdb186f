//! Which kinds of security mail the caller gets. Each kind that may be
//! turned off ([`NoticeKind::may_turn_off_mail`]) can be; the mail that
//! protects the account is always sent. The notice in the page is told
//! whatever the choice (`notices::tell`).

use api::{ApiError, NoticeKind, SecurityMail, SecurityMailKind, SecurityMailSetParams};
use serde_json::json;

use super::UserActions;
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::service::{BrowserSession, ClientMeta};
use crate::store::security_mail;

impl UserActions<'_> {
    /// `account_security_mail_get`: every kind, on or off for the caller,
    /// and whether it may be turned off. Reads only.
    pub async fn security_mail(&self) -> Result<SecurityMail, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let mut conn = auth.0.db.reader().acquire().await?;
        let off = security_mail::turned_off(&mut conn, &caller.me.user_id).await?;
        Ok(SecurityMail {
            sends_mail: auth.0.settings.sends_mail,
            kinds: NoticeKind::ALL
                .into_iter()
                .map(|kind| SecurityMailKind::new(kind, off.contains(&kind)))
                .collect(),
        })
    }

    /// `account_security_mail_set`: turns one kind's mail on or off for
    /// the person at this browser. Turning off a kind that protects the
    /// account is refused (`invalid_params`, field `kind`); turning one on
    /// changes nothing. Idempotent.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn set_security_mail(
        &self,
        _session: &BrowserSession<'_>,
        params: SecurityMailSetParams,
        meta: &ClientMeta,
    ) -> Result<SecurityMailKind, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let SecurityMailSetParams { kind, on } = params;
        if !kind.may_turn_off_mail() {
            // On it is, and stays: only turning it off is refused.
            return if on {
                Ok(SecurityMailKind::new(kind, false))
            } else {
                Err(always_sent())
            };
        }
        let user_id = &caller.me.user_id;
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        if on {
            security_mail::turn_on(&mut tx, user_id, kind).await?;
        } else {
            security_mail::turn_off(&mut tx, user_id, kind, now).await?;
        }
        tx.commit().await?;
        let mail = if on { "on" } else { "off" };
        let event = AuditEvent::new(AuditKind::SecurityMailChanged, now, meta)
            .by(&caller.me.account_id, user_id)
            .target(user_id.as_str())
            .detail(json!({"notice": kind.as_str(), "mail": mail}));
        auth.0.audit.record(event).await;
        Ok(SecurityMailKind::new(kind, !on))
    }
}

fn always_sent() -> AuthError {
    AuthError::Rejected(
        ApiError::invalid_params(
            "This mail protects your account (someone else may be in it, or locking you out), \
             so it is always sent.",
        )
        .with_field("kind"),
    )
}
