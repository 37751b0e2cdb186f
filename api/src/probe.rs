//! What the probes answer (`GET /healthz`, `GET /readyz`).

use serde::{Deserialize, Serialize};

/// A probe's answer: `ok`, or `not_ready` with a reason code.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeAnswer {
    pub status: ProbeStatus,
    /// Why not ready: `database`, `migrations` or `change_feed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeStatus {
    Ok,
    NotReady,
}

impl ProbeAnswer {
    pub fn ok() -> Self {
        Self {
            status: ProbeStatus::Ok,
            reason: None,
        }
    }

    pub fn not_ready(reason: &str) -> Self {
        Self {
            status: ProbeStatus::NotReady,
            reason: Some(reason.to_owned()),
        }
    }
}
