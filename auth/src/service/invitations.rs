//! Invitations by mail: the owner invites someone to join the account
//! (`invite_member`), sees who is invited (`list_invitations`) and revokes
//! an invitation (`revoke_invitation`); the person opens the link
//! (`Auth::invitation`) and joins with a name and password of their own
//! (`Auth::accept_invitation`), signed in as a member, or sent on to set
//! up the second factor their account requires.
//!
//! The link works once, for seven days, for one address in the owner's
//! account. Its mail is queued in the transaction that stores it. A used,
//! revoked, replaced, expired or unknown link answers the same.

use std::time::Duration;

use api::paths::page;
use api::{
    ApiError, DisplayName, EmailAddress, ErrorCode, InvitationId, InvitationRevokeParams,
    InvitationShown, Invitations, InviteParams, Password, PendingInvitation, Revoked, Role, UserId,
};
use serde_json::json;

use super::{Auth, ClientMeta, Confirmed, OwnerActions, SignInStep};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::mail::{self, InvitationMail};
use crate::secret::{InvitationToken, random_bytes};
use crate::store::invitations::{self, NewInvitation, StoredInvitation};
use crate::store::users::{self, NewUser};
use crate::store::{accounts, outbox};

/// How long the link of an invitation works.
pub const INVITATION_LIFETIME: Duration = Duration::from_hours(7 * 24);

/// What the person who opened the link chooses.
pub struct JoiningMember {
    pub name: String,
    pub password: Password,
}

impl OwnerActions<'_> {
    /// `account_member_invite`: mails `email` a link to join the account,
    /// replacing an earlier invitation to it. An address that already has
    /// an account is refused; so is every invitation when the server sends
    /// no mail.
    #[tracing::instrument(skip_all, fields(account_id = %self.owner.me.account_id))]
    pub async fn invite_member(
        &self,
        _confirmed: &Confirmed,
        params: InviteParams,
        meta: &ClientMeta,
    ) -> Result<PendingInvitation, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        if !auth.0.settings.sends_mail {
            return Err(mail_off());
        }
        let email = EmailAddress::parse(&params.email)?;
        // Each invitation is a mail: as many as members added with a first
        // password.
        auth.0.hashing_limits.check(&caller.me)?;
        let token = InvitationToken::generate()?;
        let id = InvitationId::from_random_bytes(random_bytes()?);
        let now = auth.now();
        let expires_at = now.plus(INVITATION_LIFETIME);
        let mut tx = auth.0.db.begin_write().await?;
        self.lock_as_owner(&mut tx).await?;
        if users::email_taken(&mut tx, &email).await? {
            return Err(already_has_account());
        }
        let invitation = NewInvitation {
            id: &id,
            token_hash: &token.hash(),
            account_id: &caller.me.account_id,
            email: &email,
            invited_by: &caller.me.user_id,
        };
        let replaced = invitations::replace(&mut tx, &invitation, now, expires_at).await?;
        let link = format!("{}?token={}", page::LOGIN_INVITATION, token.expose());
        let days = i64::try_from(INVITATION_LIFETIME.as_secs() / 86_400).unwrap_or(7);
        let message = mail::invitation(
            &auth.0.settings.public_url,
            &InvitationMail {
                to: email.as_str(),
                inviter: &caller.me.name,
                account_name: &caller.me.account_name,
                link_path: &link,
                days,
            },
        );
        outbox::enqueue(&mut tx, &message, now).await?;
        tx.commit().await?;
        let event = AuditEvent::new(AuditKind::InvitationSent, now, meta)
            .by(&caller.me.account_id, &caller.me.user_id)
            .target(id.as_str())
            .detail(json!({"email": email.as_str(), "replaced": replaced}));
        auth.0.audit.record(event).await;
        Ok(PendingInvitation {
            invitation_id: id,
            email: email.as_str().to_owned(),
            sent_at: now,
            expires_at,
        })
    }

    /// `account_invitation_list`: the account's pending invitations, newest
    /// first, and whether the server sends mail.
    pub async fn list_invitations(&self) -> Result<Invitations, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let rows =
            invitations::pending(auth.0.db.reader(), &caller.me.account_id, auth.now()).await?;
        Ok(Invitations {
            sends_mail: auth.0.settings.sends_mail,
            pending: rows.into_iter().map(pending).collect(),
        })
    }

    /// `account_invitation_revoke`: the invitation's link stops working at
    /// once. One of another account answers `false`, like one already gone.
    #[tracing::instrument(skip_all, fields(account_id = %self.owner.me.account_id))]
    pub async fn revoke_invitation(
        &self,
        params: InvitationRevokeParams,
        meta: &ClientMeta,
    ) -> Result<Revoked, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        let now = auth.now();
        let mut tx = auth.0.db.begin_write().await?;
        self.lock_as_owner(&mut tx).await?;
        let email =
            invitations::revoke(&mut tx, &caller.me.account_id, &params.invitation_id).await?;
        tx.commit().await?;
        let Some(email) = email else {
            return Ok(Revoked { revoked: false });
        };
        let event = AuditEvent::new(AuditKind::InvitationRevoked, now, meta)
            .by(&caller.me.account_id, &caller.me.user_id)
            .target(params.invitation_id.as_str())
            .detail(json!({"email": email}));
        auth.0.audit.record(event).await;
        Ok(Revoked { revoked: true })
    }

    /// Locks the account and checks that the caller still owns it: a role
    /// change may have raced this request.
    async fn lock_as_owner(&self, conn: &mut sqlx::AnyConnection) -> Result<(), AuthError> {
        let me = &self.owner.me;
        accounts::lock(conn, &me.account_id).await?;
        let still_owner = users::find_in_account(conn, &me.account_id, &me.user_id)
            .await?
            .is_some_and(|me| me.role == Role::Owner);
        if still_owner {
            Ok(())
        } else {
            Err(AuthError::Forbidden)
        }
    }
}

impl Auth {
    /// Whose team the link's token `raw` invites to, and which address,
    /// while the link works; for its page. Reads only.
    pub async fn invitation(&self, raw: &str) -> Result<InvitationShown, AuthError> {
        let token = InvitationToken::parse(raw).ok_or_else(link_ended)?;
        let mut conn = self.0.db.reader().acquire().await?;
        let (account_name, email) = invitations::shown(&mut conn, &token.hash(), self.now())
            .await?
            .ok_or_else(link_ended)?;
        Ok(InvitationShown {
            account_name,
            email,
        })
    }

    /// Joins the account of the link's invitation as a member, with the
    /// name and password the person chose (the password rules of signing
    /// up), and uses the link up. Then as a sign-in with that password: a
    /// session, or, where the account requires a second factor, the step
    /// that sets one up. A link that ended changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn accept_invitation(
        &self,
        raw_token: &str,
        joining: JoiningMember,
        meta: ClientMeta,
    ) -> Result<SignInStep, AuthError> {
        self.0.sign_in_limits.check_attempt(&meta, None)?;
        let token = InvitationToken::parse(raw_token).ok_or_else(link_ended)?;
        let name = DisplayName::parse(&joining.name, "name")?;
        joining.password.check_new("password")?;
        {
            let mut conn = self.0.db.reader().acquire().await?;
            invitations::find_live(&mut conn, &token.hash(), self.now())
                .await?
                .ok_or_else(link_ended)?;
        }
        let password_hash = self.0.passwords.hash(joining.password).await?;
        let user_id = UserId::from_random_bytes(random_bytes()?);
        let now = self.now();
        let mut tx = self.0.db.begin_write().await?;
        let Some(invitation) = invitations::take(&mut tx, &token.hash(), now).await? else {
            return Err(link_ended());
        };
        // The account's rules as they are now (see `after_password`).
        accounts::lock(&mut tx, &invitation.account_id).await?;
        let email = EmailAddress::parse(&invitation.email)?;
        if users::email_taken(&mut tx, &email).await? {
            // The address got an account meanwhile: the link is used up.
            invitations::end_for(&mut tx, &email).await?;
            tx.commit().await?;
            return Err(link_ended());
        }
        let member = NewUser {
            id: &user_id,
            account_id: &invitation.account_id,
            role: Role::Member,
            name: &name,
            email: &email,
            password_hash: &password_hash,
            // The invitation's link came to it.
            email_verified_at: Some(now),
        };
        users::insert(&mut tx, &member, now).await?;
        // Other teams' invitations to the address have no use any more.
        invitations::end_for(&mut tx, &email).await?;
        let user = users::find_by_id_on(&mut tx, &user_id)
            .await?
            .ok_or_else(link_ended)?;
        let me = user.me.clone();
        let step = self
            .next_step(tx, &user, &user.password_hash, &meta)
            .await?;
        let event = AuditEvent::new(AuditKind::InvitationAccepted, now, &meta)
            .by(&me.account_id, &me.user_id)
            .target(me.user_id.as_str())
            .detail(json!({
                "name": me.name,
                "email": me.email,
                "invited_by": invitation.invited_by,
            }));
        self.0.audit.record(event).await;
        Ok(step)
    }
}

fn pending(row: StoredInvitation) -> PendingInvitation {
    PendingInvitation {
        invitation_id: row.id,
        email: row.email,
        sent_at: row.sent_at,
        expires_at: row.expires_at,
    }
}

/// Every link that does not work, whatever the reason: the same answer.
fn link_ended() -> AuthError {
    AuthError::Rejected(
        ApiError::invalid_params("This invitation link has expired or was already used.")
            .with_field("token"),
    )
}

fn already_has_account() -> AuthError {
    AuthError::Rejected(ApiError::new(
        ErrorCode::AlreadyHasAccount,
        "Someone with this email already has an account, so they cannot be invited.",
    ))
}

fn mail_off() -> AuthError {
    AuthError::Rejected(ApiError::new(
        ErrorCode::MailOff,
        "This server sends no mail: add the member with a first password instead.",
    ))
}
