//! The owner adds members to the account, removes them, makes them owners
//! or members, and turns off the authenticator app of one who lost it. Removals and role changes happen under a lock on the
//! account, so however they race, the account keeps an owner.

use api::{
    ApiError, DisplayName, EmailAddress, ErrorCode, LiveEvent, Me, MemberRemoveParams,
    MemberRemoved, MemberRoleSet, MemberRoleSetParams, MemberSecondFactorReset,
    MemberSecondFactorResetParams, NewMemberRequest, NoticeKind, RevokeReason, Role, UserId,
};
use serde_json::json;
use sqlx::AnyConnection;

use super::{ClientMeta, Confirmed, Fresh, OwnerActions};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::live::LiveChange;
use crate::notices::NewNotice;
use crate::second_factor;
use crate::secret::random_bytes;
use crate::store::users::{self, NewUser};
use crate::store::{Whose, accounts, members, sessions, tokens};

impl OwnerActions<'_> {
    /// Adds a member with a first password. A taken email is a conflict.
    #[tracing::instrument(skip_all, fields(account_id = %self.owner.me.account_id))]
    pub async fn add_member(
        &self,
        _confirmed: &Confirmed,
        request: NewMemberRequest,
        meta: &ClientMeta,
    ) -> Result<Me, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let name = DisplayName::parse(&request.name, "name")?;
        let email = EmailAddress::parse(&request.email)?;
        request.password.check_new("password")?;
        // Everything cheap first: a taken email costs no hashing.
        if users::find_by_email(auth.0.db.reader(), &email)
            .await?
            .is_some()
        {
            return Err(AuthError::EmailTaken);
        }
        auth.0.hashing_limits.check(&caller.me)?;
        let password_hash = auth.0.passwords.hash(request.password).await?;
        let user_id = UserId::from_random_bytes(random_bytes()?);
        let now = auth.now();
        let member = NewUser {
            id: &user_id,
            account_id: &caller.me.account_id,
            role: Role::Member,
            name: &name,
            email: &email,
            password_hash: &password_hash,
            // An owner set it.
            email_verified_at: Some(now),
        };
        let mut tx = auth.0.db.begin_write().await?;
        users::insert(&mut tx, &member, now).await?;
        tx.commit().await?;
        auth.0
            .audit
            .record(
                AuditEvent::new(AuditKind::MemberAdded, now, meta)
                    .by(&caller.me.account_id, &caller.me.user_id)
                    .target(user_id.as_str())
                    .detail(json!({"email": email.as_str()})),
            )
            .await;
        Ok(Me {
            user_id,
            name: name.as_str().to_owned(),
            email: email.as_str().to_owned(),
            role: Role::Member,
            account_id: caller.me.account_id.clone(),
            account_name: caller.me.account_name.clone(),
        })
    }

    /// `account_member_remove`: the user can no longer sign in; their
    /// sessions and API tokens end and their live connections close before
    /// the removal is audited. Their audit entries stay. Not the caller.
    #[tracing::instrument(skip_all, fields(account_id = %self.owner.me.account_id))]
    pub async fn remove_member(
        &self,
        _confirmed: &Confirmed,
        params: MemberRemoveParams,
        meta: &ClientMeta,
    ) -> Result<MemberRemoved, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        if params.user_id == caller.me.user_id {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::InvalidParams,
                "You cannot remove yourself from the account.",
            )));
        }
        let now = auth.now();
        let reason = RevokeReason::RemovedFromAccount;
        let mut tx = auth.0.db.begin_write().await?;
        let member = self.locked_member(&mut tx, &params.user_id).await?;
        let ended =
            sessions::revoke_live(&mut tx, Whose::User(&member.user_id), None, reason, now).await?;
        let revoked_tokens =
            tokens::revoke_usable(&mut tx, Whose::User(&member.user_id), None, now).await?;
        // Mailed before the user goes (their notices go with them).
        let notice = NewNotice {
            kind: NoticeKind::RemovedFromAccount,
            origin: None,
            detail: Some(format!("by {}", caller.me.name)),
        };
        auth.tell(&mut tx, &member.user_id, notice, now).await?;
        users::delete(&mut tx, &member.user_id).await?;
        tx.commit().await?;
        auth.close_tokens(&revoked_tokens);
        let removed = MemberRemoved {
            sessions: ended.len() as u64,
            tokens: revoked_tokens.len() as u64,
        };
        let event = AuditEvent::new(AuditKind::MemberRemoved, now, meta)
            .by(&caller.me.account_id, &caller.me.user_id)
            .target(member.user_id.as_str())
            .detail(json!({
                "name": member.name,
                "email": member.email,
                "role": member.role,
                "sessions_ended": removed.sessions,
                "api_tokens_revoked": removed.tokens,
            }));
        auth.after_revoke(&ended, reason, event).await;
        Ok(removed)
    }

    /// `account_member_second_factor_reset`: turns off the authenticator app
    /// (and recovery codes) and removes the passkeys of a user of the
    /// account who lost them, so they sign in with their password alone
    /// until they set one up again. Not the caller: they turn off their own.
    /// The user is told in their sessions.
    #[tracing::instrument(skip_all, fields(account_id = %self.owner.me.account_id))]
    pub async fn reset_member_second_factor(
        &self,
        _fresh: &Fresh<'_>,
        params: MemberSecondFactorResetParams,
        meta: &ClientMeta,
    ) -> Result<MemberSecondFactorReset, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        if params.user_id == caller.me.user_id {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::InvalidParams,
                "Turn off your own authenticator app in Two-step sign-in, with a code from it.",
            )));
        }
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        let member = self.locked_member(&mut tx, &params.user_id).await?;
        let had_one = second_factor::has_any(&mut tx, &member.user_id).await?;
        second_factor::remove(&mut tx, &member.user_id).await?;
        crate::passkey::stored::remove_all(&mut tx, &member.user_id).await?;
        // Where a second factor is required, the member sets up a new one
        // when they sign in again; until then they keep no session.
        let required = accounts::second_factor_required_since(&mut tx, &caller.me.account_id)
            .await?
            .is_some();
        let reason = RevokeReason::SecondFactorRequired;
        let ended = if required && had_one {
            let whose = Whose::User(&member.user_id);
            sessions::revoke_live(&mut tx, whose, None, reason, now).await?
        } else {
            Vec::new()
        };
        if had_one {
            let notice = NewNotice {
                kind: NoticeKind::SecondFactorChanged,
                origin: None,
                detail: Some(format!("turned off by {}", caller.me.name)),
            };
            auth.tell(&mut tx, &member.user_id, notice, now).await?;
        }
        tx.commit().await?;
        if had_one {
            let event = AuditEvent::new(AuditKind::TotpRemoved, now, meta)
                .by(&caller.me.account_id, &caller.me.user_id)
                .target(member.user_id.as_str())
                .detail(json!({"by_owner": true}));
            auth.0.audit.record(event).await;
        }
        if !ended.is_empty() {
            let event = AuditEvent::new(AuditKind::SessionsRevoked, now, meta)
                .by(&caller.me.account_id, &caller.me.user_id)
                .target(member.user_id.as_str())
                .detail(json!({"reason": reason, "count": ended.len()}));
            auth.after_revoke(&ended, reason, event).await;
        }
        Ok(MemberSecondFactorReset {
            turned_off: had_one,
        })
    }

    /// `account_member_role_set`: makes the user an owner or a member. The
    /// last owner stays one. Their open pages are told to load again.
    #[tracing::instrument(skip_all, fields(account_id = %self.owner.me.account_id))]
    pub async fn set_member_role(
        &self,
        _confirmed: &Confirmed,
        params: MemberRoleSetParams,
        meta: &ClientMeta,
    ) -> Result<MemberRoleSet, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let mut tx = auth.0.db.begin_write().await?;
        let member = self.locked_member(&mut tx, &params.user_id).await?;
        let unchanged = MemberRoleSet {
            user_id: member.user_id.clone(),
            role: params.role,
            changed: false,
        };
        if member.role == params.role {
            return Ok(unchanged);
        }
        if params.role == Role::Member
            && members::count_owners(&mut tx, &member.account_id).await? <= 1
        {
            return Err(AuthError::Rejected(ApiError::new(
                ErrorCode::Conflict,
                "An account needs an owner: make someone else an owner first.",
            )));
        }
        members::set_role(&mut tx, &member.user_id, params.role).await?;
        let notice = NewNotice {
            kind: NoticeKind::RoleChanged,
            origin: None,
            detail: Some(format!(
                "{} by {}",
                match params.role {
                    Role::Owner => "an owner",
                    Role::Member => "a member",
                },
                caller.me.name
            )),
        };
        auth.tell(&mut tx, &member.user_id, notice, auth.now())
            .await?;
        tx.commit().await?;
        auth.0.live.apply(LiveChange::ToUser {
            user_id: member.user_id.clone(),
            event: LiveEvent::RoleChanged,
        });
        auth.0
            .audit
            .record(
                AuditEvent::new(AuditKind::RoleChanged, auth.now(), meta)
                    .by(&caller.me.account_id, &caller.me.user_id)
                    .target(member.user_id.as_str())
                    .detail(json!({"from": member.role, "to": params.role})),
            )
            .await;
        Ok(MemberRoleSet {
            changed: true,
            ..unchanged
        })
    }

    /// Locks the account, checks that the caller still owns it (a role
    /// change may have raced this request), and finds the user in it. A
    /// user of another account answers exactly like an unknown one.
    async fn locked_member(
        &self,
        conn: &mut AnyConnection,
        user_id: &UserId,
    ) -> Result<Me, AuthError> {
        let account_id = &self.owner.me.account_id;
        accounts::lock(conn, account_id).await?;
        let still_owner = users::find_in_account(conn, account_id, &self.owner.me.user_id)
            .await?
            .is_some_and(|me| me.role == Role::Owner);
        if !still_owner {
            return Err(AuthError::Forbidden);
        }
        users::find_in_account(conn, account_id, user_id)
            .await?
            .ok_or_else(super::owner::no_such_member)
    }
}
