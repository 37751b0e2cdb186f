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
    /// `/readyz` only: the mail outbox. Reported, never a reason to be
    /// not ready: mail waiting does not stop sign-ins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<OutboxState>,
}

/// The mail outbox: messages waiting to be sent (or tried again), and
/// messages given up after their last try.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxState {
    pub waiting: u64,
    pub failed: u64,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeStatus {
    Ok,
    NotReady,
}

impl ProbeAnswer {
    /// The same answer, reporting the outbox.
    #[must_use]
    pub fn with_outbox(self, outbox: Option<OutboxState>) -> Self {
        Self { outbox, ..self }
    }

    pub fn ok() -> Self {
        Self {
            status: ProbeStatus::Ok,
            reason: None,
            outbox: None,
        }
    }

    pub fn not_ready(reason: &str) -> Self {
        Self {
            status: ProbeStatus::NotReady,
            reason: Some(reason.to_owned()),
            outbox: None,
        }
    }
}
