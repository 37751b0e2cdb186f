//! Decoding a request body: one call or a batch, each call checked on its
//! own, anything malformed refused with the matching JSON-RPC error.

use serde_json::Value;

use super::Method;
use super::error::{INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, RpcError};
use crate::{ApiError, ErrorCode};

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
}
