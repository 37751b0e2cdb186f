//! Each method's params and result, as the types the dispatcher decodes
//! and answers with, and one example call and answer.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde_json::{Value, json};

use super::examples::Examples;
use crate::rpc::Method;
use crate::{
    AccountSignedOut, AuditListParams, AuditPage, Count, CreatedToken, EmailChangeParams,
    EmailStatus, InvitationId, InvitationRevokeParams, Invitations, InviteParams, Me, MemberInfo,
    MemberRemoveParams, MemberRemoved, MemberRoleSet, MemberRoleSetParams, MemberSecondFactorReset,
    MemberSecondFactorResetParams, MemberSignOutParams, MemberSignedOut, NewMemberRequest,
    NoticeAcknowledgeParams, NoticeId, NoticeKind, PasskeyCeremony, PasskeyInfo,
    PasskeyRegisterParams, PasskeyRemoveParams, PasswordChange, PasswordChanged,
    PasswordConfirmParams, PasswordConfirmed, PendingInvitation, PendingVerification, PolicySet,
    PolicySetParams, PolicyView, RecoveryCodes, Revoked, Role, SecondFactorPolicySet,
    SecondFactorPolicySetParams, SecondFactorStatus, SecurityMail, SecurityMailKind,
    SecurityMailSetParams, SecurityNotice, SecurityOverview, SessionInfo, SessionRevokeAllParams,
    SessionRevokeParams, SessionsRevokeParams, TokenCreateParams, TokenInfo, TokenRevokeParams,
    TotpConfirmParams, TotpSetup, TotpTurnOffParams, Verified,
};

/// What the document says of one method.
pub(super) struct Described {
    /// The params object's schema; `None` for a method that takes none.
    pub(super) params: Option<fn(&mut SchemaGenerator) -> Schema>,
    pub(super) result: fn(&mut SchemaGenerator) -> Schema,
    pub(super) example_params: Value,
    pub(super) example_result: Value,
}

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

fn value<T: Serialize>(example: &T) -> Value {
    serde_json::to_value(example).unwrap_or(Value::Null)
}

#[allow(clippy::too_many_lines, reason = "one short arm per method")]
pub(super) fn describe(method: Method) -> Described {
    let ex = Examples::new();
    match method {
        Method::Verify => plain::<Verified>(value(&ex.verified())),
        Method::SessionList => plain::<Vec<SessionInfo>>(value(&vec![ex.session_info()])),
        Method::SessionRevoke => taking::<SessionRevokeParams, Revoked>(
            json!({"session_id": ex.session_id}),
            value(&Revoked { revoked: true }),
        ),
        Method::SessionRevokeAll => taking::<SessionRevokeAllParams, Count>(
            json!({"except_current": true}),
            value(&Count { count: 2 }),
        ),
        Method::TokenCreate => taking::<TokenCreateParams, CreatedToken>(
            json!({"name": "deploy script", "expires_in_days": 90, "scope": "read_only"}),
            value(&ex.created_token()),
        ),
        Method::TokenList => plain::<Vec<TokenInfo>>(value(&vec![ex.token_info()])),
        Method::TokenRevoke => taking::<TokenRevokeParams, Revoked>(
            json!({"token_id": ex.token_id}),
            value(&Revoked { revoked: true }),
        ),
        Method::SecurityGet => plain::<SecurityOverview>(value(&SecurityOverview {
            policy: Examples::policy_view(),
            active_users: vec![ex.active_user()],
        })),
        Method::PolicyGet => plain::<PolicyView>(value(&Examples::policy_view())),
        Method::PolicySet => taking::<PolicySetParams, PolicySet>(
            json!({"preset": "strict", "apply_to_live_sessions": true}),
            value(&PolicySet {
                policy: Examples::policy_view(),
                sessions_shortened: 3,
            }),
        ),
        Method::SessionsRevoke => taking::<SessionsRevokeParams, AccountSignedOut>(
            json!({"scope": "others", "revoke_api_tokens": false}),
            value(&AccountSignedOut {
                count: 4,
                tokens: None,
            }),
        ),
        Method::PasswordConfirm => taking::<PasswordConfirmParams, PasswordConfirmed>(
            json!({"password": "correct horse battery staple"}),
            value(&PasswordConfirmed {
                until: ex.now.plus_millis(15 * 60 * 1000),
            }),
        ),
        Method::PasswordChange => taking::<PasswordChange, PasswordChanged>(
            json!({
                "current_password": "correct horse battery staple",
                "new_password": "another long and fresh passphrase",
                "revoke_api_tokens": false,
            }),
            value(&PasswordChanged {
                other_sessions_ended: 2,
                api_tokens_revoked: 0,
            }),
        ),
        Method::MemberAdd => taking::<NewMemberRequest, Me>(
            json!({
                "name": "Grace Hopper",
                "email": "grace@example.com",
                "password": "a first password to change",
            }),
            value(&Me {
                name: "Grace Hopper".into(),
                email: "grace@example.com".into(),
                role: Role::Member,
                ..ex.me()
            }),
        ),
        Method::NoticeList => plain::<Vec<SecurityNotice>>(value(&vec![SecurityNotice {
            id: NoticeId::from_random_bytes([0x6f; 16]),
            kind: NoticeKind::NewDevice,
            at: ex.now,
            detail: Some("Firefox on Linux, 203.0.113.7".into()),
        }])),
        Method::NoticeAcknowledge => taking::<NoticeAcknowledgeParams, Count>(
            json!({"ids": [NoticeId::from_random_bytes([0x6f; 16])]}),
            value(&Count { count: 1 }),
        ),
        Method::MemberSignOut => taking::<MemberSignOutParams, MemberSignedOut>(
            json!({"user_id": ex.user_id, "revoke_api_tokens": true}),
            value(&MemberSignedOut {
                sessions: 2,
                tokens: 1,
            }),
        ),
        Method::MemberList => plain::<Vec<MemberInfo>>(value(&vec![ex.member_info()])),
        Method::MemberInvite => taking::<InviteParams, PendingInvitation>(
            json!({"email": "katherine@example.com"}),
            value(&invitation(&ex)),
        ),
        Method::InvitationList => plain::<Invitations>(value(&Invitations {
            sends_mail: true,
            pending: vec![invitation(&ex)],
        })),
        Method::EmailGet => plain::<EmailStatus>(value(&EmailStatus {
            email: "ada@example.com".into(),
            verified_at: Some(ex.now),
            sends_mail: true,
            pending: Some(verification(&ex)),
        })),
        Method::EmailVerificationSend => plain::<PendingVerification>(value(&verification(&ex))),
        Method::EmailChange => taking::<EmailChangeParams, PendingVerification>(
            json!({"new_email": "ada@new.example.com", "current_password": "correct horse battery"}),
            value(&verification(&ex)),
        ),
        Method::SecurityMailGet => plain::<SecurityMail>(value(&SecurityMail {
            sends_mail: true,
            kinds: NoticeKind::ALL
                .into_iter()
                .map(|kind| SecurityMailKind::new(kind, kind == NoticeKind::NewDevice))
                .collect(),
        })),
        Method::SecurityMailSet => taking::<SecurityMailSetParams, SecurityMailKind>(
            json!({"kind": "new_device", "on": false}),
            value(&SecurityMailKind::new(NoticeKind::NewDevice, true)),
        ),
        Method::InvitationRevoke => taking::<InvitationRevokeParams, Revoked>(
            json!({"invitation_id": invitation(&ex).invitation_id}),
            value(&Revoked { revoked: true }),
        ),
        Method::MemberRemove => taking::<MemberRemoveParams, MemberRemoved>(
            json!({"user_id": ex.user_id}),
            value(&MemberRemoved {
                sessions: 2,
                tokens: 1,
            }),
        ),
        Method::MemberRoleSet => taking::<MemberRoleSetParams, MemberRoleSet>(
            json!({"user_id": ex.user_id, "role": "owner"}),
            value(&MemberRoleSet {
                user_id: ex.user_id.clone(),
                role: Role::Owner,
                changed: true,
            }),
        ),
        Method::AuditList => taking::<AuditListParams, AuditPage>(
            json!({"limit": 1, "kind": "signed_in"}),
            value(&ex.audit_page()),
        ),
        Method::SecondFactorGet => plain::<SecondFactorStatus>(value(&ex.second_factor())),
        Method::TotpSetupStart => plain::<TotpSetup>(value(&Examples::totp_setup())),
        Method::TotpSetupConfirm => taking::<TotpConfirmParams, RecoveryCodes>(
            json!({"code": "123456"}),
            value(&Examples::recovery_codes()),
        ),
        Method::MemberSecondFactorReset => {
            taking::<MemberSecondFactorResetParams, MemberSecondFactorReset>(
                json!({"user_id": ex.user_id}),
                value(&MemberSecondFactorReset { turned_off: true }),
            )
        }
        Method::SecondFactorPolicySet => {
            taking::<SecondFactorPolicySetParams, SecondFactorPolicySet>(
                json!({"required": true}),
                value(&SecondFactorPolicySet {
                    required: true,
                    sessions_ended: 2,
                    api_tokens_revoked: 1,
                }),
            )
        }
        Method::RecoveryCodesRenew => plain::<RecoveryCodes>(value(&Examples::recovery_codes())),
        Method::PasskeyList => plain::<Vec<PasskeyInfo>>(value(&vec![ex.passkey_info()])),
        Method::PasskeyRegisterStart | Method::PasskeyConfirmStart => {
            plain::<PasskeyCeremony>(value(&Examples::passkey_ceremony()))
        }
        Method::PasskeyRegisterFinish => taking::<PasskeyRegisterParams, PasskeyInfo>(
            json!({
                "name": "Work laptop",
                "ceremony": "VGhlIGNlcmVtb255IHRoZSBzdGFydCBhbnN3ZXJlZAAA",
                "credential": {"id": "…", "rawId": "…", "type": "public-key", "response": {}},
            }),
            value(&ex.passkey_info()),
        ),
        Method::PasskeyRemove => taking::<PasskeyRemoveParams, Revoked>(
            json!({"passkey_id": ex.passkey_info().passkey_id}),
            value(&Revoked { revoked: true }),
        ),
        Method::TotpTurnOff => taking::<TotpTurnOffParams, SecondFactorStatus>(
            json!({"password": "correct horse battery staple", "code": "123456"}),
            value(&SecondFactorStatus {
                totp_since: None,
                recovery_codes_left: 0,
                passkeys: 0,
            }),
        ),
    }
}

/// A method taking params `P` and answering `R`.
fn taking<P: JsonSchema, R: JsonSchema>(example_params: Value, example_result: Value) -> Described {
    Described {
        params: Some(schema::<P>),
        result: schema::<R>,
        example_params,
        example_result,
    }
}

/// The pending invitation of the examples.
fn invitation(ex: &Examples) -> PendingInvitation {
    PendingInvitation {
        invitation_id: InvitationId::from_random_bytes([0x7e; 16]),
        email: "katherine@example.com".into(),
        sent_at: ex.now,
        expires_at: ex.now.plus_millis(7 * 24 * 60 * 60 * 1000),
    }
}

/// The link of the examples that verifies a new address.
fn verification(ex: &Examples) -> PendingVerification {
    PendingVerification {
        email: "ada@new.example.com".into(),
        sent_at: ex.now,
        expires_at: ex.now.plus_millis(24 * 60 * 60 * 1000),
    }
}

/// A method taking no params and answering `R`.
fn plain<R: JsonSchema>(example_result: Value) -> Described {
    Described {
        params: None,
        result: schema::<R>,
        example_params: json!({}),
        example_result,
    }
}
