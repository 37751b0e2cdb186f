//! The session-security domain. Storage, sessions, passwords and policy live
//! here; nothing here knows about HTTP or Leptos.

mod audit;
mod clock;
mod db;
mod dbsc;
mod device;
mod error;
mod hashing_limits;
mod limits;
mod live;
pub mod mail;
mod metrics;
mod notices;
mod outbox;
mod passkey;
mod password;
mod place;
mod second_factor;
mod secret;
mod service;
mod session;
mod session_cache;
mod settings;
mod store;
mod touch;

#[cfg(feature = "testing")]
pub mod testing;

pub use audit::{AuditEvent, AuditKind};
pub use clock::{Clock, DatabaseClock, SystemClock, TestClock};
pub use db::{Backend, Db, DbError, NotReady, Notifications, WriteTx};
pub use device::describe_device;
pub use error::AuthError;
pub use limits::{
    DEFAULT_ATTEMPTS_PER_EMAIL_HOUR, DEFAULT_ATTEMPTS_PER_IP_MINUTE, SignInLimits, limit_key,
};
pub use live::{LiveChange, LiveSink};
pub use outbox::OutsideWrites;
pub use passkey::RelyingParty;
pub use place::{Places, PlacesError};
pub use secret::{
    API_TOKEN_PREFIX, ApiTokenSecret, ChallengeToken, DeviceSessionId, InvitationToken,
    ReportToken, ResetToken, SessionToken, TokenHash,
};
pub use service::{
    Access, AccountPolicy, Admitted, Auth, Authentication, BrowserSession, Caller, Challenge,
    CheckedPassword, ClientMeta, Confirmed, ConnectionStanding, Credential, DemoAccount,
    DeviceCookie, Fresh, INVITATION_LIFETIME, JoiningMember, ListedUser, NewPasswordByLink,
    NewSession, OperatorActions, OwnerActions, PasswordReset, PolicyChange, PolicyUpdate,
    RESET_LINK_LIFETIME, Rechecked, Refresh, Resolved, SessionReported, SessionsOf, SignInStep,
    UserActions, VERIFY_LINK_LIFETIME, VERIFY_RESEND_EVERY, Via,
};
pub use session::Deadlines;
pub use settings::SessionSettings;
pub use store::sessions::Cleanup;
