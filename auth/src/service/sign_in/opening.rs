//! The session a sign-in opens: only while the password is still the one
//! checked; a notice when it comes from a new device (its address, and the
//! place near it where a GeoIP database is set); the audit.

use api::{EmailAddress, NoticeKind, RevokeReason};
use serde_json::json;

use crate::audit::{AuditEvent, AuditKind};
use crate::notices::NewNotice;
use crate::service::session_start::Opened;
use crate::service::{Auth, NewSession};
use crate::store::sessions;
use crate::store::users::{self, StoredUser};
use crate::{AuthError, WriteTx, describe_device};

impl Auth {
    /// Opens the session of a sign-in inside `tx`, which may hold what the
    /// sign-in used up (a code), and commits. Fails like a wrong password
    /// when the user's password is no longer `checked_hash`.
    pub(in crate::service) async fn open_session(
        &self,
        mut tx: WriteTx,
        user: &StoredUser,
        checked_hash: &str,
        opened: Opened<'_>,
    ) -> Result<NewSession, AuthError> {
        let Opened { meta, method, now } = opened;
        // Until its browser binds it to the device (if it can).
        let timeouts = self.unbound_timeouts_for(user.policy_override, user.unbound);
        let me = user.me.clone();
        if !users::record_login(&mut tx, &me.user_id, checked_hash, now).await? {
            drop(tx);
            let email = EmailAddress::parse(&me.email).ok();
            return Err(self
                .failed_sign_in(email.as_ref(), Some(&me), meta, None)
                .await);
        }
        let user_id = me.user_id.clone();
        let known_devices = sessions::devices_of(&mut tx, &user_id).await?;
        let (session, evicted) = self.start_session(&mut tx, me, timeouts, opened).await?;
        let device = describe_device(meta.user_agent.as_deref());
        if !known_devices.is_empty() && !known_devices.contains(&device) {
            let from = meta
                .ip
                .as_deref()
                .map_or_else(String::new, |ip| self.where_from(ip));
            let notice = NewNotice {
                kind: NoticeKind::NewDevice,
                origin: Some(&session.signed_in.session_id),
                detail: Some(format!("{device}{from}")),
            };
            self.tell(&mut tx, &user_id, notice, now).await?;
        }
        tx.commit().await?;

        let me = &session.signed_in.me;
        if !evicted.is_empty() {
            let event = AuditEvent::new(AuditKind::SessionsRevoked, now, meta)
                .by(&me.account_id, &me.user_id)
                .target(me.user_id.as_str())
                .detail(json!({"reason": RevokeReason::SessionCap, "count": evicted.len()}));
            self.after_revoke(&evicted, RevokeReason::SessionCap, event)
                .await;
        }
        self.0
            .audit
            .record(
                AuditEvent::new(AuditKind::SignedIn, now, meta)
                    .by(&me.account_id, &me.user_id)
                    .target(session.signed_in.session_id.as_str())
                    .detail(json!({ "method": method })),
            )
            .await;
        Ok(session)
    }

    /// What a new device's notice says of where it signed in from, after
    /// the device: its address, and the place near it when the GeoIP
    /// database knows one (", 198.51.100.7 (near Lyon, France)").
    fn where_from(&self, ip: &str) -> String {
        let place = self
            .0
            .settings
            .places
            .as_ref()
            .and_then(|places| places.place_of(ip));
        match place {
            Some(place) => format!(", {ip} (near {place})"),
            None => format!(", {ip}"),
        }
    }
}
