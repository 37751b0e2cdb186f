//! JSON-RPC 2.0: the account actions' method names, decoding a request, and
//! the response envelope. Pure, so it can be fuzzed without a server.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{ApiError, ErrorCode};

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
}

impl Method {
    pub const ALL: [Method; 33] = [
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
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.name() == name)
    }
}

/// A decoded call: which action, its raw params (an object), and the id to
/// answer with (`None` for a notification, which gets no answer).
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub id: Option<Value>,
    pub method: Method,
    pub params: Value,
}

/// A request that could not be decoded, with the id to answer with.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub id: Value,
    pub error: RpcError,
}

/// The `error` member of a response.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RpcError {
    pub code: i32,
    pub message: String,
    pub data: RpcErrorData,
}

/// `error.data`: the stable error code name (and the offending field).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RpcErrorData {
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// JSON-RPC's own codes for requests that are not JSON-RPC at all.
const PARSE_ERROR: i32 = -32_700;
const INVALID_REQUEST: i32 = -32_600;
const METHOD_NOT_FOUND: i32 = -32_601;

impl RpcError {
    /// The code used for an API error: one per error code name, in the
    /// server range (-32001 and down).
    pub fn from_api(error: ApiError) -> Self {
        Self {
            code: error.code.rpc_code(),
            message: error.message,
            data: RpcErrorData {
                code: error.code,
                field: error.field,
            },
        }
    }

    fn protocol(code: i32, data: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: RpcErrorData {
                code: data,
                field: None,
            },
        }
    }

    /// The HTTP status that goes with this error.
    pub fn http_status(&self) -> u16 {
        match self.code {
            PARSE_ERROR | INVALID_REQUEST => 400,
            METHOD_NOT_FOUND => 404,
            _ => self.data.code.http_status(),
        }
    }
}

/// A response: exactly one of `result` and `error`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub jsonrpc: String,
    pub id: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RpcError>,
}

impl Response {
    pub fn success(id: Value, result: Value) -> Self {
        Self {
            jsonrpc: "2.0".into(),
            id,
            result: Some(result),
            error: None,
        }
    }

    pub fn failure(id: Value, error: RpcError) -> Self {
        Self {
            jsonrpc: "2.0".into(),
            id,
            result: None,
            error: Some(error),
        }
    }
}

/// The most calls one batch may hold.
pub const MAX_BATCH: usize = 20;

/// What a request body holds: one call, or a batch of them, each decoded
/// on its own (a malformed one is refused alone, the others still run).
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    One(Call),
    Batch(Vec<Result<Call, Refused>>),
}

fn invalid(id: Value, message: &str) -> Refused {
    Refused {
        id,
        error: RpcError::protocol(INVALID_REQUEST, ErrorCode::InvalidParams, message),
    }
}

/// Decodes a JSON-RPC request body: one request object, or a batch (an
/// array of 1 to [`MAX_BATCH`] of them). Never panics: anything else is
/// refused with the matching error.
pub fn decode(bytes: &[u8]) -> Result<Request, Refused> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| Refused {
        id: Value::Null,
        error: RpcError::protocol(
            PARSE_ERROR,
            ErrorCode::InvalidParams,
            "The body is not valid JSON.",
        ),
    })?;
    match value {
        Value::Array(calls) if calls.is_empty() => Err(invalid(
            Value::Null,
            "An empty batch has nothing to answer: send at least one request.",
        )),
        Value::Array(calls) if calls.len() > MAX_BATCH => Err(invalid(
            Value::Null,
            &format!("A batch holds at most {MAX_BATCH} requests; send the rest in another."),
        )),
        Value::Array(calls) => Ok(Request::Batch(
            calls.into_iter().map(decode_value).collect(),
        )),
        one => decode_value(one).map(Request::One),
    }
}

/// Decodes one JSON-RPC request from parsed JSON.
pub fn decode_value(value: Value) -> Result<Call, Refused> {
    let Value::Object(mut request) = value else {
        return Err(invalid(
            Value::Null,
            "Send a JSON-RPC 2.0 request object, or an array of them.",
        ));
    };
    let id = match request.remove("id") {
        None => None,
        Some(id @ (Value::Null | Value::String(_) | Value::Number(_))) => Some(id),
        Some(_) => {
            return Err(invalid(
                Value::Null,
                "`id` must be a string, a number or null.",
            ));
        }
    };
    let answer_id = id.clone().unwrap_or(Value::Null);
    if request.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(invalid(answer_id, "`jsonrpc` must be \"2.0\"."));
    }
    let Some(Value::String(name)) = request.remove("method") else {
        return Err(invalid(answer_id, "`method` must be a string."));
    };
    let Some(method) = Method::parse(&name) else {
        return Err(Refused {
            id: answer_id,
            error: RpcError::protocol(
                METHOD_NOT_FOUND,
                ErrorCode::NotFound,
                "There is no method with this name.",
            ),
        });
    };
    let params = match request.remove("params") {
        None | Some(Value::Null) => Value::Object(serde_json::Map::new()),
        Some(params @ Value::Object(_)) => params,
        Some(_) => {
            return Err(Refused {
                id: answer_id,
                error: RpcError::from_api(ApiError::invalid_params(
                    "`params` must be an object with named members.",
                )),
            });
        }
    };
    Ok(Call { id, method, params })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The one call a body holds.
    fn one(bytes: &[u8]) -> Call {
        match decode(bytes).unwrap() {
            Request::One(call) => call,
            Request::Batch(_) => panic!("a batch"),
        }
    }

    #[test]
    fn a_well_formed_request_decodes() {
        let call = one(br#"{"jsonrpc":"2.0","id":7,"method":"account_session_list"}"#);
        assert_eq!(call.method, Method::SessionList);
        assert_eq!(call.id, Some(json!(7)));
        assert_eq!(call.params, json!({}));
    }

    #[test]
    fn a_request_without_id_is_a_notification() {
        let call = one(br#"{"jsonrpc":"2.0","method":"account_verify","params":{}}"#);
        assert_eq!(call.id, None);
    }

    #[test]
    fn malformed_requests_get_the_matching_error() {
        let cases: [(&[u8], i32); 7] = [
            (b"{not json", PARSE_ERROR),
            (b"[]", INVALID_REQUEST),
            (b"42", INVALID_REQUEST),
            (br#"{"method":"account_verify","id":1}"#, INVALID_REQUEST),
            (
                br#"{"jsonrpc":"2.0","id":{},"method":"account_verify"}"#,
                INVALID_REQUEST,
            ),
            (br#"{"jsonrpc":"2.0","id":1,"method":7}"#, INVALID_REQUEST),
            (
                br#"{"jsonrpc":"2.0","id":1,"method":"rm_rf"}"#,
                METHOD_NOT_FOUND,
            ),
        ];
        for (bytes, code) in cases {
            let refused = decode(bytes).unwrap_err();
            assert_eq!(
                refused.error.code,
                code,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn positional_params_are_invalid_params_with_the_request_id() {
        let refused =
            decode(br#"{"jsonrpc":"2.0","id":"a","method":"account_verify","params":[1]}"#)
                .unwrap_err();
        assert_eq!(refused.id, json!("a"));
        assert_eq!(refused.error.data.code, ErrorCode::InvalidParams);
        assert_eq!(refused.error.code, ErrorCode::InvalidParams.rpc_code());
    }

    #[test]
    fn a_batch_decodes_each_call_on_its_own_and_is_bounded() {
        let Request::Batch(calls) = decode(
            br#"[{"jsonrpc":"2.0","id":1,"method":"account_verify"}, 42, {"jsonrpc":"2.0","method":"account_verify"}]"#,
        )
        .unwrap() else {
            panic!("not a batch");
        };
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[0].as_ref().unwrap().id, Some(json!(1)));
        assert_eq!(calls[1].as_ref().unwrap_err().error.code, INVALID_REQUEST);
        assert_eq!(calls[2].as_ref().unwrap().id, None);

        let call = json!({"jsonrpc": "2.0", "id": 1, "method": "account_verify"});
        let full = serde_json::to_vec(&vec![call.clone(); MAX_BATCH]).unwrap();
        assert!(matches!(decode(&full), Ok(Request::Batch(calls)) if calls.len() == MAX_BATCH));
        let over = serde_json::to_vec(&vec![call; MAX_BATCH + 1]).unwrap();
        let refused = decode(&over).unwrap_err();
        assert_eq!(refused.error.code, INVALID_REQUEST);
        assert!(
            refused.error.message.contains("at most 20"),
            "{}",
            refused.error.message
        );
    }

    #[test]
    fn every_method_name_round_trips() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.name()), Some(method));
        }
    }

    #[test]
    fn error_codes_are_distinct_and_in_the_server_range() {
        let codes: Vec<i32> = ErrorCode::ALL.iter().map(|c| c.rpc_code()).collect();
        for (i, code) in codes.iter().enumerate() {
            assert!((-32_099..=-32_001).contains(code), "{code}");
            assert!(!codes[i + 1..].contains(code), "duplicate {code}");
        }
    }

    #[test]
    fn a_failure_response_carries_the_code_name_in_data() {
        let response = Response::failure(json!(1), RpcError::from_api(ApiError::unauthenticated()));
        let json = serde_json::to_value(&response).unwrap();
        assert_eq!(json["error"]["data"]["code"], "unauthenticated");
        assert_eq!(json["error"]["code"], -32_001);
        assert!(json.get("result").is_none());
    }
}
