//! The caller's personal API tokens: create (shown once), list, revoke.

use api::{
    CreatedToken, DisplayName, NoticeKind, Revoked, TOKEN_MAX_DAYS, Timestamp, TokenCreateParams,
    TokenId, TokenInfo, TokenRevokeParams,
};
use serde_json::json;

use super::UserActions;
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::NewNotice;
use crate::secret::{ApiTokenSecret, random_bytes};
use crate::service::{Caller, ClientMeta, Fresh};
use crate::store::tokens::{self, NewToken};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl UserActions<'_> {
    /// `account_token_create`: a new API token, shown once. Needs a browser
    /// session confirmed recently, so a leaked token cannot mint more. Past
    /// the cap, the oldest token is revoked in the same transaction.
    pub async fn create_token(
        &self,
        fresh: &Fresh<'_>,
        params: TokenCreateParams,
        meta: &ClientMeta,
    ) -> Result<CreatedToken, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let name = DisplayName::parse(&params.name, "name")?;
        let scope = params.scope.normalized()?;
        let now = auth.now();
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
        let mut tx = auth.0.db.begin_write().await?;
        // Concurrent creations queue here, so they cannot pass the cap together.
        crate::store::users::lock(&mut tx, &caller.me.user_id).await?;
        let new = NewToken {
            id: &id,
            user_id: &caller.me.user_id,
            name: name.as_str(),
            hash: &secret.hash(),
            scope: &scope,
            expires_at,
        };
        tokens::insert(&mut tx, &new, now).await?;
        let notice = NewNotice {
            kind: NoticeKind::TokenCreated,
            origin: Some(fresh.session().id()),
            detail: Some(name.as_str().to_owned()),
        };
        auth.tell(&mut tx, &caller.me.user_id, notice, now).await?;
        let evicted = tokens::enforce_cap(
            &mut tx,
            &caller.me.user_id,
            auth.0.settings.max_tokens_per_user,
            now,
        )
        .await?;
        tx.commit().await?;
        auth.0
            .audit
            .record(
                AuditEvent::new(AuditKind::TokenCreated, now, meta)
                    .by(&caller.me.account_id, &caller.me.user_id)
                    .target(id.as_str())
                    .detail(json!({
                        "name": name.as_str(),
                        "scope": scope.label(),
                        "evicted": evicted.len(),
                    })),
            )
            .await;
        if !evicted.is_empty() {
            let event = token_revoke_event(caller, now, meta, &evicted, "token_cap");
            auth.after_token_revoke(&evicted, event).await;
        }
        Ok(CreatedToken {
            id,
            name: name.as_str().to_owned(),
            token: secret.expose().to_owned(),
            scope,
            created_at: now,
            expires_at,
        })
    }

    /// `account_token_list`: the caller's usable tokens, never their secrets.
    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let mut conn = auth.0.db.reader().acquire().await?;
        tokens::list_live(&mut conn, &caller.me.user_id, auth.now()).await
    }

    /// `account_token_revoke`: another user's token id answers `false`,
    /// exactly like a made-up one.
    pub async fn revoke_token(
        &self,
        params: TokenRevokeParams,
        meta: &ClientMeta,
    ) -> Result<Revoked, AuthError> {
        let (auth, caller) = (self.auth, self.caller);
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        let revoked = tokens::revoke(&mut tx, &params.token_id, &caller.me.user_id, now).await?;
        tx.commit().await?;
        if revoked {
            let ids = std::slice::from_ref(&params.token_id);
            let event = token_revoke_event(caller, now, meta, ids, "revoked");
            auth.after_token_revoke(ids, event).await;
        }
        Ok(Revoked { revoked })
    }
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
