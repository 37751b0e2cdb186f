//! A second factor: the six-digit codes of an authenticator app (TOTP,
//! RFC 6238) and the recovery codes that stand in for it once each.

use serde::{Deserialize, Serialize};

use crate::inputs::InputError;
use crate::{Password, Timestamp};

/// Digits in an authenticator app's code.
pub const ONE_TIME_CODE_DIGITS: usize = 6;
/// Recovery codes handed out when the authenticator app is set up.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Characters in a recovery code, grouping dashes not counted: base32, so
/// 80 bits of randomness.
pub const RECOVERY_CODE_CHARS: usize = 16;

/// `text` in groups of four characters (the last may be shorter) joined by
/// `separator`, as keys and recovery codes are shown to be read and typed.
pub fn in_fours(text: &str, separator: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(separator)
}

/// A code from an authenticator app: six digits, spaces allowed between
/// them as the apps show them ("123 456").
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == ONE_TIME_CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(InputError::new(
                "code",
                "Enter the six digits your authenticator app shows.",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OneTimeCode([redacted])")
    }
}

/// A recovery code as typed: letters in either case, dashes and spaces
/// anywhere; held as its sixteen base32 characters in upper case.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let chars: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let base32 = |b: u8| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b);
        if chars.len() == RECOVERY_CODE_CHARS && chars.bytes().all(base32) {
            Ok(Self(chars))
        } else {
            Err(InputError::new(
                "code",
                "Enter one of your recovery codes, like ABCD-EFGH-JKLM-NPQR.",
            ))
        }
    }

    /// The code without its dashes, as it is hashed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as it is shown: four groups of four, joined by dashes.
    pub fn grouped(&self) -> String {
        in_fours(&self.0, "-")
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode([redacted])")
    }
}

/// An authenticator app being set up: the secret to scan or type in. It
/// signs nobody in until a code from it is confirmed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Serialize, Deserialize)]
pub struct TotpSetup {
    /// The shared secret in base32, for typing into the app.
    pub secret: String,
    /// The `otpauth://totp/…` address the QR code holds.
    pub uri: String,
}

impl std::fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSetup([redacted])")
    }
}

/// The recovery codes, shown once when the app is set up; only their
/// hashes are kept.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecoveryCodes([{} redacted])", self.codes.len())
    }
}

/// Whether the caller has a second factor, and how many recovery codes
/// they have left.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    /// When the authenticator app was set up; `None` without one.
    pub totp_since: Option<Timestamp>,
    pub recovery_codes_left: usize,
    /// How many passkeys the caller has registered.
    #[serde(default)]
    pub passkeys: usize,
}

/// `POST /api/auth/login/code`: a code from the app or a recovery code, for
/// the sign-in waiting for it. A script sends the `challenge` the password
/// step answered; a browser's form leaves it out and its cookie carries it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Deserialize)]
pub struct LoginCodeRequest {
    pub code: String,
    #[serde(default)]
    pub challenge: Option<String>,
}

impl std::fmt::Debug for LoginCodeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginCodeRequest([redacted])")
    }
}

/// What proves the second factor: a code from the app, or a recovery code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondFactorCode {
    App(OneTimeCode),
    Recovery(RecoveryCode),
}

impl SecondFactorCode {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        OneTimeCode::parse(raw)
            .map(Self::App)
            .or_else(|_| RecoveryCode::parse(raw).map(Self::Recovery))
            .map_err(|_| {
                InputError::new(
                    "code",
                    "Enter the six digits from your authenticator app, or a recovery code.",
                )
            })
    }
}

/// `account_totp_setup_confirm`: a code from the app being set up.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Deserialize)]
pub struct TotpConfirmParams {
    pub code: String,
}

/// `account_second_factor_policy_set`: whether the account requires a
/// second factor to sign in.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorPolicySetParams {
    pub required: bool,
}

/// The account's "require a second factor", after a change: turned on, the
/// live sessions of members without one were ended (they set one up when
/// they sign in again).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorPolicySet {
    pub required: bool,
    pub sessions_ended: u64,
    /// The API tokens of people without a second factor, which end with
    /// their sessions.
    #[serde(default)]
    pub api_tokens_revoked: u64,
}

/// Turning the authenticator app off: the password, and a code from the
/// app or a recovery code.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Deserialize)]
pub struct TotpTurnOffParams {
    pub password: Password,
    pub code: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_six_digits_and_may_be_spaced_like_the_apps_show_it() {
        assert_eq!(OneTimeCode::parse("123 456").unwrap().as_str(), "123456");
        assert_eq!(OneTimeCode::parse(" 000001 ").unwrap().as_str(), "000001");
        for wrong in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦", "123-456"] {
            let err = OneTimeCode::parse(wrong).unwrap_err();
            assert_eq!(err.field, "code", "{wrong:?}");
        }
    }

    #[test]
    fn a_recovery_code_ignores_case_dashes_and_spaces() {
        let code = RecoveryCode::parse("abcd-efgh ijkl-mn23").unwrap();
        assert_eq!(code.as_str(), "ABCDEFGHIJKLMN23");
        assert_eq!(code.grouped(), "ABCD-EFGH-IJKL-MN23");
        assert_eq!(RecoveryCode::parse(&code.grouped()).unwrap(), code);
    }

    #[test]
    fn a_key_is_shown_in_groups_of_four() {
        assert_eq!(in_fours("ABCDEFGHIJ", " "), "ABCD EFGH IJ");
        assert_eq!(in_fours("", " "), "");
    }

    #[test]
    fn a_recovery_code_is_sixteen_base32_characters() {
        for wrong in [
            "",
            "ABCD-EFGH-IJKL",
            "ABCD-EFGH-IJKL-MN01",
            "ABCD-EFGH-IJKL-MN23X",
        ] {
            assert_eq!(RecoveryCode::parse(wrong).unwrap_err().field, "code");
        }
    }

    #[test]
    fn a_second_factor_is_an_app_code_or_a_recovery_code() {
        assert!(matches!(
            SecondFactorCode::parse("123 456"),
            Ok(SecondFactorCode::App(_))
        ));
        assert!(matches!(
            SecondFactorCode::parse("abcd-efgh-ijkl-mn23"),
            Ok(SecondFactorCode::Recovery(_))
        ));
        assert_eq!(SecondFactorCode::parse("12").unwrap_err().field, "code");
    }

    #[test]
    fn codes_are_never_printed() {
        let code = OneTimeCode::parse("123456").unwrap();
        let recovery = RecoveryCode::parse("ABCD-EFGH-IJKL-MN23").unwrap();
        assert!(!format!("{code:?}{recovery:?}").contains("123456"));
        assert!(!format!("{recovery:?}").contains("ABCD"));
    }
}
