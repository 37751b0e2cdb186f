//! Parameters and results of the account actions, shared by JSON-RPC, the
//! server functions and the UI.

mod caller;
mod email;
mod invitations;
mod members;
mod outcomes;
mod password;
mod security;
mod security_mail;
mod sessions;
mod sign_out;
mod tokens;

pub use caller::{CredentialKind, Verified};
pub use email::{
    EmailChangeParams, EmailStatus, EmailVerificationShown, EmailVerified, EmailVerifyRequest,
    PendingVerification,
};
pub use invitations::{
    InvitationAcceptRequest, InvitationRevokeParams, InvitationShown, Invitations, InviteParams,
    PendingInvitation,
};
pub use members::{
    MemberInfo, MemberRemoveParams, MemberRemoved, MemberRoleSet, MemberRoleSetParams,
    MemberSecondFactorReset, MemberSecondFactorResetParams, MemberSignOutParams, MemberSignedOut,
};
pub use outcomes::{Count, Revoked};
pub use password::{PasswordChange, PasswordChanged, PasswordConfirmParams, PasswordConfirmed};
pub use security::{
    ActiveUser, PolicyBounds, PolicySet, PolicySetParams, PolicyView, SecurityOverview,
};
pub use security_mail::{SecurityMail, SecurityMailKind, SecurityMailSetParams};
pub use sessions::{SessionInfo, SessionRevokeAllParams, SessionRevokeParams};
pub use sign_out::{AccountSignedOut, RevokeScope, SessionsRevokeParams};
pub use tokens::{
    CreatedToken, TOKEN_MAX_DAYS, TOKEN_NAME_MAX_CHARS, TokenCreateParams, TokenInfo,
    TokenRevokeParams,
};
