//! `Auth`: the domain's front door. Every transport (REST, server functions,
//! JSON-RPC) calls these methods and nothing below them.

use std::sync::Arc;

use api::{
    AccountId, DisplayName, EmailAddress, LoginRequest, Me, Password, Role, SessionId, SignedIn,
    SignupRequest, Timestamp, UserId,
};

use crate::AuthError;
use crate::clock::Clock;
use crate::db::Db;
use crate::password::PasswordHasher;
use crate::secret::{SessionToken, random_bytes};
use crate::sessions::{self, Deadlines, NewSessionRow};
use crate::settings::{SessionSettings, millis};
use crate::users::{self, NewUser};

/// Where a request came from, as recorded with sessions and audit events.
#[derive(Clone, Debug, Default)]
pub struct ClientMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Longest user agent kept; the rest is cut.
const USER_AGENT_MAX_CHARS: usize = 512;

impl ClientMeta {
    pub fn new(ip: Option<String>, user_agent: Option<&str>) -> Self {
        Self {
            ip,
            user_agent: user_agent.map(|ua| ua.chars().take(USER_AGENT_MAX_CHARS).collect()),
        }
    }
}

/// A session just created: the secret for the cookie and what to tell the client.
#[derive(Debug)]
pub struct NewSession {
    pub token: SessionToken,
    pub signed_in: SignedIn,
}

/// The authenticated caller of a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub me: Me,
    pub session_id: SessionId,
    pub deadlines: Deadlines,
}

/// What the credential on a request resolved to: the caller, or the error to
/// answer with. The server resolves it once per request; every handler and
/// server function reads that one answer.
#[derive(Clone, Debug)]
pub struct Authentication(Result<Caller, api::ApiError>);

impl Authentication {
    pub fn new(result: Result<Caller, api::ApiError>) -> Self {
        Self(result)
    }

    pub fn caller(&self) -> Result<&Caller, api::ApiError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

/// Sign-in details of the demo account, printed once when it is created.
#[derive(Debug)]
pub struct DemoAccount {
    pub owner_email: String,
    pub member_email: String,
    pub owner_password: Password,
    pub member_password: Password,
}

#[derive(Clone)]
pub struct Auth(Arc<Inner>);

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    settings: SessionSettings,
    passwords: PasswordHasher,
}

impl Auth {
    pub async fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        settings: SessionSettings,
    ) -> Result<Self, AuthError> {
        let parallel_hashes =
            std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let passwords = PasswordHasher::new(parallel_hashes).await?;
        Ok(Self(Arc::new(Inner {
            db,
            clock,
            settings,
            passwords,
        })))
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    pub fn now(&self) -> Timestamp {
        self.0.clock.now()
    }

    /// Creates an account with its first user as owner, and signs them in.
    #[tracing::instrument(skip_all)]
    pub async fn signup(
        &self,
        request: SignupRequest,
        meta: ClientMeta,
    ) -> Result<NewSession, AuthError> {
        let account_name = DisplayName::parse(&request.account_name, "account_name")?;
        let name = DisplayName::parse(&request.name, "name")?;
        let email = EmailAddress::parse(&request.email)?;
        request.password.check_new("password")?;
        let password_hash = self.0.passwords.hash(request.password).await?;

        let account_id = AccountId::from_random_bytes(random_bytes()?);
        let user_id = UserId::from_random_bytes(random_bytes()?);
        let now = self.now();
        let mut tx = self.0.db.writer().begin().await?;
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
        let session = self
            .start_session(&mut tx, me, self.default_timeouts(), &meta, now)
            .await?;
        tx.commit().await?;
        tracing::info!(user_id = %session.signed_in.me.user_id, "signed up");
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
        let user = match EmailAddress::parse(&request.email) {
            Ok(email) => users::find_by_email(self.0.db.reader(), &email).await?,
            Err(_) => None,
        };
        let stored = user.as_ref().map(|u| u.password_hash.as_str());
        let verified = self.0.passwords.verify(request.password, stored).await?;
        let Some(user) = user.filter(|_| verified) else {
            return Err(AuthError::InvalidCredentials);
        };
        let timeouts = self.timeouts_for(user.idle_timeout_min, user.absolute_timeout_min);
        let now = self.now();
        let me = user.me()?;
        let mut tx = self.0.db.writer().begin().await?;
        users::record_login(&mut tx, &me.user_id, now).await?;
        let session = self
            .start_session(&mut tx, me, timeouts, &meta, now)
            .await?;
        tx.commit().await?;
        tracing::info!(user_id = %session.signed_in.me.user_id, "signed in");
        Ok(session)
    }

    /// Resolves a session cookie to its caller, or says why it cannot.
    pub async fn authenticate(&self, token: &SessionToken) -> Result<Caller, AuthError> {
        let row = sessions::find_by_token_hash(self.0.db.reader(), &token.hash())
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        if row.revoked_at.is_some() {
            return Err(AuthError::Unauthenticated);
        }
        let deadlines = row.deadlines();
        if deadlines.has_ended(self.now()) {
            return Err(AuthError::SessionExpired);
        }
        let me = users::me_from_columns(
            &row.user_id,
            &row.account_id,
            &row.role,
            &row.name,
            &row.email,
            &row.account_name,
        )?;
        let session_id = SessionId::parse(&row.session_id).map_err(|_| {
            AuthError::Storage(sqlx::Error::Protocol(
                "stored session id is malformed".into(),
            ))
        })?;
        Ok(Caller {
            me,
            session_id,
            deadlines,
        })
    }

    /// Ends the caller's own session.
    #[tracing::instrument(skip_all, fields(session_id = %caller.session_id))]
    pub async fn logout(&self, caller: &Caller) -> Result<(), AuthError> {
        sessions::delete(self.0.db.writer(), &caller.session_id).await?;
        tracing::info!(user_id = %caller.me.user_id, "signed out");
        Ok(())
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
        let mut tx = self.0.db.writer().begin().await?;
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

    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            idle_ms: millis(self.0.settings.default_idle_timeout),
            absolute_ms: millis(self.0.settings.default_absolute_timeout),
        }
    }

    /// The account's policy override, or the system default.
    fn timeouts_for(&self, idle_min: Option<i64>, absolute_min: Option<i64>) -> Timeouts {
        match (idle_min, absolute_min) {
            (Some(idle), Some(absolute)) => Timeouts {
                idle_ms: idle.saturating_mul(60_000),
                absolute_ms: absolute.saturating_mul(60_000),
            },
            _ => self.default_timeouts(),
        }
    }

    /// Inserts a session for `me` and enforces the per-user cap, inside the
    /// caller's transaction.
    async fn start_session(
        &self,
        conn: &mut sqlx::AnyConnection,
        me: Me,
        timeouts: Timeouts,
        meta: &ClientMeta,
        now: Timestamp,
    ) -> Result<NewSession, AuthError> {
        let token = SessionToken::generate()?;
        let session_id = SessionId::from_random_bytes(random_bytes()?);
        let row = NewSessionRow {
            id: &session_id,
            user_id: &me.user_id,
            token_hash: &token.hash(),
            idle_timeout_ms: timeouts.idle_ms,
            absolute_timeout_ms: timeouts.absolute_ms,
            meta,
        };
        sessions::insert(&mut *conn, &row, now).await?;
        let evicted = sessions::enforce_cap(
            &mut *conn,
            &me.user_id,
            self.0.settings.max_sessions_per_user,
            now,
        )
        .await?;
        if !evicted.is_empty() {
            tracing::info!(user_id = %me.user_id, count = evicted.len(), "ended oldest sessions past the cap");
        }
        let signed_in = SignedIn {
            me,
            session_id,
            idle_ends_at: now.plus_millis(timeouts.idle_ms),
            absolute_ends_at: now.plus_millis(timeouts.absolute_ms),
        };
        Ok(NewSession { token, signed_in })
    }
}

/// Session lengths snapshotted at sign-in.
#[derive(Clone, Copy)]
struct Timeouts {
    idle_ms: i64,
    absolute_ms: i64,
}
