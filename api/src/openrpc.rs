//! The `OpenRPC` document of the JSON-RPC methods (`GET /api/openrpc.json`).
//! Every schema in it is generated from the types the dispatcher decodes
//! and answers with, so it cannot drift from them; each method also carries
//! one example call and answer.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::rpc::{Method, RpcError};
use crate::{
    AccountId, AccountSignedOut, ActiveUser, AuditCursor, AuditEntry, AuditKind, AuditListParams,
    AuditPage, AuditPerson, Count, CreatedToken, CredentialKind, Credentials, Me, MemberInfo,
    MemberRemoveParams, MemberRemoved, MemberRoleSet, MemberRoleSetParams, MemberSecondFactorReset,
    MemberSecondFactorResetParams, MemberSignOutParams, MemberSignedOut, NewMemberRequest,
    NoticeAcknowledgeParams, NoticeId, NoticeKind, PasskeyCeremony, PasskeyId, PasskeyInfo,
    PasskeyRegisterParams, PasskeyRemoveParams, PasswordChange, PasswordChanged,
    PasswordConfirmParams, PasswordConfirmed, PolicyBounds, PolicySet, PolicySetParams, PolicyView,
    Preset, Proof, RecoveryCodes, Revoked, Role, SecondFactorPolicySet,
    SecondFactorPolicySetParams, SecondFactorStatus, SecurityNotice, SecurityOverview, SessionId,
    SessionInfo, SessionRevokeAllParams, SessionRevokeParams, SessionsRevokeParams, SignInMethod,
    Timestamp, TokenCreateParams, TokenId, TokenInfo, TokenRevokeParams, TokenScope,
    TotpConfirmParams, TotpSetup, TotpTurnOffParams, UserId, Verified, Who,
};

/// Where the schemas are, in the document.
const SCHEMAS: &str = "/components/schemas";

/// What the document says of one method.
struct Described {
    /// The params object's schema; `None` for a method that takes none.
    params: Option<fn(&mut SchemaGenerator) -> Schema>,
    result: fn(&mut SchemaGenerator) -> Schema,
    example_params: Value,
    example_result: Value,
}

/// The whole document, for this server's version.
pub fn document(version: &str) -> Value {
    let mut generator = SchemaGenerator::new(
        SchemaSettings::draft2020_12().with(|settings| settings.definitions_path = SCHEMAS.into()),
    );
    let methods: Vec<Value> = Method::ALL
        .into_iter()
        .map(|method| method_object(method, &mut generator))
        .collect();
    generator.subschema_for::<RpcError>();
    json!({
        "openrpc": "1.3.2",
        "info": {
            "title": "Latchkey account API",
            "version": version,
            "description": "JSON-RPC 2.0 at POST /api/rpc (and over the WebSocket at /api/ws), \
                with a session cookie or an `Authorization: Bearer` API token. A failed call's \
                `error` is an `RpcError`: `data.code` names the reason, stable across versions.",
        },
        "servers": [{"name": "this server", "url": "/api/rpc"}],
        "methods": methods,
        "components": {"schemas": generator.take_definitions(true)},
    })
}

fn method_object(method: Method, generator: &mut SchemaGenerator) -> Value {
    let described = describe(method);
    let params = described
        .params
        .map(|schema| by_name(&schema(generator), generator))
        .unwrap_or_default();
    let example_params: Vec<Value> = described
        .example_params
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    json!({
        "name": method.name(),
        "summary": summary(method),
        "description": requirements(method),
        "paramStructure": "by-name",
        "params": params,
        "result": {"name": "result", "schema": (described.result)(generator)},
        "examples": [{
            "name": format!("{} example", method.name()),
            "params": example_params,
            "result": {"name": "result", "value": described.example_result},
        }],
    })
}

/// A params object's schema as `OpenRPC`'s list of named params, one per
/// property, each required unless it has a default.
fn by_name(schema: &Schema, generator: &SchemaGenerator) -> Vec<Value> {
    let object = resolve(schema, generator);
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            json!({
                "name": name,
                "required": required.contains(&name.as_str()),
                "schema": schema,
            })
        })
        .collect()
}

/// The object a `$ref` into the generator's definitions points at.
fn resolve(schema: &Schema, generator: &SchemaGenerator) -> Map<String, Value> {
    let pointed = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.rsplit('/').next())
        .and_then(|name| generator.definitions().get(name));
    pointed
        .unwrap_or(schema.as_value())
        .as_object()
        .cloned()
        .unwrap_or_default()
}

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

fn value<T: Serialize>(example: &T) -> Value {
    serde_json::to_value(example).unwrap_or(Value::Null)
}

/// What calling the method requires, as the table of who may call what
/// says it.
fn requirements(method: Method) -> String {
    let needs = method.requires();
    let who = match needs.who {
        Who::AnyUser => "Any user of the account",
        Who::Owner => "Only an owner of the account",
    };
    let credentials = match needs.credentials {
        Credentials::BrowserSession => "with a browser session (API tokens are refused)",
        Credentials::SessionOrToken => {
            "with a browser session or an API token whose scope allows it"
        }
    };
    let proof = match needs.proof {
        Proof::None => "",
        Proof::RecentConfirmation => {
            ", the password (or a second factor) confirmed within the re-authentication \
             window (`account_password_confirm`) when it is a session"
        }
        Proof::CurrentPassword => ", the current password in the params",
    };
    let effect = if method.only_reads() {
        "It only reads."
    } else {
        "It changes the account."
    };
    format!("{who}, {credentials}{proof}. {effect}")
}

/// What a method does, in a sentence.
#[allow(clippy::too_many_lines, reason = "one short arm per method")]
const fn summary(method: Method) -> &'static str {
    match method {
        Method::Verify => "Who is calling, and with what credential.",
        Method::SessionList => {
            "The caller's live sessions, newest first; `current` marks this one."
        }
        Method::SessionRevoke => {
            "Ends one of the caller's sessions; `false` for one that is not theirs."
        }
        Method::SessionRevokeAll => "Ends all the caller's sessions, or all but this one.",
        Method::TokenCreate => "Creates an API token; the secret is in this answer alone.",
        Method::TokenList => "The caller's usable API tokens, never their secrets.",
        Method::TokenRevoke => {
            "Revokes one of the caller's API tokens; `false` for one that is not theirs."
        }
        Method::SecurityGet => "The account's session policy and who is signed in.",
        Method::PolicyGet => "The account's session policy, as it applies to the caller.",
        Method::PolicySet => {
            "Sets a preset, custom minutes, or clears the policy; \
            optionally shortens the sessions signed in now."
        }
        Method::SessionsRevoke => {
            "Signs out everyone but this session, or everyone; \
            optionally their API tokens too."
        }
        Method::PasswordConfirm => {
            "Checks the password again; sensitive actions then go through for a while."
        }
        Method::PasswordChange => {
            "Changes the password with the current one; every other session of the caller \
            ends, and with `revoke_api_tokens` their API tokens too."
        }
        Method::MemberAdd => "Adds a member to the account, with a first password.",
        Method::MemberSignOut => {
            "Signs out one user of the account, optionally with their \
            API tokens; another account's user answers `not_found`."
        }
        Method::MemberList => "Every user of the account, with their activity.",
        Method::MemberRemove => {
            "Removes a user from the account; every credential of theirs ends \
            and they can no longer sign in. Not yourself."
        }
        Method::MemberRoleSet => {
            "Makes a user of the account an owner or a member; the last owner \
            stays one (`conflict`)."
        }
        Method::AuditList => {
            "The security log, newest first, a page at a time (`next_cursor`): the whole \
            account for an owner, your own entries for a member."
        }
        Method::SecondFactorGet => {
            "Whether the caller has an authenticator app, and how many recovery codes are left."
        }
        Method::TotpSetupStart => {
            "Starts setting up an authenticator app: the secret and its `otpauth://` \
            address. It counts once confirmed."
        }
        Method::TotpSetupConfirm => {
            "Confirms the app being set up with a code from it; answers the ten recovery \
            codes, shown this once. From then on, signing in asks for a code."
        }
        Method::TotpTurnOff => {
            "Turns the authenticator app off, with the password and a code from the app \
            or a recovery code; the recovery codes go with it."
        }
        Method::MemberSecondFactorReset => {
            "Turns off the authenticator app of a user of the account who lost \
            it; they sign in with their password alone until they set one up again (or, \
            when the account requires one, set one up when they next sign in). Not yourself."
        }
        Method::SecondFactorPolicySet => {
            "Requires a second factor of everyone in the \
            account, or no longer. Turned on, members without one are signed out and set \
            one up when they sign in again; refused while you have none yourself."
        }
        Method::PasskeyList => "The caller's passkeys: name, when added and last used.",
        Method::PasskeyRegisterStart => {
            "Starts registering a passkey: the options for `navigator.credentials.create()`, \
            and the ceremony to finish it with, within five minutes."
        }
        Method::PasskeyRegisterFinish => {
            "Finishes registering a passkey with the browser's answer and a name for it."
        }
        Method::PasskeyRemove => {
            "Removes one of the caller's passkeys; `false` for one that \
            is not theirs. Refused for the last second factor while the account requires one."
        }
        Method::PasskeyConfirmStart => {
            "Starts confirming it is you with a passkey: the options for \
            `navigator.credentials.get()`; send the answer as `passkey` to \
            `account_password_confirm`."
        }
        Method::NoticeList => {
            "The caller's unseen security notices (a password change, a new device, ...), \
            each shown once, in a session other than the one that caused it."
        }
        Method::NoticeAcknowledge => {
            "The notices with these ids have been shown: they are not listed again."
        }
        Method::RecoveryCodesRenew => {
            "Makes ten new recovery codes, shown in this answer alone; the old ones stop \
            working."
        }
    }
}

#[allow(clippy::too_many_lines, reason = "one short arm per method")]
fn describe(method: Method) -> Described {
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

/// A method taking no params and answering `R`.
fn plain<R: JsonSchema>(example_result: Value) -> Described {
    Described {
        params: None,
        result: schema::<R>,
        example_params: json!({}),
        example_result,
    }
}

/// The values the examples share.
struct Examples {
    now: Timestamp,
    user_id: UserId,
    session_id: SessionId,
    token_id: TokenId,
}

impl Examples {
    fn new() -> Self {
        Self {
            now: Timestamp::from_millis(1_767_225_600_000),
            user_id: UserId::from_random_bytes([0x1a; 16]),
            session_id: SessionId::from_random_bytes([0x2b; 16]),
            token_id: TokenId::from_random_bytes([0x3c; 16]),
        }
    }

    fn me(&self) -> Me {
        Me {
            user_id: self.user_id.clone(),
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            role: Role::Owner,
            account_id: AccountId::from_random_bytes([0x4d; 16]),
            account_name: "Acme".into(),
        }
    }

    fn verified(&self) -> Verified {
        Verified {
            me: self.me(),
            credential: CredentialKind::Session,
            session_id: Some(self.session_id.clone()),
            idle_ends_at: Some(self.now.plus_millis(60 * 60 * 1000)),
            absolute_ends_at: Some(self.now.plus_millis(24 * 60 * 60 * 1000)),
            signed_in_with: Some(SignInMethod::PasswordAndTotp),
            token_id: None,
            token_scope: None,
        }
    }

    fn session_info(&self) -> SessionInfo {
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
        }
    }

    fn created_token(&self) -> CreatedToken {
        CreatedToken {
            id: self.token_id.clone(),
            name: "deploy script".into(),
            token: "lk_EXAMPLE-not-a-real-token-000000000000000".into(),
            scope: TokenScope::ReadOnly,
            created_at: self.now,
            expires_at: Some(self.now.plus_millis(90 * 24 * 60 * 60 * 1000)),
        }
    }

    fn token_info(&self) -> TokenInfo {
        TokenInfo {
            id: self.token_id.clone(),
            name: "deploy script".into(),
            scope: TokenScope::ReadOnly,
            created_at: self.now,
            last_used_at: None,
            expires_at: None,
        }
    }

    fn policy_view() -> PolicyView {
        PolicyView {
            policy_override: Some(Preset::Strict.policy()),
            preset: Some(Preset::Strict),
            default_idle_seconds: 3600,
            default_absolute_seconds: 86_400,
            effective_idle_seconds: 900,
            effective_absolute_seconds: 28_800,
            bounds: PolicyBounds::current(),
            second_factor_required: false,
        }
    }

    fn member_info(&self) -> MemberInfo {
        MemberInfo {
            user_id: self.user_id.clone(),
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            role: Role::Owner,
            added_at: self.now,
            last_active_at: Some(self.now),
            live_sessions: 2,
            usable_tokens: 1,
            totp_since: Some(self.now),
            you: true,
        }
    }

    fn audit_page(&self) -> AuditPage {
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

    fn second_factor(&self) -> SecondFactorStatus {
        SecondFactorStatus {
            totp_since: Some(self.now),
            recovery_codes_left: 9,
            passkeys: 1,
        }
    }

    fn passkey_info(&self) -> PasskeyInfo {
        PasskeyInfo {
            passkey_id: PasskeyId::from_random_bytes([0x4d; 16]),
            name: "Work laptop".into(),
            created_at: self.now,
            last_used_at: Some(self.now),
        }
    }

    fn passkey_ceremony() -> PasskeyCeremony {
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

    fn totp_setup() -> TotpSetup {
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        TotpSetup {
            secret: secret.to_owned(),
            uri: format!(
                "otpauth://totp/Latchkey:ada%40example.com?secret={secret}&issuer=Latchkey"
            ),
        }
    }

    fn recovery_codes() -> RecoveryCodes {
        let codes = ["ABCD-EFGH-IJKL-MN23", "QRST-UVWX-YZ23-4567"];
        RecoveryCodes {
            codes: codes.into_iter().map(str::to_owned).collect(),
        }
    }

    fn active_user(&self) -> ActiveUser {
        ActiveUser {
            user_id: self.user_id.clone(),
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            last_active_at: self.now,
            you: true,
        }
    }
}
