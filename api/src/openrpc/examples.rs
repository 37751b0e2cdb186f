//! The values the examples are made of: one user, their session, token,
//! passkey and so on, the same throughout the document.

use serde_json::json;

use crate::{
    AccountId, ActiveUser, AuditCursor, AuditEntry, AuditKind, AuditPage, AuditPerson,
    CreatedToken, CredentialKind, Me, MemberInfo, PasskeyCeremony, PasskeyId, PasskeyInfo,
    PolicyBounds, PolicyView, Preset, RecoveryCodes, Role, SecondFactorStatus, SessionId,
    SessionInfo, SignInMethod, Timestamp, TokenId, TokenInfo, TokenScope, TotpSetup, UserId,
    Verified,
};

/// The values the examples share.
pub(super) struct Examples {
    pub(super) now: Timestamp,
    pub(super) user_id: UserId,
    pub(super) session_id: SessionId,
    pub(super) token_id: TokenId,
}

impl Examples {
    pub(super) fn new() -> Self {
        Self {
            now: Timestamp::from_millis(1_767_225_600_000),
            user_id: UserId::from_random_bytes([0x1a; 16]),
            session_id: SessionId::from_random_bytes([0x2b; 16]),
            token_id: TokenId::from_random_bytes([0x3c; 16]),
        }
    }

    pub(super) fn me(&self) -> Me {
        Me {
            user_id: self.user_id.clone(),
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            role: Role::Owner,
            account_id: AccountId::from_random_bytes([0x4d; 16]),
            account_name: "Acme".into(),
        }
    }

    pub(super) fn verified(&self) -> Verified {
        Verified {
            me: self.me(),
            credential: CredentialKind::Session,
            session_id: Some(self.session_id.clone()),
            idle_ends_at: Some(self.now.plus_millis(60 * 60 * 1000)),
            absolute_ends_at: Some(self.now.plus_millis(24 * 60 * 60 * 1000)),
            signed_in_with: Some(SignInMethod::PasswordAndTotp),
            device_bound: Some(true),
            token_id: None,
            token_scope: None,
        }
    }

    pub(super) fn session_info(&self) -> SessionInfo {
        SessionInfo {
            session_id: self.session_id.clone(),
            device: "Firefox on Linux".into(),
            ip: Some("203.0.113.7".into()),
            signed_in_at: self.now,
            last_active_at: self.now,
            idle_ends_at: self.now.plus_millis(60 * 60 * 1000),
            absolute_ends_at: self.now.plus_millis(24 * 60 * 60 * 1000),
            current: true,
            signed_in_with: SignInMethod::PasswordAndTotp,
            device_bound: true,
        }
    }

    pub(super) fn created_token(&self) -> CreatedToken {
        CreatedToken {
            id: self.token_id.clone(),
            name: "deploy script".into(),
            token: "lk_EXAMPLE-not-a-real-token-000000000000000".into(),
            scope: TokenScope::ReadOnly,
            created_at: self.now,
            expires_at: Some(self.now.plus_millis(90 * 24 * 60 * 60 * 1000)),
        }
    }

    pub(super) fn token_info(&self) -> TokenInfo {
        TokenInfo {
            id: self.token_id.clone(),
            name: "deploy script".into(),
            scope: TokenScope::ReadOnly,
            created_at: self.now,
            last_used_at: None,
            expires_at: None,
        }
    }

    pub(super) fn policy_view() -> PolicyView {
        PolicyView {
            policy_override: Some(Preset::Standard.policy()),
            preset: Some(Preset::Standard),
            default_idle_seconds: 3600,
            default_absolute_seconds: 86_400,
            effective_idle_seconds: 3600,
            effective_absolute_seconds: 86_400,
            bounds: PolicyBounds::current(),
            unbound: Some(Preset::Strict.policy()),
            unbound_preset: Some(Preset::Strict),
            effective_unbound_idle_seconds: 900,
            effective_unbound_absolute_seconds: 28_800,
            second_factor_required: false,
        }
    }

    pub(super) fn member_info(&self) -> MemberInfo {
        MemberInfo {
            user_id: self.user_id.clone(),
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            role: Role::Owner,
            added_at: self.now,
            last_active_at: Some(self.now),
            live_sessions: 2,
            bound_sessions: 1,
            usable_tokens: 1,
            totp_since: Some(self.now),
            you: true,
        }
    }

    pub(super) fn audit_page(&self) -> AuditPage {
        let id = "5e".repeat(16);
        AuditPage {
            entries: vec![AuditEntry {
                id: id.clone(),
                at: self.now,
                kind: AuditKind::SignedIn,
                outcome: AuditKind::SignedIn.outcome(),
                actor: Some(AuditPerson {
                    user_id: self.user_id.clone(),
                    name: Some("Ada Lovelace".into()),
                }),
                subject: None,
                target: Some(self.session_id.as_str().to_owned()),
                device: Some("Firefox on Linux".into()),
                ip: Some("203.0.113.7".into()),
                detail: json!({}),
            }],
            next_cursor: Some(AuditCursor::after(self.now, &id)),
        }
    }

    pub(super) fn second_factor(&self) -> SecondFactorStatus {
        SecondFactorStatus {
            totp_since: Some(self.now),
            recovery_codes_left: 9,
            passkeys: 1,
        }
    }

    pub(super) fn passkey_info(&self) -> PasskeyInfo {
        PasskeyInfo {
            passkey_id: PasskeyId::from_random_bytes([0x4d; 16]),
            name: "Work laptop".into(),
            created_at: self.now,
            last_used_at: Some(self.now),
        }
    }

    pub(super) fn passkey_ceremony() -> PasskeyCeremony {
        PasskeyCeremony {
            ceremony: "VGhlIGNlcmVtb255IHRoZSBzdGFydCBhbnN3ZXJlZAAA".into(),
            options: json!({
                "challenge": "b64url-challenge",
                "rpId": "latchkey.example.com",
                "userVerification": "required",
                "timeout": 300_000,
            }),
        }
    }

    pub(super) fn totp_setup() -> TotpSetup {
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        TotpSetup {
            secret: secret.to_owned(),
            uri: format!(
                "otpauth://totp/Latchkey:ada%40example.com?secret={secret}&issuer=Latchkey"
            ),
        }
    }

    pub(super) fn recovery_codes() -> RecoveryCodes {
        let codes = ["ABCD-EFGH-IJKL-MN23", "QRST-UVWX-YZ23-4567"];
        RecoveryCodes {
            codes: codes.into_iter().map(str::to_owned).collect(),
        }
    }

    pub(super) fn active_user(&self) -> ActiveUser {
        ActiveUser {
            user_id: self.user_id.clone(),
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            last_active_at: self.now,
            you: true,
        }
    }
}
