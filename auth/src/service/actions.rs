//! The account actions: what a signed-in user (or script) does with their
//! own sessions and API tokens, and what the owner does for the account.
//! JSON-RPC, the server functions and the UI all call these.

use api::{
    ActiveUser, Count, CreatedToken, CredentialKind, DisplayName, NoticeKind, PolicyView,
    RevokeReason, RevokeScope, Revoked, SecurityOverview, SessionId, SessionInfo,
    SessionRevokeAllParams, SessionRevokeParams, SessionsRevokeParams, TOKEN_MAX_DAYS, Timestamp,
    TokenCreateParams, TokenId, TokenInfo, TokenRevokeParams, UserId, Verified,
};
use serde_json::json;

use super::{Auth, Caller, ClientMeta, Credential, OwnerActions};
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::{self, NewNotice};
use crate::secret::{ApiTokenSecret, random_bytes};
use crate::sessions::{self, Deadlines};
use crate::tokens::{self, NewToken};
use crate::{AuthError, describe_device};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl Auth {
    /// `account_verify`: who is calling, and with what.
    pub fn verify(&self, caller: &Caller) -> Verified {
        let mut verified = Verified {
            me: caller.me.clone(),
            credential: CredentialKind::Session,
            session_id: None,
            idle_ends_at: None,
            absolute_ends_at: None,
            token_id: None,
        };
        match &caller.credential {
            Credential::Session {
                session_id,
                deadlines,
                ..
            } => {
                verified.session_id = Some(session_id.clone());
                verified.idle_ends_at = Some(deadlines.idle_ends_at);
                verified.absolute_ends_at = Some(deadlines.absolute_ends_at);
            }
            Credential::ApiToken { token_id } => {
                verified.credential = CredentialKind::ApiToken;
                verified.token_id = Some(token_id.clone());
            }
        }
        verified
    }

    /// `account_session_list`: the caller's live sessions, newest first.
    pub async fn list_sessions(&self, caller: &Caller) -> Result<Vec<SessionInfo>, AuthError> {
        let rows = sessions::list_live(self.0.db.reader(), &caller.me.user_id, self.now()).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let session_id = SessionId::parse(&row.session_id).ok()?;
                let deadlines = Deadlines {
                    idle_ends_at: Timestamp::from_millis(
                        row.last_seen_at.saturating_add(row.idle_timeout_ms),
                    ),
                    absolute_ends_at: Timestamp::from_millis(
                        row.created_at.saturating_add(row.absolute_timeout_ms),
                    ),
                };
                Some(SessionInfo {
                    current: caller.session_id() == Some(&session_id),
                    session_id,
                    device: describe_device(row.user_agent.as_deref()),
                    ip: row.ip,
                    signed_in_at: Timestamp::from_millis(row.created_at),
                    last_active_at: Timestamp::from_millis(row.last_seen_at),
                    idle_ends_at: deadlines.idle_ends_at,
                    absolute_ends_at: deadlines.absolute_ends_at,
                })
            })
            .collect())
    }

    /// `account_session_revoke`: ends one of the caller's sessions. Another
    /// user's session id answers `false`, exactly like a made-up one.
    pub async fn revoke_session(
        &self,
        caller: &Caller,
        params: SessionRevokeParams,
        meta: &ClientMeta,
    ) -> Result<Revoked, AuthError> {
        let now = self.now();
        let mut conn = self.0.db.acquire_write().await?;
        let revoked = sessions::revoke_own(
            &mut conn,
            &params.session_id,
            &caller.me.user_id,
            RevokeReason::Revoked,
            now,
        )
        .await?;
        drop(conn);
        if revoked {
            let event = revoke_event(caller, now, meta, RevokeReason::Revoked, 1)
                .target(params.session_id.as_str());
            self.after_revoke(
                std::slice::from_ref(&params.session_id),
                RevokeReason::Revoked,
                event,
            )
            .await;
        }
        Ok(Revoked { revoked })
    }

    /// `account_session_revoke_all`: ends all the caller's sessions, or all
    /// but the one making the request.
    pub async fn revoke_all_sessions(
        &self,
        caller: &Caller,
        params: SessionRevokeAllParams,
        meta: &ClientMeta,
    ) -> Result<Count, AuthError> {
        let keep = if params.except_current {
            caller.session_id()
        } else {
            None
        };
        let now = self.now();
        let mut tx = self.0.db.begin_write().await?;
        let ended = sessions::revoke_all_of_user(
            &mut tx,
            &caller.me.user_id,
            keep,
            RevokeReason::Revoked,
            now,
        )
        .await?;
        tx.commit().await?;
        let event = revoke_event(caller, now, meta, RevokeReason::Revoked, ended.len())
            .target(caller.me.user_id.as_str());
        self.after_revoke(&ended, RevokeReason::Revoked, event)
            .await;
        Ok(Count {
            count: ended.len() as u64,
        })
    }

    /// `account_token_create`: a new API token, shown once. Needs a browser
    /// session, so a leaked token cannot mint more. Past the cap, the oldest
    /// token is revoked in the same transaction.
    pub async fn create_token(
        &self,
        caller: &Caller,
        params: TokenCreateParams,
        meta: &ClientMeta,
    ) -> Result<CreatedToken, AuthError> {
        caller.require_session()?;
        self.require_recent_password(caller).await?;
        let name = DisplayName::parse(&params.name, "name")?;
        let now = self.now();
        let expires_at = match params.expires_in_days {
            None => None,
            Some(days @ 1..=TOKEN_MAX_DAYS) => Some(now.plus_millis(i64::from(days) * DAY_MS)),
            Some(_) => {
                return Err(api::InputError {
                    field: "expires_in_days",
                    message: format!("Choose 1 to {TOKEN_MAX_DAYS} days, or no expiry."),
                }
                .into());
            }
        };
        let secret = ApiTokenSecret::generate()?;
        let id = TokenId::from_random_bytes(random_bytes()?);
        let mut tx = self.0.db.begin_write().await?;
        // Concurrent creations queue here, so they cannot pass the cap together.
        crate::users::lock(&mut tx, &caller.me.user_id).await?;
        let new = NewToken {
            id: &id,
            user_id: &caller.me.user_id,
            name: name.as_str(),
            hash: &secret.hash(),
            expires_at,
        };
        tokens::insert(&mut tx, &new, now).await?;
        let notice = NewNotice {
            kind: NoticeKind::TokenCreated,
            origin: caller.session_id(),
            detail: Some(name.as_str().to_owned()),
        };
        notices::insert(&mut tx, &caller.me.user_id, notice, now).await?;
        let evicted = tokens::enforce_cap(
            &mut tx,
            &caller.me.user_id,
            self.0.settings.max_tokens_per_user,
            now,
        )
        .await?;
        tx.commit().await?;
        self.0
            .audit
            .record(
                AuditEvent::new(AuditKind::TokenCreated, now, meta)
                    .by(&caller.me.account_id, &caller.me.user_id)
                    .target(id.as_str())
                    .detail(json!({"name": name.as_str(), "evicted": evicted.len()})),
            )
            .await;
        if !evicted.is_empty() {
            let event = token_revoke_event(caller, now, meta, &evicted, "token_cap");
            self.after_token_revoke(&evicted, event).await;
        }
        Ok(CreatedToken {
            id,
            name: name.as_str().to_owned(),
            token: secret.expose().to_owned(),
            created_at: now,
            expires_at,
        })
    }

    /// `account_token_list`: the caller's usable tokens, never their secrets.
    pub async fn list_tokens(&self, caller: &Caller) -> Result<Vec<TokenInfo>, AuthError> {
        let mut conn = self.0.db.reader().acquire().await?;
        tokens::list_live(&mut conn, &caller.me.user_id, self.now()).await
    }

    /// `account_token_revoke`: another user's token id answers `false`,
    /// exactly like a made-up one.
    pub async fn revoke_token(
        &self,
        caller: &Caller,
        params: TokenRevokeParams,
        meta: &ClientMeta,
    ) -> Result<Revoked, AuthError> {
        let now = self.now();
        let mut conn = self.0.db.acquire_write().await?;
        let revoked = tokens::revoke(&mut conn, &params.token_id, &caller.me.user_id, now).await?;
        drop(conn);
        if revoked {
            let ids = std::slice::from_ref(&params.token_id);
            let event = token_revoke_event(caller, now, meta, ids, "revoked");
            self.after_token_revoke(ids, event).await;
        }
        Ok(Revoked { revoked })
    }
}

impl OwnerActions<'_> {
    /// `account_security_get`: the policy and who is signed in.
    pub async fn security_overview(&self) -> Result<SecurityOverview, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let policy = auth.account_policy(&caller.me.account_id).await?;
        let rows =
            sessions::active_users(auth.0.db.reader(), &caller.me.account_id, auth.now()).await?;
        let active_users = rows
            .into_iter()
            .filter_map(|row| {
                let user_id = UserId::parse(&row.id).ok()?;
                Some(ActiveUser {
                    you: user_id == caller.me.user_id,
                    user_id,
                    name: row.name,
                    email: row.email,
                    last_active_at: Timestamp::from_millis(row.last_active_at),
                })
            })
            .collect();
        Ok(SecurityOverview {
            policy: PolicyView::from(&policy),
            active_users,
        })
    }

    /// `account_sessions_revoke`: signs out everyone in the account
    /// but the caller's current session (`others`), or everyone (`all`).
    pub async fn revoke_account_sessions(
        &self,
        params: SessionsRevokeParams,
        meta: &ClientMeta,
    ) -> Result<Count, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        auth.require_recent_password(caller).await?;
        let keep = match params.scope {
            RevokeScope::Others => caller.session_id(),
            RevokeScope::All => None,
        };
        let now = auth.now();
        let reason = RevokeReason::SignedOutByOwner;
        let mut tx = auth.0.db.begin_write().await?;
        let ended =
            sessions::revoke_all_in_account(&mut tx, &caller.me.account_id, keep, reason, now)
                .await?;
        tx.commit().await?;
        let event = revoke_event(caller, now, meta, reason, ended.len())
            .target(caller.me.account_id.as_str());
        auth.after_revoke(&ended, reason, event).await;
        Ok(Count {
            count: ended.len() as u64,
        })
    }
}

fn revoke_event(
    caller: &Caller,
    now: Timestamp,
    meta: &ClientMeta,
    reason: RevokeReason,
    count: usize,
) -> AuditEvent {
    AuditEvent::new(AuditKind::SessionsRevoked, now, meta)
        .by(&caller.me.account_id, &caller.me.user_id)
        .detail(json!({"reason": reason, "count": count}))
}

fn token_revoke_event(
    caller: &Caller,
    now: Timestamp,
    meta: &ClientMeta,
    ids: &[TokenId],
    reason: &str,
) -> AuditEvent {
    let ids: Vec<&str> = ids.iter().map(TokenId::as_str).collect();
    AuditEvent::new(AuditKind::TokensRevoked, now, meta)
        .by(&caller.me.account_id, &caller.me.user_id)
        .detail(json!({"reason": reason, "count": ids.len(), "token_ids": ids}))
}
