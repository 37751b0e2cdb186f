//! Device Bound Session Credentials (DBSC): a browser keeps a private key
//! on the device and proves it holds it; the session's cookie is short-lived
//! and renewed only against such a proof.

mod proof;

pub use proof::{DeviceKey, ProofError, check_refresh, check_registration};
