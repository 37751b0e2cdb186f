//! Types shared by the browser (WASM) and the server.
//!
//! Everything here is plain data and pure functions: no I/O, no async, so the
//! same validation runs in the browser as the user types and on the server
//! before anything is stored.

mod access;
mod account;
mod audit;
mod display;
mod error;
mod expiry;
mod ids;
mod inputs;
mod live;
mod me;
pub mod messages;
#[cfg(feature = "schema")]
pub mod openapi;
#[cfg(feature = "schema")]
pub mod openrpc;
mod passkey;
pub mod paths;
mod policy;
mod probe;
pub mod rpc;
mod scope;
mod second_factor;
mod session;
mod sign_in;
mod time;

pub use access::{Credentials, Effect, Proof, Requirements, Who};
pub use account::{
    AccountSignedOut, ActiveUser, Count, CreatedToken, CredentialKind, EmailChangeParams,
    EmailStatus, EmailVerificationShown, EmailVerified, EmailVerifyRequest,
    InvitationAcceptRequest, InvitationRevokeParams, InvitationShown, Invitations, InviteParams,
    MemberInfo, MemberRemoveParams, MemberRemoved, MemberRoleSet, MemberRoleSetParams,
    MemberSecondFactorReset, MemberSecondFactorResetParams, MemberSignOutParams, MemberSignedOut,
    PasswordChange, PasswordChanged, PasswordConfirmParams, PasswordConfirmed, PendingInvitation,
    PendingVerification, PolicyBounds, PolicySet, PolicySetParams, PolicyView, RevokeScope,
    Revoked, SecurityMail, SecurityMailKind, SecurityMailSetParams, SecurityOverview, SessionInfo,
    SessionRevokeAllParams, SessionRevokeParams, SessionsRevokeParams, TOKEN_MAX_DAYS,
    TOKEN_NAME_MAX_CHARS, TokenCreateParams, TokenInfo, TokenRevokeParams, Verified,
};
pub use audit::{
    AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, AuditCursor, AuditEntry, AuditKind, AuditListParams,
    AuditOutcome, AuditPage, AuditPerson,
};
pub use display::{ago, countdown, exact, remaining};
pub use error::{ApiError, ErrorCode};
pub use expiry::{EndKind, ExpiryWarning, WARN_BEFORE_MS, expiry_warning, warning_starts_at};
pub use ids::{AccountId, IdError, InvitationId, NoticeId, PasskeyId, SessionId, TokenId, UserId};
pub use inputs::{
    DisplayName, EmailAddress, InputError, LoginRequest, NewMemberRequest, PASSWORD_MAX_CHARS,
    PASSWORD_MIN_CHARS, Password, SignupRequest,
};
pub use live::LiveEvent;
pub use me::{Me, Role, SignedIn};
pub use passkey::{
    MAX_PASSKEYS_PER_USER, PASSKEY_NAME_MAX_CHARS, PasskeyAssertion, PasskeyCeremony, PasskeyInfo,
    PasskeyName, PasskeyRegisterParams, PasskeyRemoveParams,
};
pub use policy::{ABSOLUTE_MINUTES, IDLE_MINUTES, PolicyErrors, PolicyFor, Preset, SessionPolicy};
pub use probe::{OutboxState, ProbeAnswer, ProbeStatus};
pub use scope::TokenScope;
pub use second_factor::{
    LoginCodeRequest, ONE_TIME_CODE_DIGITS, OneTimeCode, RECOVERY_CODE_CHARS, RECOVERY_CODE_COUNT,
    RecoveryCode, RecoveryCodes, SecondFactorCode, SecondFactorPolicySet,
    SecondFactorPolicySetParams, SecondFactorStatus, TotpConfirmParams, TotpSetup,
    TotpTurnOffParams, in_fours,
};
pub use session::{
    NoticeAcknowledgeParams, NoticeKind, RevokeReason, SecurityNotice, SignInMethod,
};
pub use sign_in::{
    ForgotPasswordRequest, NewPasswordRequest, NotMeDone, NotMeRequest, PasswordResetDone,
    PasswordResetRequest, ResetLinkShown, ResetPasskeyStartRequest, SignInChallenge,
    SignInWaitsFor,
};
pub use time::{Timestamp, millis};
