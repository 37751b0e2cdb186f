//! The owner adds members to the account.

use api::{DisplayName, EmailAddress, Me, NewMemberRequest, Role, UserId};
use serde_json::json;

use super::{ClientMeta, OwnerActions};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::secret::random_bytes;
use crate::users::{self, NewUser};

impl OwnerActions<'_> {
    /// Adds a member with a first password. A taken email is a conflict.
    #[tracing::instrument(skip_all, fields(account_id = %self.owner.me.account_id))]
    pub async fn add_member(
        &self,
        request: NewMemberRequest,
        meta: &ClientMeta,
    ) -> Result<Me, AuthError> {
        let (auth, caller) = (self.auth, self.owner);
        auth.require_recent_password(caller).await?;
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
        };
        let mut conn = auth.0.db.acquire_write().await?;
        users::insert_user(&mut conn, &member, now).await?;
        drop(conn);
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
}
