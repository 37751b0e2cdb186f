//! What the domain counts, through the `metrics` facade: whichever
//! recorder the process installs (the server's Prometheus one) gets it, and
//! without one it costs next to nothing. Every name is here, once.

use std::time::Duration;

use api::RevokeReason;

/// How a sign-in attempt ended: `ok`, `wrong_password`, `rate_limited` or
/// `busy`.
pub(crate) fn sign_in(outcome: &'static str) {
    metrics::counter!("latchkey_sign_ins_total", "outcome" => outcome).increment(1);
}

pub(crate) fn session_started() {
    metrics::counter!("latchkey_sessions_started_total").increment(1);
}

pub(crate) fn sessions_ended(reason: RevokeReason, count: usize) {
    metrics::counter!("latchkey_sessions_ended_total", "reason" => reason.as_str())
        .increment(u64::try_from(count).unwrap_or(u64::MAX));
}

pub(crate) fn token_rotated() {
    metrics::counter!("latchkey_token_rotations_total").increment(1);
}

pub(crate) fn token_reuse_detected() {
    metrics::counter!("latchkey_token_reuse_detected_total").increment(1);
}

/// From a revoke's commit to its live connections told to close.
pub(crate) fn revoke_closed_in(elapsed: Duration) {
    metrics::histogram!("latchkey_revoke_to_close_seconds").record(elapsed.as_secs_f64());
}

/// Password hashes running or waiting now.
pub(crate) fn hash_queue(length: usize) {
    #[allow(clippy::cast_precision_loss, reason = "a queue of a few dozen")]
    metrics::gauge!("latchkey_password_hash_queue").set(length as f64);
}

/// A session read for a request: kept in memory, or from the database.
pub(crate) fn session_read(kept: bool) {
    let from = if kept { "memory" } else { "database" };
    metrics::counter!("latchkey_session_reads_total", "from" => from).increment(1);
}
