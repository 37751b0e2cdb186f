//! Why sessions end, as stored, audited and told to the browser.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Why a session was ended before its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeReason {
    /// The user signed out on that device.
    SignedOut,
    /// The user ended it from another device.
    Revoked,
    /// The account owner signed the user out.
    SignedOutByOwner,
    /// The user signed in on more devices than the cap allows.
    SessionCap,
    /// The user changed their password.
    PasswordChanged,
    /// A rotated-out token was used again: the session was likely stolen.
    TokenReuse,
}

impl RevokeReason {
    pub const ALL: [RevokeReason; 6] = [
        RevokeReason::SignedOut,
        RevokeReason::Revoked,
        RevokeReason::SignedOutByOwner,
        RevokeReason::SessionCap,
        RevokeReason::PasswordChanged,
        RevokeReason::TokenReuse,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RevokeReason::SignedOut => "signed_out",
            RevokeReason::Revoked => "revoked",
            RevokeReason::SignedOutByOwner => "signed_out_by_owner",
            RevokeReason::SessionCap => "session_cap",
            RevokeReason::PasswordChanged => "password_changed",
            RevokeReason::TokenReuse => "token_reuse",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == raw)
    }
}

/// What a security notice tells the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A session of theirs was used from somewhere else and has been ended.
    SessionTaken,
}

impl NoticeKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            NoticeKind::SessionTaken => "session_taken",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        (raw == "session_taken").then_some(NoticeKind::SessionTaken)
    }
}

/// Something the user must be told at their next sign-in, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityNotice {
    pub kind: NoticeKind,
    pub at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_through_their_stored_names() {
        for reason in RevokeReason::ALL {
            assert_eq!(RevokeReason::parse(reason.as_str()), Some(reason));
            assert_eq!(
                serde_json::to_string(&reason).unwrap(),
                format!("\"{}\"", reason.as_str())
            );
        }
        assert_eq!(RevokeReason::parse("nope"), None);
    }
}
