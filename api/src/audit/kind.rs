//! What kinds of events the log records, their names and labels, and
//! whether each went through.

use serde::{Deserialize, Serialize};

/// What happened.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    SignedUp,
    SignedIn,
    SignInFailed,
    SignedOut,
    SessionsRevoked,
    TokenReuse,
    PasswordChanged,
    PasswordConfirmed,
    PasswordConfirmFailed,
    PolicyChanged,
    TokenCreated,
    TokensRevoked,
    MemberAdded,
    /// A user was made their account's owner by the server's operator.
    OwnerChanged,
    /// An owner removed a user from the account.
    MemberRemoved,
    /// An owner made a user an owner or a member.
    RoleChanged,
    /// A user set up an authenticator app as their second factor.
    TotpAdded,
    /// A user turned their authenticator app off.
    TotpRemoved,
    /// A user made new recovery codes; the old ones stopped working.
    RecoveryCodesRenewed,
    /// A user registered a passkey.
    PasskeyAdded,
    /// A user removed one of their passkeys.
    PasskeyRemoved,
    /// A session's browser registered the key it keeps on the device.
    DeviceBound,
    /// A proof for a device-bound session was refused (and, when another
    /// device signed it, the session ended).
    DeviceProofFailed,
    /// An owner invited someone by mail to join the account.
    InvitationSent,
    /// An owner revoked a pending invitation.
    InvitationRevoked,
    /// Someone joined the account with the link of an invitation.
    InvitationAccepted,
    /// A user's address was verified by the link mailed to it.
    EmailVerified,
    /// A user asked to change their address: a link went to the new one,
    /// and the old one was told.
    EmailChangeRequested,
    /// A user's address changed, by the link mailed to the new one.
    EmailChanged,
    /// A user turned one kind of security mail on or off.
    SecurityMailChanged,
}

/// Whether what an entry records went through.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    Succeeded,
    /// A wrong password.
    Failed,
    /// A stolen session token was presented and its session ended.
    Blocked,
}

impl AuditKind {
    pub const ALL: [AuditKind; 30] = [
        AuditKind::SignedUp,
        AuditKind::SignedIn,
        AuditKind::SignInFailed,
        AuditKind::SignedOut,
        AuditKind::SessionsRevoked,
        AuditKind::TokenReuse,
        AuditKind::PasswordChanged,
        AuditKind::PasswordConfirmed,
        AuditKind::PasswordConfirmFailed,
        AuditKind::PolicyChanged,
        AuditKind::TokenCreated,
        AuditKind::TokensRevoked,
        AuditKind::MemberAdded,
        AuditKind::OwnerChanged,
        AuditKind::MemberRemoved,
        AuditKind::RoleChanged,
        AuditKind::TotpAdded,
        AuditKind::TotpRemoved,
        AuditKind::RecoveryCodesRenewed,
        AuditKind::PasskeyAdded,
        AuditKind::PasskeyRemoved,
        AuditKind::DeviceBound,
        AuditKind::DeviceProofFailed,
        AuditKind::InvitationSent,
        AuditKind::InvitationRevoked,
        AuditKind::InvitationAccepted,
        AuditKind::EmailVerified,
        AuditKind::EmailChangeRequested,
        AuditKind::EmailChanged,
        AuditKind::SecurityMailChanged,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AuditKind::SignedUp => "signed_up",
            AuditKind::SignedIn => "signed_in",
            AuditKind::SignInFailed => "sign_in_failed",
            AuditKind::SignedOut => "signed_out",
            AuditKind::SessionsRevoked => "sessions_revoked",
            AuditKind::TokenReuse => "token_reuse",
            AuditKind::PasswordChanged => "password_changed",
            AuditKind::PasswordConfirmed => "password_confirmed",
            AuditKind::PasswordConfirmFailed => "password_confirm_failed",
            AuditKind::PolicyChanged => "policy_changed",
            AuditKind::TokenCreated => "token_created",
            AuditKind::TokensRevoked => "tokens_revoked",
            AuditKind::MemberAdded => "member_added",
            AuditKind::OwnerChanged => "owner_changed",
            AuditKind::MemberRemoved => "member_removed",
            AuditKind::RoleChanged => "role_changed",
            AuditKind::TotpAdded => "totp_added",
            AuditKind::TotpRemoved => "totp_removed",
            AuditKind::RecoveryCodesRenewed => "recovery_codes_renewed",
            AuditKind::PasskeyAdded => "passkey_added",
            AuditKind::PasskeyRemoved => "passkey_removed",
            AuditKind::DeviceBound => "device_bound",
            AuditKind::DeviceProofFailed => "device_proof_failed",
            AuditKind::InvitationSent => "invitation_sent",
            AuditKind::InvitationRevoked => "invitation_revoked",
            AuditKind::InvitationAccepted => "invitation_accepted",
            AuditKind::EmailVerified => "email_verified",
            AuditKind::EmailChangeRequested => "email_change_requested",
            AuditKind::EmailChanged => "email_changed",
            AuditKind::SecurityMailChanged => "security_mail_changed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// What the security log calls it.
    pub const fn label(self) -> &'static str {
        match self {
            AuditKind::SignedUp => "Signed up",
            AuditKind::SignedIn => "Signed in",
            AuditKind::SignInFailed => "Sign-in failed",
            AuditKind::SignedOut => "Signed out",
            AuditKind::SessionsRevoked => "Sessions ended",
            AuditKind::TokenReuse => "Stolen session stopped",
            AuditKind::PasswordChanged => "Password changed",
            AuditKind::PasswordConfirmed => "Password confirmed",
            AuditKind::PasswordConfirmFailed => "Password confirmation failed",
            AuditKind::PolicyChanged => "Session policy changed",
            AuditKind::TokenCreated => "API token created",
            AuditKind::TokensRevoked => "API tokens revoked",
            AuditKind::MemberAdded => "Member added",
            AuditKind::OwnerChanged => "Owner changed by the operator",
            AuditKind::MemberRemoved => "Member removed",
            AuditKind::RoleChanged => "Role changed",
            AuditKind::TotpAdded => "Authenticator app set up",
            AuditKind::TotpRemoved => "Authenticator app turned off",
            AuditKind::RecoveryCodesRenewed => "New recovery codes made",
            AuditKind::PasskeyAdded => "Passkey added",
            AuditKind::PasskeyRemoved => "Passkey removed",
            AuditKind::DeviceBound => "Session bound to its device",
            AuditKind::DeviceProofFailed => "Device proof refused",
            AuditKind::InvitationSent => "Invitation sent",
            AuditKind::InvitationRevoked => "Invitation revoked",
            AuditKind::InvitationAccepted => "Invitation accepted",
            AuditKind::EmailVerified => "Email address verified",
            AuditKind::EmailChangeRequested => "Email change asked for",
            AuditKind::EmailChanged => "Email address changed",
            AuditKind::SecurityMailChanged => "Security mail changed",
        }
    }

    /// Whether the entry's target is always a user of the account (who is
    /// then named as its subject, even once removed).
    pub const fn targets_a_user(self) -> bool {
        matches!(
            self,
            AuditKind::MemberAdded
                | AuditKind::InvitationAccepted
                | AuditKind::OwnerChanged
                | AuditKind::MemberRemoved
                | AuditKind::RoleChanged
        )
    }

    pub const fn outcome(self) -> AuditOutcome {
        match self {
            AuditKind::SignInFailed | AuditKind::PasswordConfirmFailed => AuditOutcome::Failed,
            AuditKind::TokenReuse | AuditKind::DeviceProofFailed => AuditOutcome::Blocked,
            _ => AuditOutcome::Succeeded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.as_str());
        }
        assert_eq!(AuditKind::parse("dropped_tables"), None);
    }
}
