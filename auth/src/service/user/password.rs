//! The caller's password: change it, or confirm who they are again (the
//! password, or a second-factor code) before a sensitive action.

use api::{
    ApiError, NoticeKind, Password, PasswordChange, PasswordChanged, PasswordConfirmParams,
    PasswordConfirmed, RevokeReason, SecondFactorCode,
};
use serde_json::json;

use super::UserActions;
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::NewNotice;
use crate::passkey::ceremony::Purpose;
use crate::service::{BrowserSession, ClientMeta};
use crate::settings::millis;
use crate::store::{Whose, sessions, tokens, users};
use crate::{AuthError, describe_device, second_factor};

impl UserActions<'_> {
    /// Changes the caller's password after checking the current one, and
    /// ends every other session of theirs (and, when asked, revokes their
    /// API tokens), in one transaction.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn change_password(
        &self,
        session: &BrowserSession<'_>,
        change: PasswordChange,
        meta: &ClientMeta,
    ) -> Result<PasswordChanged, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        auth.0
            .sign_in_limits
            .check_attempt(meta, Some(caller.me.email.as_str()))?;
        let current_session = session.id();
        change.new_password.check_new("new_password")?;
        if !self.is_own_password(change.current_password).await? {
            return Err(AuthError::WrongPassword);
        }
        let new_hash = auth.0.passwords.hash(change.new_password).await?;
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        users::set_password_hash(&mut tx, &caller.me.user_id, &new_hash, None).await?;
        let ended = sessions::revoke_live(
            &mut tx,
            Whose::User(&caller.me.user_id),
            Some(current_session),
            RevokeReason::PasswordChanged,
            now,
        )
        .await?;
        let notice = NewNotice {
            kind: NoticeKind::PasswordChanged,
            origin: Some(current_session),
            detail: Some(describe_device(meta.user_agent.as_deref())),
        };
        auth.tell(&mut tx, &caller.me.user_id, notice, now).await?;
        let revoked_tokens = if change.revoke_api_tokens {
            tokens::revoke_usable(&mut tx, Whose::User(&caller.me.user_id), None, now).await?
        } else {
            Vec::new()
        };
        tx.commit().await?;
        let changed = PasswordChanged {
            other_sessions_ended: ended.len(),
            api_tokens_revoked: revoked_tokens.len(),
        };
        auth.close_tokens(&revoked_tokens);
        let event = AuditEvent::new(AuditKind::PasswordChanged, now, meta)
            .by(&caller.me.account_id, &caller.me.user_id)
            .target(caller.me.user_id.as_str())
            .detail(json!({
                "sessions_ended": changed.other_sessions_ended,
                "api_tokens_revoked": changed.api_tokens_revoked,
            }));
        auth.after_revoke(&ended, RevokeReason::PasswordChanged, event)
            .await;
        Ok(changed)
    }

    /// Checks the caller again, for the sensitive actions that follow in
    /// this session during the re-authentication window: their password,
    /// or a code from their authenticator app or a recovery code (used up).
    /// A wrong one is audited like a failed sign-in and counts toward the
    /// sign-in limits.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn confirm_password(
        &self,
        session: &BrowserSession<'_>,
        params: PasswordConfirmParams,
        meta: &ClientMeta,
    ) -> Result<PasswordConfirmed, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        auth.0
            .sign_in_limits
            .check_attempt(meta, Some(caller.me.email.as_str()))?;
        let session_id = session.id();
        let now = auth.now();
        let by = |kind| {
            AuditEvent::new(kind, now, meta)
                .by(&caller.me.account_id, &caller.me.user_id)
                .target(session_id.as_str())
        };
        let mut conn = match (params.password, params.code, params.passkey) {
            (Some(password), None, None) => {
                auth.0.hashing_limits.check(&caller.me)?;
                if !self.is_own_password(password).await? {
                    auth.0
                        .audit
                        .record(by(AuditKind::PasswordConfirmFailed))
                        .await;
                    return Err(AuthError::Rejected(ApiError {
                        field: Some("password".into()),
                        ..ApiError::invalid_params("That password is not correct.")
                    }));
                }
                auth.0.db.begin_write().await?
            }
            (None, Some(code), None) => {
                let code = SecondFactorCode::parse(&code)?;
                let mut tx = auth.0.db.begin_write().await?;
                if !second_factor::accept(&mut tx, &caller.me.user_id, &code, now).await? {
                    drop(tx);
                    auth.0
                        .audit
                        .record(by(AuditKind::PasswordConfirmFailed))
                        .await;
                    auth.tell_if_code_reused(&caller.me.user_id, &code).await?;
                    return Err(AuthError::WrongCode);
                }
                tx
            }
            (None, None, Some(answer)) => {
                let user_id = &caller.me.user_id;
                let state = auth
                    .take_ceremony(&answer, Purpose::Confirm, Some(user_id))
                    .await?;
                let mut tx = auth.0.db.begin_write().await?;
                let checked = auth.check_passkey(&mut tx, user_id, &answer, &state).await;
                if let Err(err) = checked {
                    drop(tx);
                    if matches!(err, AuthError::PasskeyRefused(_)) {
                        auth.0
                            .audit
                            .record(by(AuditKind::PasswordConfirmFailed))
                            .await;
                    }
                    return Err(err);
                }
                tx
            }
            _ => {
                return Err(AuthError::Rejected(ApiError::invalid_params(
                    "Send one of: your password, a code from your authenticator app, or a \
                     passkey's answer.",
                )));
            }
        };
        sessions::set_password_entered(&mut conn, session_id, now).await?;
        conn.commit().await?;
        auth.0.audit.record(by(AuditKind::PasswordConfirmed)).await;
        Ok(PasswordConfirmed {
            until: now.plus_millis(millis(auth.0.settings.reauth_window)),
        })
    }

    /// Whether `password` is the caller's current one (the password change
    /// and the confirmation before a sensitive action both ask).
    pub(in crate::service) async fn is_own_password(
        &self,
        password: Password,
    ) -> Result<bool, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let user = users::find_by_id(auth.0.db.reader(), &caller.me.user_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        auth.0
            .passwords
            .verify(password, Some(&user.password_hash))
            .await
    }
}
