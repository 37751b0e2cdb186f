//! `Auth`: the domain's front door. Every transport (REST, server functions,
//! JSON-RPC) calls these methods and nothing below them. They are split by
//! who acts:
//!
//! - a visitor proves who they are: [`Auth::signup`] (`credentials`),
//!   [`Auth::login`] and, with a second factor, [`Auth::complete_sign_in`]
//!   (`sign_in`); after the operator reset their password, they choose a
//!   new one first: [`Auth::sign_in_with_new_password`] (`new_password`);
//! - the transport resolves a request's credential: [`Auth::authenticate`]
//!   and the live-connection checks (`resolve`);
//! - the transport asks whether the caller may call an action:
//!   [`Auth::admit`] (`gate`), which reads the table of who may call what
//!   and hands back the proofs the actions take;
//! - a signed-in caller acts on their own account: [`Admitted::user`]
//!   (`user`);
//! - an owner acts on the account: [`Admitted::owner`] (`owner`, `members`,
//!   `policy`);
//! - the operator acts from the command line: [`Auth::as_operator`]
//!   (`operator`);
//! - the server keeps the store tidy: [`Auth::clean_up`] (`maintenance`).

mod credentials;
mod gate;
mod maintenance;
mod members;
mod new_password;
mod operator;
mod owner;
mod passkey_sign_in;
mod policy;
mod resolve;
mod sign_in;
mod user;

use std::sync::Arc;
use std::time::Duration;

use api::{
    Me, NoticeKind, RevokeReason, SecondFactorCode, SessionId, SessionPolicy, SignInMethod,
    SignedIn, Timestamp, TokenId, TokenScope, UserId,
};
use tokio::sync::broadcast;

use crate::AuthError;
use crate::audit::{AuditEvent, AuditLog};
use crate::clock::Clock;
use crate::db::{Backend, Db};
use crate::hashing_limits::HashingLimits;
use crate::limits::SignInLimits;
use crate::live::{LiveChange, LiveSink};
use crate::password::PasswordHasher;
use crate::secret::{SessionToken, TokenHash, random_bytes};
use crate::session::Deadlines;
use crate::session_cache::SessionCache;
use crate::settings::{SessionSettings, millis};
use crate::store::sessions::{self, NewSessionRow};
use crate::touch::Toucher;

pub use credentials::DemoAccount;
pub use gate::{Admitted, BrowserSession, Confirmed, Fresh, Via};
pub use operator::{ListedUser, OperatorActions, PasswordReset, SessionsOf};
pub use owner::OwnerActions;
pub use policy::{AccountPolicy, PolicyChange, PolicyUpdate};
pub use resolve::{Access, ConnectionStanding, Rechecked, Resolved};
pub use sign_in::{Challenge, CheckedPassword, SignInStep};
pub use user::UserActions;

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

/// What authenticated a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A browser's session cookie.
    Session {
        session_id: SessionId,
        deadlines: Deadlines,
        /// The token presented: a live connection is bound to it, not only
        /// to the session, and ends once rotation has retired it.
        token: TokenHash,
        /// How the session was signed in.
        method: SignInMethod,
    },
    /// A personal API token, and what it may call.
    ApiToken {
        token_id: TokenId,
        scope: TokenScope,
    },
}

/// The authenticated caller of a request. Only `auth` makes one, from a
/// credential it has checked.
#[derive(Clone, Debug)]
pub struct Caller {
    pub(crate) me: Me,
    pub(crate) credential: Credential,
}

impl Caller {
    /// Who is calling.
    pub fn me(&self) -> &Me {
        &self.me
    }

    /// What they called with.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The session making the request, if it is a session.
    pub fn session_id(&self) -> Option<&SessionId> {
        match &self.credential {
            Credential::Session { session_id, .. } => Some(session_id),
            Credential::ApiToken { .. } => None,
        }
    }

    /// The session's deadlines, if it is a session.
    pub fn deadlines(&self) -> Option<Deadlines> {
        match &self.credential {
            Credential::Session { deadlines, .. } => Some(*deadlines),
            Credential::ApiToken { .. } => None,
        }
    }
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

#[derive(Clone)]
pub struct Auth(Arc<Inner>);

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    settings: SessionSettings,
    passwords: PasswordHasher,
    /// Password attempts by address and email, for every transport.
    sign_in_limits: SignInLimits,
    hashing_limits: HashingLimits,
    audit: AuditLog,
    live: Arc<dyn LiveSink>,
    toucher: Toucher,
    session_cache: SessionCache,
}

impl Auth {
    /// Builds the service; starts its background activity writer on the
    /// current Tokio runtime.
    pub async fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        settings: SessionSettings,
        live: Arc<dyn LiveSink>,
    ) -> Result<Self, AuthError> {
        let parallel_hashes =
            std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        // A few sign-ins per worker may wait; past that they are refused at
        // once (`busy`) rather than queued without end.
        let passwords = PasswordHasher::new(parallel_hashes, 4 * parallel_hashes).await?;
        Ok(Self(Arc::new(Inner {
            audit: AuditLog::new(db.clone(), live.clone()),
            toucher: Toucher::start(db.clone()),
            session_cache: SessionCache::new(db.backend() == Backend::Sqlite),
            db,
            clock,
            sign_in_limits: SignInLimits::new(
                settings.attempts_per_ip_minute,
                settings.attempts_per_email_hour,
            ),
            settings,
            passwords,
            hashing_limits: HashingLimits::new(),
            live,
        })))
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    pub fn now(&self) -> Timestamp {
        self.0.clock.now()
    }

    pub fn settings(&self) -> &SessionSettings {
        &self.0.settings
    }

    /// Audit events as they are recorded.
    pub fn subscribe_audit(&self) -> broadcast::Receiver<AuditEvent> {
        self.0.audit.subscribe()
    }

    /// Whether the caller's session confirmed its password (or a second
    /// factor) within the re-authentication window; for the gate.
    ///
    /// It is read from the database each time, so a confirmation counts at
    /// once for every connection of the session.
    async fn require_recent_password(&self, caller: &Caller) -> Result<(), AuthError> {
        let Some(session_id) = caller.session_id() else {
            return Err(AuthError::SessionRequired);
        };
        let entered = sessions::password_entered_at(self.0.db.reader(), session_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        if self.now().millis_since(entered) > millis(self.0.settings.reauth_window) {
            return Err(AuthError::ReauthRequired);
        }
        Ok(())
    }

    /// Waits until all activity recorded so far is written (for shutdown and tests).
    pub async fn flush(&self) {
        self.0.toucher.flush().await;
    }

    /// Closes the connections of API tokens that were just revoked, then audits.
    async fn after_token_revoke(&self, revoked: &[TokenId], event: AuditEvent) {
        self.close_tokens(revoked);
        self.0.audit.record(event).await;
    }

    /// Closes the live connections of API tokens that were just revoked.
    fn close_tokens(&self, revoked: &[TokenId]) {
        for token_id in revoked {
            self.0.live.apply(LiveChange::TokenEnded {
                token_id: token_id.clone(),
            });
        }
    }

    /// Closes the connections of sessions that were just ended, then audits
    /// the revoke. Closing comes first so a failing audit write never leaves
    /// a connection open.
    async fn after_revoke(&self, ended: &[SessionId], reason: RevokeReason, event: AuditEvent) {
        let started = std::time::Instant::now();
        for session_id in ended {
            self.0.live.apply(LiveChange::SessionEnded {
                session_id: session_id.clone(),
                reason,
            });
        }
        crate::metrics::revoke_closed_in(started.elapsed());
        crate::metrics::sessions_ended(reason, ended.len());
        self.0.audit.record(event).await;
    }

    /// After a refused second-factor code: when it was a right code of the
    /// user's app used already, tells them (ASVS V2.8.5). Call it with no
    /// write open.
    async fn tell_if_code_reused(
        &self,
        user_id: &UserId,
        code: &SecondFactorCode,
    ) -> Result<(), AuthError> {
        let mut conn = self.0.db.acquire_write().await?;
        let now = self.now();
        if crate::second_factor::was_taken_already(&mut conn, user_id, code, now).await? {
            let notice = crate::notices::NewNotice {
                kind: NoticeKind::CodeReused,
                origin: None,
                detail: None,
            };
            crate::notices::insert(&mut conn, user_id, notice, now).await?;
        }
        Ok(())
    }

    /// Session lengths for an account's policy override, or the system
    /// default.
    fn timeouts_for(&self, policy: Option<SessionPolicy>) -> Timeouts {
        match policy {
            Some(policy) => Timeouts {
                idle: policy.idle(),
                absolute: policy.absolute(),
            },
            None => Timeouts {
                idle: self.0.settings.default_idle_timeout,
                absolute: self.0.settings.default_absolute_timeout,
            },
        }
    }

    /// Inserts a session for `me` and enforces the per-user cap, inside the
    /// caller's transaction. Returns the session and the ids the cap ended.
    async fn start_session(
        &self,
        conn: &mut sqlx::AnyConnection,
        me: Me,
        timeouts: Timeouts,
        opened: Opened<'_>,
    ) -> Result<(NewSession, Vec<SessionId>), AuthError> {
        let Opened { meta, method, now } = opened;
        let token = SessionToken::generate()?;
        let session_id = SessionId::from_random_bytes(random_bytes()?);
        let row = NewSessionRow {
            id: &session_id,
            user_id: &me.user_id,
            token_hash: &token.hash(),
            idle_timeout_ms: millis(timeouts.idle),
            absolute_timeout_ms: millis(timeouts.absolute),
            user_agent: meta.user_agent.as_deref(),
            ip: meta.ip.as_deref(),
            method,
        };
        sessions::insert(&mut *conn, &row, now).await?;
        crate::metrics::session_started();
        let evicted = sessions::enforce_cap(
            &mut *conn,
            &me.user_id,
            self.0.settings.max_sessions_per_user,
            now,
        )
        .await?;
        let signed_in = SignedIn {
            me,
            session_id,
            idle_ends_at: now.plus(timeouts.idle),
            absolute_ends_at: now.plus(timeouts.absolute),
        };
        Ok((NewSession { token, signed_in }, evicted))
    }
}

/// How and when a session is being opened, and from where.
#[derive(Clone, Copy)]
pub(crate) struct Opened<'a> {
    pub meta: &'a ClientMeta,
    pub method: SignInMethod,
    pub now: Timestamp,
}

/// Session lengths snapshotted at sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timeouts {
    pub idle: Duration,
    pub absolute: Duration,
}
