//! What people are told, written once: the server's error messages and the
//! sign-in and form pages (which only get a code back from a form post) use
//! the same words. Also why a browser was sent to the sign-in page, parsed
//! from `/login?reason=` instead of matched as text.

use crate::{ErrorCode, RevokeReason};

pub const WRONG_EMAIL_OR_PASSWORD: &str =
    "That email and password don't match. Check both and try again.";
pub const EMAIL_TAKEN: &str = "An account with this email already exists. Sign in instead.";
pub const ENTER_AN_EMAIL: &str = "Enter an email address like name@example.com.";
pub const FILL_IN_EVERY_FIELD: &str = "Fill in every field.";
pub const TOO_MANY_ATTEMPTS: &str = "Too many attempts. Wait a minute, then try again.";
pub const BUSY: &str = "The server is busy right now. Nothing was changed; try again in a moment.";
/// When the server cannot reach its database.
pub const UNAVAILABLE: &str = "The service cannot reach its database just now. Nothing was changed, and you are still \
     signed in; try again in a moment.";
pub const SIGN_IN_EXPIRED: &str =
    "That sign-in has ended: it waited too long or had too many wrong codes. Sign in again.";
pub const WRONG_CODE: &str =
    "That code is not right. Enter the newest one your app shows; each code counts once.";
pub const SECOND_FACTOR_REQUIRED: &str = "Your account requires two-step sign-in, so it stays \
     on. Your account's owner can turn the requirement off.";
pub const PASSKEY_REFUSED: &str =
    "That passkey did not work here. Try again, or sign in another way.";
/// When the browser's part of a passkey fails: cancelled or timed out, the
/// passkey is there already, no passkeys here, anything else.
pub const PASSKEY_NOT_USED: &str =
    "The passkey was not used: it was cancelled or took too long. Try again.";
pub const PASSKEY_REGISTERED_ALREADY: &str = "This device's passkey is registered already.";
pub const PASSKEYS_UNSUPPORTED: &str =
    "This browser cannot use passkeys here. Use another way to sign in.";
pub const PASSKEY_FAILED: &str =
    "The browser could not use a passkey. Try again, or use another way.";
pub const SOMETHING_WENT_WRONG: &str = "Something went wrong on our side. Please try again.";

/// The warning before inactivity ends a session; `{when}` is how soon
/// ("in 4 min"). Shown by the pages and by `/latchkey.js` alike.
pub const IDLE_WARNING: &str = "You will be signed out {when} because you have been inactive.";
/// The warning before a session reaches its time limit.
pub const ABSOLUTE_WARNING: &str = "Your session ends {when}. For your security, sessions have a \
     time limit: sign in again to keep working.";
pub const STAY_SIGNED_IN: &str = "Stay signed in";
pub const SIGN_IN_NOW: &str = "Sign in now";

/// Why a browser was sent to the sign-in page (`/login?reason=…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInReason {
    SessionExpired,
    Revoked,
    SessionTaken,
    SecondFactorRequired,
}

impl SignInReason {
    const ALL: [SignInReason; 4] = [
        SignInReason::SessionExpired,
        SignInReason::Revoked,
        SignInReason::SessionTaken,
        SignInReason::SecondFactorRequired,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SignInReason::SessionExpired => "session_expired",
            SignInReason::Revoked => "revoked",
            SignInReason::SessionTaken => "session_taken",
            SignInReason::SecondFactorRequired => "second_factor_required",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == raw)
    }

    /// The sign-in page with this reason.
    pub const fn login_path(self) -> &'static str {
        match self {
            SignInReason::SessionExpired => "/login?reason=session_expired",
            SignInReason::Revoked => "/login?reason=revoked",
            SignInReason::SessionTaken => "/login?reason=session_taken",
            SignInReason::SecondFactorRequired => "/login?reason=second_factor_required",
        }
    }

    /// The reason to show after a session was revoked for `reason`; none
    /// after signing out, which needs no explaining.
    pub const fn after_revoke(reason: RevokeReason) -> Option<Self> {
        match reason {
            RevokeReason::SignedOut => None,
            RevokeReason::TokenReuse | RevokeReason::DeviceProofFailed => {
                Some(SignInReason::SessionTaken)
            }
            RevokeReason::SecondFactorRequired => Some(SignInReason::SecondFactorRequired),
            RevokeReason::Revoked
            | RevokeReason::SignedOutByOwner
            | RevokeReason::SignedOutByOperator
            | RevokeReason::RemovedFromAccount
            | RevokeReason::SessionCap
            | RevokeReason::PasswordChanged => Some(SignInReason::Revoked),
        }
    }

    /// The reason a refusal with `code` means, if it is one of these.
    pub const fn for_refusal(code: ErrorCode) -> Option<Self> {
        match code {
            ErrorCode::SessionExpired => Some(SignInReason::SessionExpired),
            ErrorCode::SessionRevoked => Some(SignInReason::Revoked),
            ErrorCode::SessionTaken => Some(SignInReason::SessionTaken),
            _ => None,
        }
    }

    /// What the sign-in page says.
    pub const fn message(self) -> &'static str {
        match self {
            SignInReason::SessionExpired => "Your session has ended. Please sign in again.",
            SignInReason::Revoked => {
                "You were signed out from another device or by your account owner."
            }
            SignInReason::SessionTaken => {
                "Your session was used from somewhere else, so we ended it. Sign in again, \
                 and if that was not you, change your password."
            }
            SignInReason::SecondFactorRequired => {
                "Your account now requires two-step sign-in. Sign in again to set it up; \
                 it takes a minute and an authenticator app."
            }
        }
    }
}

/// Where a browser goes after its session was revoked for `reason`.
pub fn login_after_revoke(reason: RevokeReason) -> &'static str {
    SignInReason::after_revoke(reason).map_or("/login", SignInReason::login_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_parses_back_from_its_path() {
        for reason in SignInReason::ALL {
            let query = reason.login_path().strip_prefix("/login?reason=").unwrap();
            assert_eq!(SignInReason::parse(query), Some(reason));
        }
        assert_eq!(SignInReason::parse("anything else"), None);
    }

    #[test]
    fn a_stolen_session_and_a_refused_one_mean_the_same_banner() {
        assert_eq!(
            SignInReason::after_revoke(RevokeReason::TokenReuse),
            SignInReason::for_refusal(ErrorCode::SessionTaken)
        );
        assert_eq!(login_after_revoke(RevokeReason::SignedOut), "/login");
    }
}
