//! The response envelope: exactly one of `result` and `error`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RpcError;

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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ApiError;

    #[test]
    fn a_failure_response_carries_the_code_name_in_data() {
        let response = Response::failure(json!(1), RpcError::from_api(ApiError::unauthenticated()));
        let json = serde_json::to_value(&response).unwrap();
        assert_eq!(json["error"]["data"]["code"], "unauthenticated");
        assert_eq!(json["error"]["code"], -32_001);
        assert!(json.get("result").is_none());
    }
}
