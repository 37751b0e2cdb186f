//! The `error` member of a response: JSON-RPC's own codes for what is not
//! JSON-RPC at all, and one code per API error name.

use serde::{Deserialize, Serialize};

use crate::{ApiError, ErrorCode};

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
pub(super) const PARSE_ERROR: i32 = -32_700;
pub(super) const INVALID_REQUEST: i32 = -32_600;
pub(super) const METHOD_NOT_FOUND: i32 = -32_601;

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

    pub(super) fn protocol(code: i32, data: ErrorCode, message: impl Into<String>) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_distinct_and_in_the_server_range() {
        let codes: Vec<i32> = ErrorCode::ALL.iter().map(|c| c.rpc_code()).collect();
        for (i, code) in codes.iter().enumerate() {
            assert!((-32_099..=-32_001).contains(code), "{code}");
            assert!(!codes[i + 1..].contains(code), "duplicate {code}");
        }
    }
}
