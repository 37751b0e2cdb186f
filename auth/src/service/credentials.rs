//! Credentials: signing up, checking a password, and opening a session, with
//! the sign-in rate limits inside so no transport can forget them; and the
//! demo account.

use api::{
    AccountId, DisplayName, EmailAddress, LoginRequest, Me, NoticeKind, Password, RevokeReason,
    Role, SignupRequest, UserId,
};
use serde_json::json;

use super::{Auth, ClientMeta, NewSession};
use crate::audit::{AuditEvent, AuditKind};
use crate::notices::{self, NewNotice};
use crate::secret::random_bytes;
use crate::users::{self, NewUser};
use crate::{AuthError, describe_device, sessions};

/// A user whose email and password were just verified, not signed in yet;
/// it holds the password hash they were verified against.
pub struct CheckedPassword(users::UserRow);

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
        users::insert_account(&mut tx, &account_id, &account_name, now).await?;
        let owner = NewUser {
            id: &user_id,
            account_id: &account_id,
            role: Role::Owner,
            name: &name,
            email: &email,
            password_hash: &password_hash,
        };
        users::insert_user(&mut tx, &owner, now).await?;
        let me = Me {
            user_id,
            name: name.as_str().to_owned(),
            email: email.as_str().to_owned(),
            role: Role::Owner,
            account_id,
            account_name: account_name.as_str().to_owned(),
        };
        let (session, _) = self
            .start_session(&mut tx, me, self.timeouts_for(None), &meta, now)
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

    /// Signs in with email and password. A wrong password and an unknown
    /// email fail the same way, in the same time.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        request: LoginRequest,
        meta: ClientMeta,
    ) -> Result<NewSession, AuthError> {
        let checked = self.check_password(request, &meta).await?;
        self.open_session(checked, meta).await
    }

    /// The first half of signing in: the email and password are right.
    /// Opens no session; [`Auth::open_session`] does.
    #[tracing::instrument(skip_all)]
    pub async fn check_password(
        &self,
        request: LoginRequest,
        meta: &ClientMeta,
    ) -> Result<CheckedPassword, AuthError> {
        if let Err(limited) = self
            .0
            .sign_in_limits
            .check_attempt(meta, Some(request.email.as_str()))
        {
            crate::metrics::sign_in("rate_limited");
            return Err(limited);
        }
        let email = EmailAddress::parse(&request.email).ok();
        let user = match &email {
            Some(email) => users::find_by_email(self.0.db.reader(), email).await?,
            None => None,
        };
        let stored = user.as_ref().map(|u| u.password_hash.as_str());
        let verified = match self.0.passwords.verify(request.password, stored).await {
            Ok(verified) => verified,
            Err(err) => {
                if matches!(err, AuthError::Busy) {
                    crate::metrics::sign_in("busy");
                }
                return Err(err);
            }
        };
        match user {
            Some(user) if verified => {
                crate::metrics::sign_in("ok");
                Ok(CheckedPassword(user))
            }
            user => {
                crate::metrics::sign_in("wrong_password");
                let known = user.map(|user| user.user.me()).transpose()?;
                Err(self
                    .failed_sign_in(email.as_ref(), known.as_ref(), meta)
                    .await)
            }
        }
    }

    /// Records a failed sign-in; the error to answer with. A wrong password
    /// for a known user goes into their account's log, done to them (the
    /// account's owner and the user see it); an unknown email into no
    /// account's.
    async fn failed_sign_in(
        &self,
        email: Option<&EmailAddress>,
        known: Option<&Me>,
        meta: &ClientMeta,
    ) -> AuthError {
        let mut event = AuditEvent::new(AuditKind::SignInFailed, self.now(), meta);
        match (known, email) {
            (Some(user), _) => {
                event = event
                    .in_account(&user.account_id)
                    .target(user.user_id.as_str())
                    .detail(json!({ "email": user.email }));
            }
            (None, Some(email)) => event = event.target(email.as_str()),
            (None, None) => {}
        }
        self.0.audit.record(event).await;
        AuthError::InvalidCredentials
    }

    /// The second half of signing in: a session for the checked user. It
    /// fails like a wrong password when the password changed after it was
    /// checked, so a sign-in racing a password change never outlives it.
    #[tracing::instrument(skip_all)]
    pub async fn open_session(
        &self,
        checked: CheckedPassword,
        meta: ClientMeta,
    ) -> Result<NewSession, AuthError> {
        let CheckedPassword(user) = checked;
        let now = self.now();
        let timeouts = self.timeouts_for(user.policy_override()?);
        let me = user.user.me()?;
        let mut tx = self.0.db.begin_write().await?;
        if !users::record_login(&mut tx, &me.user_id, &user.password_hash, now).await? {
            drop(tx);
            let email = EmailAddress::parse(&me.email).ok();
            return Err(self.failed_sign_in(email.as_ref(), Some(&me), &meta).await);
        }
        let user_id = me.user_id.clone();
        let known_devices = sessions::devices_of(&mut tx, &user_id).await?;
        let (session, evicted) = self
            .start_session(&mut tx, me, timeouts, &meta, now)
            .await?;
        let device = describe_device(meta.user_agent.as_deref());
        if !known_devices.is_empty() && !known_devices.contains(&device) {
            let from = meta
                .ip
                .as_deref()
                .map_or_else(String::new, |ip| format!(", {ip}"));
            let notice = NewNotice {
                kind: NoticeKind::NewDevice,
                origin: Some(&session.signed_in.session_id),
                detail: Some(format!("{device}{from}")),
            };
            notices::insert(&mut tx, &user_id, notice, now).await?;
        }
        tx.commit().await?;

        let me = &session.signed_in.me;
        if !evicted.is_empty() {
            let event = AuditEvent::new(AuditKind::SessionsRevoked, now, &meta)
                .by(&me.account_id, &me.user_id)
                .target(me.user_id.as_str())
                .detail(json!({"reason": RevokeReason::SessionCap, "count": evicted.len()}));
            self.after_revoke(&evicted, RevokeReason::SessionCap, event)
                .await;
        }
        self.0
            .audit
            .record(
                AuditEvent::new(AuditKind::SignedIn, now, &meta)
                    .by(&me.account_id, &me.user_id)
                    .target(session.signed_in.session_id.as_str()),
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
        users::insert_account(
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
            };
            users::insert_user(&mut tx, &user, now).await?;
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
