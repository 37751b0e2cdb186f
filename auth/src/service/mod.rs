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
//!   `policy`, `invitations`); a person invited joins with the link:
//!   [`Auth::accept_invitation`] (`invitations`);
//! - the operator acts from the command line: [`Auth::as_operator`]
//!   (`operator`);
//! - the server keeps the store tidy: [`Auth::clean_up`] (`maintenance`).
//!
//! What several of them share has a module of its own: who a request is
//! from (`caller`), starting a session (`session_start`), closing what a
//! revoke ended (`after_revoke`) and telling a user of a reused code
//! (`reused_code`).

mod after_revoke;
mod caller;
mod credentials;
mod device;
mod email;
mod gate;
mod invitations;
mod maintenance;
mod members;
mod new_password;
mod operator;
mod owner;
mod passkey_sign_in;
mod password_reset;
mod policy;
mod resolve;
mod reused_code;
mod session_report;
mod session_start;
mod sign_in;
mod user;

use std::sync::Arc;

use api::Timestamp;
use tokio::sync::broadcast;

use crate::AuthError;
use crate::audit::{AuditEvent, AuditLog};
use crate::clock::Clock;
use crate::db::Db;
use crate::hashing_limits::HashingLimits;
use crate::limits::SignInLimits;
use crate::live::LiveSink;
use crate::notices::{self, NewNotice};
use crate::password::PasswordHasher;
use crate::session_cache::SessionCache;
use crate::settings::SessionSettings;
use crate::touch::Toucher;

pub use caller::{Authentication, Caller, ClientMeta, Credential};
pub use credentials::DemoAccount;
pub use device::{DeviceCookie, Refresh};
pub use email::{VERIFY_LINK_LIFETIME, VERIFY_RESEND_EVERY};
pub use gate::{Admitted, BrowserSession, Confirmed, Fresh, Via};
pub use invitations::{INVITATION_LIFETIME, JoiningMember};
pub use operator::{ListedUser, OperatorActions, PasswordReset, SessionsOf};
pub use owner::OwnerActions;
pub use password_reset::{NewPasswordByLink, RESET_LINK_LIFETIME};
pub use policy::{AccountPolicy, PolicyChange, PolicyUpdate};
pub use resolve::{Access, ConnectionStanding, Rechecked, Resolved};
pub use session_report::SessionReported;
pub use session_start::NewSession;
pub use sign_in::{Challenge, CheckedPassword, SignInStep};
pub use user::UserActions;

#[derive(Clone)]
pub struct Auth(Arc<Inner>);

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    settings: SessionSettings,
    passwords: PasswordHasher,
    /// Password attempts by address and email, for every transport.
    sign_in_limits: SignInLimits,
    /// Requests for a link to choose a new password, by address and email:
    /// apart from the sign-in's, so a flood of them locks nobody out.
    reset_limits: SignInLimits,
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
            session_cache: SessionCache::default(),
            db,
            clock,
            sign_in_limits: SignInLimits::new(
                settings.attempts_per_ip_minute,
                settings.attempts_per_email_hour,
            ),
            reset_limits: SignInLimits::new(
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

    /// How many session reads were answered from memory so far.
    #[cfg(feature = "testing")]
    pub fn kept_session_reads(&self) -> u64 {
        self.0.session_cache.served()
    }

    /// Tells the user a security notice, in their pages and (unless this
    /// server sends no mail) by mail, inside `conn`'s transaction (see
    /// [`notices::tell`]).
    pub(crate) async fn tell(
        &self,
        conn: &mut sqlx::AnyConnection,
        user_id: &api::UserId,
        notice: NewNotice<'_>,
        now: Timestamp,
    ) -> Result<(), AuthError> {
        let settings = &self.0.settings;
        let mail = settings.sends_mail.then_some(&settings.public_url);
        notices::tell(conn, mail, user_id, notice, now).await
    }

    /// Waits until all activity recorded so far is written (for shutdown and tests).
    pub async fn flush(&self) {
        self.0.toucher.flush().await;
    }
}
