//! How sessions begin and why they end, as stored, audited and told to the
//! browser.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Why a session was ended before its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeReason {
    /// The user signed out on that device.
    SignedOut,
    /// The user ended it from another device.
    Revoked,
    /// The account owner signed the user out.
    SignedOutByOwner,
    /// The server's operator signed the user out (`latchkey sessions revoke`).
    SignedOutByOperator,
    /// An owner removed the user from the account.
    RemovedFromAccount,
    /// The user signed in on more devices than the cap allows.
    SessionCap,
    /// The user changed their password.
    PasswordChanged,
    /// A rotated-out token was used again: the session was likely stolen.
    TokenReuse,
    /// The account began to require a second factor, and the user had none.
    SecondFactorRequired,
    /// A session bound to its device was sent a proof that its device did
    /// not sign (another key, or a challenge used again): the session was
    /// likely stolen.
    DeviceProofFailed,
}

impl RevokeReason {
    /// Whether it ended the session as stolen: the user is told at their
    /// next sign-in, and the browser sent there with `session_taken`.
    pub const fn taken(self) -> bool {
        matches!(
            self,
            RevokeReason::TokenReuse | RevokeReason::DeviceProofFailed
        )
    }

    pub const ALL: [RevokeReason; 10] = [
        RevokeReason::SignedOut,
        RevokeReason::Revoked,
        RevokeReason::SignedOutByOwner,
        RevokeReason::SignedOutByOperator,
        RevokeReason::RemovedFromAccount,
        RevokeReason::SessionCap,
        RevokeReason::PasswordChanged,
        RevokeReason::TokenReuse,
        RevokeReason::SecondFactorRequired,
        RevokeReason::DeviceProofFailed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RevokeReason::SignedOut => "signed_out",
            RevokeReason::Revoked => "revoked",
            RevokeReason::SignedOutByOwner => "signed_out_by_owner",
            RevokeReason::SignedOutByOperator => "signed_out_by_operator",
            RevokeReason::RemovedFromAccount => "removed_from_account",
            RevokeReason::SessionCap => "session_cap",
            RevokeReason::PasswordChanged => "password_changed",
            RevokeReason::TokenReuse => "token_reuse",
            RevokeReason::SecondFactorRequired => "second_factor_required",
            RevokeReason::DeviceProofFailed => "device_proof_failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == raw)
    }
}

/// How a session was signed in: the password alone, or with which second
/// factor after it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    Password,
    /// The password, then a code from the authenticator app.
    PasswordAndTotp,
    /// The password, then one of the recovery codes.
    PasswordAndRecoveryCode,
    /// The password, then a passkey.
    PasswordAndPasskey,
    /// A passkey alone (it is two factors itself: the device, and the
    /// fingerprint, face or PIN that unlocks it).
    Passkey,
}

impl SignInMethod {
    pub const ALL: [SignInMethod; 5] = [
        SignInMethod::Password,
        SignInMethod::PasswordAndTotp,
        SignInMethod::PasswordAndRecoveryCode,
        SignInMethod::PasswordAndPasskey,
        SignInMethod::Passkey,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SignInMethod::Password => "password",
            SignInMethod::PasswordAndTotp => "password_and_totp",
            SignInMethod::PasswordAndRecoveryCode => "password_and_recovery_code",
            SignInMethod::PasswordAndPasskey => "password_and_passkey",
            SignInMethod::Passkey => "passkey",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.as_str() == raw)
    }

    /// How the sessions list says it.
    pub const fn label(self) -> &'static str {
        match self {
            SignInMethod::Password => "Password",
            SignInMethod::PasswordAndTotp => "Password and authenticator app",
            SignInMethod::PasswordAndRecoveryCode => "Password and recovery code",
            SignInMethod::PasswordAndPasskey => "Password and passkey",
            SignInMethod::Passkey => "Passkey",
        }
    }
}

/// What a security notice tells the user.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A session of theirs was used from somewhere else and has been ended.
    SessionTaken,
    /// Their password was changed (from another session).
    PasswordChanged,
    /// An API token was created (from another session); `detail` is its name.
    TokenCreated,
    /// A sign-in from a device not seen before; `detail` describes it.
    NewDevice,
    /// Two-step sign-in was turned on or off; `detail` says which, and by
    /// whom when it was the account's owner.
    SecondFactorChanged,
    /// A passkey was added or removed; `detail` says which.
    PasskeyChanged,
    /// A code from their authenticator app was sent again after it had
    /// been used: someone may be watching their codes.
    CodeReused,
    /// The server's operator reset their password and ended everything
    /// that signed in as them; `detail` says what ended.
    AccountRecovered,
    /// An owner made them an owner or a member; `detail` says which, and
    /// by whom.
    RoleChanged,
    /// An owner removed them from the account (told by mail only: they can
    /// no longer sign in); `detail` names the owner.
    RemovedFromAccount,
    /// They asked to change their address; `detail` is the new one, which
    /// takes effect once the link mailed to it is used. Told to the old
    /// address.
    EmailChanging,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 11] = [
        NoticeKind::SessionTaken,
        NoticeKind::PasswordChanged,
        NoticeKind::TokenCreated,
        NoticeKind::NewDevice,
        NoticeKind::SecondFactorChanged,
        NoticeKind::PasskeyChanged,
        NoticeKind::CodeReused,
        NoticeKind::AccountRecovered,
        NoticeKind::RoleChanged,
        NoticeKind::RemovedFromAccount,
        NoticeKind::EmailChanging,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            NoticeKind::SessionTaken => "session_taken",
            NoticeKind::PasswordChanged => "password_changed",
            NoticeKind::TokenCreated => "token_created",
            NoticeKind::NewDevice => "new_device",
            NoticeKind::SecondFactorChanged => "second_factor_changed",
            NoticeKind::PasskeyChanged => "passkey_changed",
            NoticeKind::CodeReused => "code_reused",
            NoticeKind::AccountRecovered => "account_recovered",
            NoticeKind::RoleChanged => "role_changed",
            NoticeKind::RemovedFromAccount => "removed_from_account",
            NoticeKind::EmailChanging => "email_changing",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// Whether a person may turn this kind's mail off (the notice in the
    /// page is told all the same). The mail that protects the account is
    /// always sent: it is how a person hears that someone else got in, or
    /// is locking them out, when that someone may be the one signed in.
    /// The page, the server and docs/email.md give this one answer.
    pub const fn may_turn_off_mail(self) -> bool {
        match self {
            // Someone else used a session of theirs.
            NoticeKind::SessionTaken
            // A password changed by someone else locks them out.
            | NoticeKind::PasswordChanged
            // A second factor turned off opens the door to a password alone.
            | NoticeKind::SecondFactorChanged
            // A passkey added is a way in that needs no password.
            | NoticeKind::PasskeyChanged
            // Someone may be watching their authenticator codes.
            | NoticeKind::CodeReused
            // The operator ended everything that signed in as them.
            | NoticeKind::AccountRecovered
            // They can no longer sign in: the mail is all they get.
            | NoticeKind::RemovedFromAccount
            // The old address is the only one that can stop a takeover.
            | NoticeKind::EmailChanging => false,
            // They sign in on new devices themselves; a session taken is
            // mailed all the same, and the page lists every session.
            NoticeKind::NewDevice
            // Made only from a browser session that confirmed it lately,
            // and listed on the page.
            | NoticeKind::TokenCreated
            // An owner's decision, told in the page and the security log;
            // it gives nobody a way in.
            | NoticeKind::RoleChanged => true,
        }
    }
}

/// Something the user must be told, shown once, in a session other than
/// the one that caused it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityNotice {
    /// What the page sends back once it has shown the notice.
    pub id: crate::NoticeId,
    pub kind: NoticeKind,
    pub at: Timestamp,
    /// What it is about: a token's name, a device and address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// `account_notice_acknowledge`: the notices the page has shown, which are
/// not shown again.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeAcknowledgeParams {
    pub ids: Vec<crate::NoticeId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_through_their_stored_names() {
        for reason in RevokeReason::ALL {
            assert_eq!(RevokeReason::parse(reason.as_str()), Some(reason));
            assert_eq!(
                serde_json::to_string(&reason).unwrap(),
                format!("\"{}\"", reason.as_str())
            );
        }
        assert_eq!(RevokeReason::parse("nope"), None);
    }

    #[test]
    fn sign_in_methods_round_trip_through_their_stored_names() {
        for method in SignInMethod::ALL {
            assert_eq!(SignInMethod::parse(method.as_str()), Some(method));
            assert_eq!(
                serde_json::to_string(&method).unwrap(),
                format!("\"{}\"", method.as_str())
            );
        }
        assert_eq!(SignInMethod::parse("magic"), None);
    }

    #[test]
    fn only_new_devices_new_tokens_and_role_changes_may_go_unmailed() {
        let optional: Vec<NoticeKind> = NoticeKind::ALL
            .into_iter()
            .filter(|kind| kind.may_turn_off_mail())
            .collect();

        assert_eq!(
            optional,
            [
                NoticeKind::TokenCreated,
                NoticeKind::NewDevice,
                NoticeKind::RoleChanged
            ]
        );
    }
}
