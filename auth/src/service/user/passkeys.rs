//! The caller's passkeys: register one (two requests: the options for the
//! browser, then its answer), list them, remove one, and start confirming
//! it is you with one before a sensitive action.

use api::{
    ApiError, ErrorCode, MAX_PASSKEYS_PER_USER, NoticeKind, PasskeyCeremony, PasskeyId,
    PasskeyInfo, PasskeyName, PasskeyRegisterParams, PasskeyRemoveParams, Revoked, messages,
};
use serde_json::json;

use super::UserActions;
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::NewNotice;
use crate::passkey::ceremony::{self, Purpose};
use crate::passkey::stored::{self, NewPasskey};
use crate::secret::{ChallengeToken, random_bytes};
use crate::service::{BrowserSession, ClientMeta, Fresh};
use crate::store::{accounts, users};
use crate::{AuthError, second_factor};

impl UserActions<'_> {
    /// `account_passkey_list`: the caller's passkeys, oldest first.
    pub async fn list_passkeys(&self) -> Result<Vec<PasskeyInfo>, AuthError> {
        let mut conn = self.auth.0.db.reader().acquire().await?;
        let passkeys = stored::of_user(&mut conn, &self.caller.me.user_id).await?;
        Ok(passkeys.into_iter().map(|passkey| passkey.info).collect())
    }

    /// `account_passkey_register_start`: the options for the browser to
    /// make a new passkey with (none it has already). Needs a browser
    /// session confirmed recently.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn start_passkey_registration(
        &self,
        _fresh: &Fresh<'_>,
    ) -> Result<PasskeyCeremony, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let me = &caller.me;
        let mut tx = auth.0.db.begin_write().await?;
        let existing = stored::of_user(&mut tx, &me.user_id).await?;
        if existing.len() >= MAX_PASSKEYS_PER_USER {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "You have {MAX_PASSKEYS_PER_USER} passkeys, the most there can be. \
                     Remove one first."
                ),
            )));
        }
        let keys: Vec<_> = existing.into_iter().map(|stored| stored.passkey).collect();
        let started = auth.0.settings.relying_party.start_registration(
            &me.user_id,
            (&me.email, &me.name),
            &keys,
        )?;
        let token = ChallengeToken::generate()?;
        let named = (&token.hash(), Purpose::Register);
        ceremony::insert(
            &mut tx,
            named,
            Some(&me.user_id),
            &started.state,
            auth.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(PasskeyCeremony {
            ceremony: token.expose().to_owned(),
            options: started.options,
        })
    }

    /// `account_passkey_register_finish`: the browser's answer to the
    /// ceremony, and the passkey's name. Once, within five minutes; the
    /// caller's other sessions are told.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn finish_passkey_registration(
        &self,
        fresh: &Fresh<'_>,
        params: PasskeyRegisterParams,
        meta: &ClientMeta,
    ) -> Result<PasskeyInfo, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let name = PasskeyName::parse(&params.name)?;
        let user_id = &caller.me.user_id;
        let state = auth
            .take_ceremony(&params.answer, Purpose::Register, Some(user_id))
            .await?;
        let now = auth.now();
        let passkey = auth
            .0
            .settings
            .relying_party
            .finish_registration(&params.answer.credential, &state)?;
        let id = PasskeyId::from_random_bytes(random_bytes()?);
        let mut tx = auth.0.db.begin_write().await?;
        let new = NewPasskey {
            id: &id,
            user_id,
            name: name.as_str(),
            passkey: &passkey,
        };
        if !stored::insert(&mut tx, &new, now).await? {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::Conflict,
                "This passkey is registered already.",
            )));
        }
        let added = format!("added: \"{}\"", name.as_str());
        self.tell_about_passkeys(&mut tx, fresh.session(), added)
            .await?;
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::PasskeyAdded, now, meta)
            .by(&caller.me.account_id, user_id)
            .target(id.as_str())
            .detail(json!({ "name": name.as_str() }));
        auth.0.audit.record(event).await;
        Ok(PasskeyInfo {
            passkey_id: id,
            name: name.as_str().to_owned(),
            created_at: now,
            last_used_at: None,
        })
    }

    /// `account_passkey_remove`: removes one of the caller's passkeys (a
    /// browser session confirmed recently); `false` for one that is not
    /// theirs. Refused for their last second factor while the account
    /// requires one.
    #[tracing::instrument(skip_all, fields(user_id = %self.caller.me.user_id))]
    pub async fn remove_passkey(
        &self,
        fresh: &Fresh<'_>,
        params: PasskeyRemoveParams,
        meta: &ClientMeta,
    ) -> Result<Revoked, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let user_id = &caller.me.user_id;
        let mut tx = auth.0.db.begin_write().await?;
        // As turning the app off does, so the two racing cannot leave no
        // factor where the account requires one.
        users::lock(&mut tx, user_id).await?;
        if !stored::remove(&mut tx, user_id, &params.passkey_id).await? {
            return Ok(Revoked { revoked: false });
        }
        let required = accounts::second_factor_required_since(&mut tx, &caller.me.account_id)
            .await?
            .is_some();
        if required && !second_factor::has_any(&mut tx, user_id).await? {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::Conflict,
                messages::SECOND_FACTOR_REQUIRED,
            )));
        }
        self.tell_about_passkeys(&mut tx, fresh.session(), "removed".to_owned())
            .await?;
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::PasskeyRemoved, auth.now(), meta)
            .by(&caller.me.account_id, user_id)
            .target(params.passkey_id.as_str());
        auth.0.audit.record(event).await;
        Ok(Revoked { revoked: true })
    }

    /// `account_passkey_confirm_start`: the options for the browser to
    /// confirm it is you with one of your passkeys; the answer goes to
    /// [`UserActions::confirm_password`].
    pub async fn start_passkey_confirmation(
        &self,
        _session: &BrowserSession<'_>,
    ) -> Result<PasskeyCeremony, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        auth.start_passkey_ceremony(&caller.me.user_id, Purpose::Confirm)
            .await
    }

    /// Tells the caller's other sessions what changed about their passkeys.
    async fn tell_about_passkeys(
        &self,
        conn: &mut sqlx::AnyConnection,
        session: &BrowserSession<'_>,
        what: String,
    ) -> Result<(), AuthError> {
        let notice = NewNotice {
            kind: NoticeKind::PasskeyChanged,
            origin: Some(session.id()),
            detail: Some(what),
        };
        self.auth
            .tell(conn, &self.caller.me.user_id, notice, self.auth.now())
            .await
    }
}

/// A ceremony that was answered already, took too long or never was.
pub(crate) fn ceremony_ended() -> AuthError {
    AuthError::Rejected(ApiError::new(
        ErrorCode::SignInExpired,
        "That passkey request has ended: it waited more than five minutes or was used. \
         Try again.",
    ))
}
