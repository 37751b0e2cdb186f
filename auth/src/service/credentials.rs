//! Signing up (a new account and its owner, signed in), and the demo account.

use api::{
    AccountId, DisplayName, EmailAddress, Me, Password, Role, SignInMethod, SignupRequest, UserId,
};

use super::email::LinkFor;
use super::session_start::Opened;
use super::{Auth, ClientMeta, NewSession};
use crate::AuthError;
use crate::audit::{AuditEvent, AuditKind};
use crate::secret::random_bytes;
use crate::store::accounts;
use crate::store::users::{self, NewUser};

/// Sign-in details of the demo account, printed once when it is created.
#[derive(Debug)]
pub struct DemoAccount {
    pub owner_email: String,
    pub member_email: String,
    pub owner_password: Password,
    pub member_password: Password,
}

impl Auth {
    /// Creates an account with its first user as owner, and signs them in.
    #[tracing::instrument(skip_all)]
    pub async fn signup(
        &self,
        request: SignupRequest,
        meta: ClientMeta,
    ) -> Result<NewSession, AuthError> {
        self.0.sign_in_limits.check_attempt(&meta, None)?;
        let account_name = DisplayName::parse(&request.account_name, "account_name")?;
        let name = DisplayName::parse(&request.name, "name")?;
        let email = EmailAddress::parse(&request.email)?;
        request.password.check_new("password")?;
        let password_hash = self.0.passwords.hash(request.password).await?;

        let account_id = AccountId::from_random_bytes(random_bytes()?);
        let user_id = UserId::from_random_bytes(random_bytes()?);
        let now = self.now();
        let mut tx = self.0.db.begin_write().await?;
        accounts::insert(&mut tx, &account_id, &account_name, now).await?;
        let owner = NewUser {
            id: &user_id,
            account_id: &account_id,
            role: Role::Owner,
            name: &name,
            email: &email,
            password_hash: &password_hash,
            // Until the link mailed to it is used.
            email_verified_at: None,
        };
        users::insert(&mut tx, &owner, now).await?;
        if self.0.settings.sends_mail {
            let link = LinkFor {
                user_id: &user_id,
                name: name.as_str(),
                email: &email,
                replacing: None,
            };
            self.mail_verification_link(&mut tx, &link, now).await?;
        }
        let me = Me {
            user_id,
            name: name.as_str().to_owned(),
            email: email.as_str().to_owned(),
            role: Role::Owner,
            account_id,
            account_name: account_name.as_str().to_owned(),
        };
        let opened = Opened {
            meta: &meta,
            method: SignInMethod::Password,
            now,
        };
        let (session, _) = self
            .start_session(&mut tx, me, self.timeouts_for(None), opened)
            .await?;
        tx.commit().await?;
        let me = &session.signed_in.me;
        self.0
            .audit
            .record(
                AuditEvent::new(AuditKind::SignedUp, now, &meta).by(&me.account_id, &me.user_id),
            )
            .await;
        Ok(session)
    }

    /// On an empty database, creates a demo account (an owner and a member
    /// with random passwords) and returns its sign-in details; otherwise `None`.
    pub async fn create_demo_account_if_empty(&self) -> Result<Option<DemoAccount>, AuthError> {
        if users::any_exist(self.0.db.reader()).await? {
            return Ok(None);
        }
        let owner_password = Password::new(hex::encode(random_bytes::<8>()?));
        let member_password = Password::new(hex::encode(random_bytes::<8>()?));
        let owner_hash = self.0.passwords.hash(owner_password.clone()).await?;
        let member_hash = self.0.passwords.hash(member_password.clone()).await?;
        let account_id = AccountId::from_random_bytes(random_bytes()?);
        let now = self.now();
        let mut tx = self.0.db.begin_write().await?;
        accounts::insert(
            &mut tx,
            &account_id,
            &DisplayName::parse("Demo Team", "account_name")?,
            now,
        )
        .await?;
        let people = [
            (Role::Owner, "Olivia Owner", "owner@demo.test", &owner_hash),
            (Role::Member, "Max Member", "member@demo.test", &member_hash),
        ];
        for (role, name, email, password_hash) in people {
            let user = NewUser {
                id: &UserId::from_random_bytes(random_bytes()?),
                account_id: &account_id,
                role,
                name: &DisplayName::parse(name, "name")?,
                email: &EmailAddress::parse(email)?,
                password_hash,
                email_verified_at: Some(now),
            };
            users::insert(&mut tx, &user, now).await?;
        }
        tx.commit().await?;
        Ok(Some(DemoAccount {
            owner_email: people[0].2.to_owned(),
            member_email: people[1].2.to_owned(),
            owner_password,
            member_password,
        }))
    }
}
