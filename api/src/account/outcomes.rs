//! Answers several actions share: whether one thing was revoked, and how
//! many things were ended.

use serde::{Deserialize, Serialize};

/// The answer of a single revoke: `false` when there was nothing of the
/// caller's to revoke, never an error that would reveal whether it exists.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoked {
    pub revoked: bool,
}

/// How many things an action ended.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub count: u64,
}
