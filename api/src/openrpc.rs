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
    AccountId, AccountSignedOut, ActiveUser, Count, CreatedToken, CredentialKind, Me, MemberInfo,
    MemberSignOutParams, MemberSignedOut, PasswordConfirmParams, PasswordConfirmed, PolicyBounds,
    PolicySet, PolicySetParams, PolicyView, Preset, Revoked, Role, SecurityOverview, SessionId,
    SessionInfo, SessionRevokeAllParams, SessionRevokeParams, SessionsRevokeParams, Timestamp,
    TokenCreateParams, TokenId, TokenInfo, TokenRevokeParams, UserId, Verified,
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

/// What a method does, in a sentence.
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
        Method::TokenCreate => {
            "Creates an API token (browser session and a recent password only); \
            the secret is in this answer alone."
        }
        Method::TokenList => "The caller's usable API tokens, never their secrets.",
        Method::TokenRevoke => {
            "Revokes one of the caller's API tokens; `false` for one that is not theirs."
        }
        Method::SecurityGet => "Owner only: the account's session policy and who is signed in.",
        Method::PolicySet => {
            "Owner only: sets a preset, custom minutes, or clears the policy; \
            optionally shortens the sessions signed in now."
        }
        Method::SessionsRevoke => {
            "Owner only: signs out everyone but this session, or everyone; \
            optionally their API tokens too."
        }
        Method::PasswordConfirm => {
            "Checks the password again; sensitive actions then go through for a while."
        }
        Method::MemberSignOut => {
            "Owner only: signs out one user of the account, optionally with their \
            API tokens; another account's user answers `not_found`."
        }
        Method::MemberList => "Owner only: every user of the account, with their activity.",
    }
}

fn describe(method: Method) -> Described {
    let ex = Examples::new();
    match method {
        Method::Verify => Described {
            params: None,
            result: schema::<Verified>,
            example_params: json!({}),
            example_result: value(&ex.verified()),
        },
        Method::SessionList => Described {
            params: None,
            result: schema::<Vec<SessionInfo>>,
            example_params: json!({}),
            example_result: value(&vec![ex.session_info()]),
        },
        Method::SessionRevoke => Described {
            params: Some(schema::<SessionRevokeParams>),
            result: schema::<Revoked>,
            example_params: json!({"session_id": ex.session_id}),
            example_result: value(&Revoked { revoked: true }),
        },
        Method::SessionRevokeAll => Described {
            params: Some(schema::<SessionRevokeAllParams>),
            result: schema::<Count>,
            example_params: json!({"except_current": true}),
            example_result: value(&Count { count: 2 }),
        },
        Method::TokenCreate => Described {
            params: Some(schema::<TokenCreateParams>),
            result: schema::<CreatedToken>,
            example_params: json!({"name": "deploy script", "expires_in_days": 90}),
            example_result: value(&ex.created_token()),
        },
        Method::TokenList => Described {
            params: None,
            result: schema::<Vec<TokenInfo>>,
            example_params: json!({}),
            example_result: value(&vec![ex.token_info()]),
        },
        Method::TokenRevoke => Described {
            params: Some(schema::<TokenRevokeParams>),
            result: schema::<Revoked>,
            example_params: json!({"token_id": ex.token_id}),
            example_result: value(&Revoked { revoked: true }),
        },
        Method::SecurityGet => Described {
            params: None,
            result: schema::<SecurityOverview>,
            example_params: json!({}),
            example_result: value(&SecurityOverview {
                policy: Examples::policy_view(),
                active_users: vec![ex.active_user()],
            }),
        },
        Method::PolicySet => Described {
            params: Some(schema::<PolicySetParams>),
            result: schema::<PolicySet>,
            example_params: json!({"preset": "strict", "apply_to_live_sessions": true}),
            example_result: value(&PolicySet {
                policy: Examples::policy_view(),
                sessions_shortened: 3,
            }),
        },
        Method::SessionsRevoke => Described {
            params: Some(schema::<SessionsRevokeParams>),
            result: schema::<AccountSignedOut>,
            example_params: json!({"scope": "others", "revoke_api_tokens": false}),
            example_result: value(&AccountSignedOut {
                count: 4,
                tokens: None,
            }),
        },
        Method::PasswordConfirm => Described {
            params: Some(schema::<PasswordConfirmParams>),
            result: schema::<PasswordConfirmed>,
            example_params: json!({"password": "correct horse battery staple"}),
            example_result: value(&PasswordConfirmed {
                until: ex.now.plus_millis(15 * 60 * 1000),
            }),
        },
        Method::MemberSignOut => Described {
            params: Some(schema::<MemberSignOutParams>),
            result: schema::<MemberSignedOut>,
            example_params: json!({"user_id": ex.user_id, "revoke_api_tokens": true}),
            example_result: value(&MemberSignedOut {
                sessions: 2,
                tokens: 1,
            }),
        },
        Method::MemberList => Described {
            params: None,
            result: schema::<Vec<MemberInfo>>,
            example_params: json!({}),
            example_result: value(&vec![ex.member_info()]),
        },
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
            token_id: None,
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
        }
    }

    fn created_token(&self) -> CreatedToken {
        CreatedToken {
            id: self.token_id.clone(),
            name: "deploy script".into(),
            token: "lk_EXAMPLE-not-a-real-token-000000000000000".into(),
            created_at: self.now,
            expires_at: Some(self.now.plus_millis(90 * 24 * 60 * 60 * 1000)),
        }
    }

    fn token_info(&self) -> TokenInfo {
        TokenInfo {
            id: self.token_id.clone(),
            name: "deploy script".into(),
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
            you: true,
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
