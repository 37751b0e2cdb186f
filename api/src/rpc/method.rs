//! The account actions, each by its JSON-RPC method name, which is also
//! how it is written in a token's scope and in JSON.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The account actions, by JSON-RPC method name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Verify,
    SessionList,
    SessionRevoke,
    SessionRevokeAll,
    TokenCreate,
    TokenList,
    TokenRevoke,
    SecurityGet,
    PolicyGet,
    PolicySet,
    SessionsRevoke,
    PasswordConfirm,
    PasswordChange,
    MemberAdd,
    MemberSignOut,
    MemberList,
    MemberRemove,
    MemberRoleSet,
    AuditList,
    SecondFactorGet,
    TotpSetupStart,
    TotpSetupConfirm,
    TotpTurnOff,
    MemberSecondFactorReset,
    SecondFactorPolicySet,
    RecoveryCodesRenew,
    PasskeyList,
    PasskeyRegisterStart,
    PasskeyRegisterFinish,
    PasskeyRemove,
    PasskeyConfirmStart,
    NoticeList,
    NoticeAcknowledge,
    MemberInvite,
    InvitationList,
    InvitationRevoke,
    EmailGet,
    EmailVerificationSend,
    EmailChange,
    SecurityMailGet,
    SecurityMailSet,
}

impl Method {
    pub const ALL: [Method; 41] = [
        Method::Verify,
        Method::SessionList,
        Method::SessionRevoke,
        Method::SessionRevokeAll,
        Method::TokenCreate,
        Method::TokenList,
        Method::TokenRevoke,
        Method::SecurityGet,
        Method::PolicyGet,
        Method::PolicySet,
        Method::SessionsRevoke,
        Method::PasswordConfirm,
        Method::PasswordChange,
        Method::MemberAdd,
        Method::MemberSignOut,
        Method::MemberList,
        Method::MemberRemove,
        Method::MemberRoleSet,
        Method::AuditList,
        Method::SecondFactorGet,
        Method::TotpSetupStart,
        Method::TotpSetupConfirm,
        Method::TotpTurnOff,
        Method::MemberSecondFactorReset,
        Method::SecondFactorPolicySet,
        Method::RecoveryCodesRenew,
        Method::PasskeyList,
        Method::PasskeyRegisterStart,
        Method::PasskeyRegisterFinish,
        Method::PasskeyRemove,
        Method::PasskeyConfirmStart,
        Method::NoticeList,
        Method::NoticeAcknowledge,
        Method::MemberInvite,
        Method::InvitationList,
        Method::InvitationRevoke,
        Method::EmailGet,
        Method::EmailVerificationSend,
        Method::EmailChange,
        Method::SecurityMailGet,
        Method::SecurityMailSet,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Method::Verify => "account_verify",
            Method::SessionList => "account_session_list",
            Method::SessionRevoke => "account_session_revoke",
            Method::SessionRevokeAll => "account_session_revoke_all",
            Method::TokenCreate => "account_token_create",
            Method::TokenList => "account_token_list",
            Method::TokenRevoke => "account_token_revoke",
            Method::SecurityGet => "account_security_get",
            Method::PolicyGet => "account_policy_get",
            Method::PolicySet => "account_policy_set",
            Method::SessionsRevoke => "account_sessions_revoke",
            Method::PasswordConfirm => "account_password_confirm",
            Method::PasswordChange => "account_password_change",
            Method::MemberAdd => "account_member_add",
            Method::MemberSignOut => "account_member_sign_out",
            Method::MemberList => "account_member_list",
            Method::MemberRemove => "account_member_remove",
            Method::MemberRoleSet => "account_member_role_set",
            Method::AuditList => "account_audit_list",
            Method::SecondFactorGet => "account_second_factor_get",
            Method::TotpSetupStart => "account_totp_setup_start",
            Method::TotpSetupConfirm => "account_totp_setup_confirm",
            Method::TotpTurnOff => "account_totp_turn_off",
            Method::MemberSecondFactorReset => "account_member_second_factor_reset",
            Method::SecondFactorPolicySet => "account_second_factor_policy_set",
            Method::RecoveryCodesRenew => "account_recovery_codes_renew",
            Method::PasskeyList => "account_passkey_list",
            Method::PasskeyRegisterStart => "account_passkey_register_start",
            Method::PasskeyRegisterFinish => "account_passkey_register_finish",
            Method::PasskeyRemove => "account_passkey_remove",
            Method::PasskeyConfirmStart => "account_passkey_confirm_start",
            Method::NoticeList => "account_notice_list",
            Method::NoticeAcknowledge => "account_notice_acknowledge",
            Method::MemberInvite => "account_member_invite",
            Method::InvitationList => "account_invitation_list",
            Method::InvitationRevoke => "account_invitation_revoke",
            Method::EmailGet => "account_email_get",
            Method::EmailVerificationSend => "account_email_verification_send",
            Method::EmailChange => "account_email_change",
            Method::SecurityMailGet => "account_security_mail_get",
            Method::SecurityMailSet => "account_security_mail_set",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.name() == name)
    }
}

impl Serialize for Method {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Method {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Method::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("there is no method {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_name_round_trips() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.name()), Some(method));
        }
    }
}
