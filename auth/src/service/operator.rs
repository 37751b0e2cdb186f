//! What the server's operator does from the command line (`latchkey users
//! …`, `latchkey sessions …`): the way back in when an account's only
//! owner is locked out, and the big switch when credentials may have
//! leaked. Nobody signed in acts, so the audit log names the operator
//! (no actor) and the user acted on.

use api::{EmailAddress, LiveEvent, Me, NoticeKind, Password, RevokeReason, Role, Timestamp};
use serde_json::json;

use super::{Auth, ClientMeta};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::live::LiveChange;
use crate::notices::NewNotice;
use crate::secret::random_bytes;
use crate::store::{Whose, members, sessions, tokens, users};
use crate::{passkey, second_factor};

/// A user as `latchkey users list` shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedUser {
    pub me: Me,
    pub live_sessions: u64,
}

/// A password the operator set, and everything of the user's it ended.
#[derive(Debug)]
pub struct PasswordReset {
    pub user: Me,
    /// Shown once; signing in with it, the user must choose their own.
    pub password: Password,
    pub sessions_ended: usize,
    pub api_tokens_revoked: usize,
    /// Whether the user had an authenticator app set up (it is removed).
    pub app_removed: bool,
    /// The app's recovery codes that were still unused (removed with it).
    pub recovery_codes_removed: usize,
    pub passkeys_removed: usize,
}

impl PasswordReset {
    /// What ended, in words, for the user's notice: "2 sessions, your
    /// authenticator app and its 10 recovery codes, 1 passkey".
    fn ended_in_words(&self) -> String {
        let counted = |count: usize, one: &str, many: &str| match count {
            0 => None,
            1 => Some(format!("1 {one}")),
            count => Some(format!("{count} {many}")),
        };
        let app = match (self.app_removed, self.recovery_codes_removed) {
            (false, _) => None,
            (true, 0) => Some("your authenticator app".to_owned()),
            (true, codes) => counted(codes, "recovery code", "recovery codes")
                .map(|codes| format!("your authenticator app and its {codes}")),
        };
        let ended: Vec<String> = [
            counted(self.sessions_ended, "session", "sessions"),
            counted(self.api_tokens_revoked, "API token", "API tokens"),
            app,
            counted(self.passkeys_removed, "passkey", "passkeys"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if ended.is_empty() {
            "there was nothing else".to_owned()
        } else {
            ended.join(", ")
        }
    }
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
        let rows = members::list_all(self.auth.0.db.reader(), self.auth.now()).await?;
        Ok(rows
            .into_iter()
            .map(|row| ListedUser {
                me: row.me,
                live_sessions: row.live_sessions,
            })
            .collect())
    }

    /// The way back in after an account was taken over: gives the user a
    /// new random password, shown once, which they must replace with their
    /// own when they sign in with it; and, in the same transaction, ends
    /// everything that signed in as them: every session and API token
    /// (their live connections close), their authenticator app with its
    /// recovery codes, and their passkeys. The user is told, and it is
    /// audited as one password change with what ended.
    pub async fn reset_password(&self, email: &EmailAddress) -> Result<PasswordReset, AuthError> {
        let auth = self.auth;
        let user = self.user(email).await?;
        let password = Password::new(hex::encode(random_bytes::<12>()?));
        let hash = auth.0.passwords.hash(password.clone()).await?;
        let now = auth.now();
        let reason = RevokeReason::PasswordChanged;
        let user_id = &user.user_id;
        let mut tx = auth.0.db.begin_write().await?;
        users::set_password_hash(&mut tx, user_id, &hash, Some(now)).await?;
        let ended = sessions::revoke_live(&mut tx, Whose::User(user_id), None, reason, now).await?;
        let revoked_tokens =
            tokens::revoke_usable(&mut tx, Whose::User(user_id), None, now).await?;
        let app_removed = second_factor::app_since(&mut tx, user_id).await?.is_some();
        let recovery_codes_removed = second_factor::recovery_codes_left(&mut tx, user_id).await?;
        second_factor::remove(&mut tx, user_id).await?;
        let removed = passkey::stored::remove_all(&mut tx, user_id).await?;
        let passkeys_removed = usize::try_from(removed).unwrap_or(usize::MAX);
        let reset = PasswordReset {
            sessions_ended: ended.len(),
            api_tokens_revoked: revoked_tokens.len(),
            app_removed,
            recovery_codes_removed,
            passkeys_removed,
            user,
            password,
        };
        let notice = NewNotice {
            kind: NoticeKind::AccountRecovered,
            origin: None,
            detail: Some(reset.ended_in_words()),
        };
        self.auth
            .tell(&mut tx, &reset.user.user_id, notice, now)
            .await?;
        tx.commit().await?;
        auth.close_tokens(&revoked_tokens);
        let event = operator_event(AuditKind::PasswordChanged, now, &reset.user).detail(json!({
            "by": "operator",
            "must_change_at_sign_in": true,
            "sessions_ended": reset.sessions_ended,
            "api_tokens_revoked": reset.api_tokens_revoked,
            "authenticator_app_removed": reset.app_removed,
            "recovery_codes_removed": reset.recovery_codes_removed,
            "passkeys_removed": reset.passkeys_removed,
        }));
        auth.after_revoke(&ended, reason, event).await;
        Ok(reset)
    }

    /// Makes the user their account's only owner (the way back in when
    /// the owners are locked out); its owners until now become members.
    pub async fn make_owner(&self, email: &EmailAddress) -> Result<Me, AuthError> {
        let auth = self.auth;
        let mut user = self.user(email).await?;
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        let demoted = members::make_owner(&mut tx, &user.account_id, &user.user_id).await?;
        tx.commit().await?;
        // Their open pages and sockets were opened for the old roles.
        for changed in demoted.iter().chain([&user.user_id]) {
            auth.0.live.apply(LiveChange::ToUser {
                user_id: changed.clone(),
                event: LiveEvent::RoleChanged,
            });
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
            .map(|user| user.me)
            .ok_or(AuthError::NoSuchUser)
    }
}

/// An event the operator caused, in `user`'s account; no actor.
fn operator_event(kind: AuditKind, now: Timestamp, user: &Me) -> AuditEvent {
    let mut event =
        AuditEvent::new(kind, now, &ClientMeta::default()).target(user.user_id.as_str());
    event.account_id = Some(user.account_id.clone());
    event
}
