//! What the server's operator does from the command line (`latchkey users
//! …`, `latchkey sessions …`): the way back in when an account's only
//! owner is locked out, and the big switch when credentials may have
//! leaked. Nobody signed in acts, so the audit log names the operator
//! (no actor) and the user acted on.

use api::{EmailAddress, LiveEvent, Me, NoticeKind, Password, RevokeReason, Role, Timestamp};
use serde_json::json;

use super::{Auth, ClientMeta};
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::{self, NewNotice};
use crate::secret::random_bytes;
use crate::sessions::Whose;
use crate::{AuthError, sessions, users};

/// A user as `latchkey users list` shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedUser {
    pub me: Me,
    pub live_sessions: u64,
}

/// A password the operator set, and what it ended.
#[derive(Debug)]
pub struct PasswordReset {
    pub user: Me,
    /// Shown once; the user should change it after signing in.
    pub password: Password,
    pub sessions_ended: usize,
}

/// Whose sessions `latchkey sessions revoke` ends.
#[derive(Clone, Debug)]
pub enum SessionsOf {
    User(EmailAddress),
    Everyone,
}

/// The operator's actions.
pub struct OperatorActions<'a> {
    auth: &'a Auth,
}

impl Auth {
    /// The operator's actions: only the command line offers them.
    pub fn as_operator(&self) -> OperatorActions<'_> {
        OperatorActions { auth: self }
    }
}

impl OperatorActions<'_> {
    /// Every user, by account and then email.
    pub async fn list_users(&self) -> Result<Vec<ListedUser>, AuthError> {
        let rows = users::list_all(self.auth.0.db.reader(), self.auth.now()).await?;
        rows.into_iter()
            .map(|row| {
                Ok(ListedUser {
                    me: row.user.me()?,
                    live_sessions: u64::try_from(row.live_sessions).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Gives the user a new random password, shown once, and ends every
    /// session of theirs (their live connections close).
    pub async fn reset_password(&self, email: &EmailAddress) -> Result<PasswordReset, AuthError> {
        let auth = self.auth;
        let user = self.user(email).await?;
        let password = Password::new(hex::encode(random_bytes::<12>()?));
        let hash = auth.0.passwords.hash(password.clone()).await?;
        let now = auth.now();
        let reason = RevokeReason::PasswordChanged;
        let mut tx = auth.0.db.begin_write().await?;
        users::set_password_hash(&mut tx, &user.user_id, &hash).await?;
        let ended =
            sessions::revoke_live(&mut tx, Whose::User(&user.user_id), None, reason, now).await?;
        let notice = NewNotice {
            kind: NoticeKind::PasswordChanged,
            origin: None,
            detail: Some("the server's operator".to_owned()),
        };
        notices::insert(&mut tx, &user.user_id, notice, now).await?;
        tx.commit().await?;
        let event = operator_event(AuditKind::PasswordChanged, now, &user)
            .detail(json!({"by": "operator", "sessions_ended": ended.len()}));
        auth.after_revoke(&ended, reason, event).await;
        Ok(PasswordReset {
            sessions_ended: ended.len(),
            user,
            password,
        })
    }

    /// Makes the user their account's only owner (the way back in when
    /// the owners are locked out); its owners until now become members.
    pub async fn make_owner(&self, email: &EmailAddress) -> Result<Me, AuthError> {
        let auth = self.auth;
        let mut user = self.user(email).await?;
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        let demoted = users::make_owner(&mut tx, &user.account_id, &user.user_id).await?;
        tx.commit().await?;
        // Their open pages and sockets were opened for the old roles.
        for changed in demoted.iter().chain([&user.user_id]) {
            auth.0.closer.notify_user(changed, &LiveEvent::RoleChanged);
        }
        user.role = Role::Owner;
        auth.0
            .audit
            .record(
                operator_event(AuditKind::OwnerChanged, now, &user)
                    .detail(json!({"by": "operator"})),
            )
            .await;
        Ok(user)
    }

    /// Ends the live sessions of one user or of everyone; returns how many.
    pub async fn revoke_sessions(&self, of: &SessionsOf) -> Result<usize, AuthError> {
        let auth = self.auth;
        let now = auth.now();
        let reason = RevokeReason::SignedOutByOperator;
        let user = match of {
            SessionsOf::User(email) => Some(self.user(email).await?),
            SessionsOf::Everyone => None,
        };
        let whose = user
            .as_ref()
            .map_or(Whose::Everyone, |user| Whose::User(&user.user_id));
        let mut tx = auth.0.db.begin_write().await?;
        let ended = sessions::revoke_live(&mut tx, whose, None, reason, now).await?;
        tx.commit().await?;
        let event = match &user {
            Some(user) => operator_event(AuditKind::SessionsRevoked, now, user),
            None => AuditEvent::new(AuditKind::SessionsRevoked, now, &ClientMeta::default())
                .target("everyone"),
        };
        let count = ended.len();
        let event = event.detail(json!({"reason": reason, "count": count, "by": "operator"}));
        auth.after_revoke(&ended, reason, event).await;
        Ok(count)
    }

    async fn user(&self, email: &EmailAddress) -> Result<Me, AuthError> {
        users::find_by_email(self.auth.0.db.reader(), email)
            .await?
            .ok_or(AuthError::NoSuchUser)?
            .user
            .me()
    }
}

/// An event the operator caused, in `user`'s account; no actor.
fn operator_event(kind: AuditKind, now: Timestamp, user: &Me) -> AuditEvent {
    let mut event =
        AuditEvent::new(kind, now, &ClientMeta::default()).target(user.user_id.as_str());
    event.account_id = Some(user.account_id.clone());
    event
}
