//! Authenticator apps (TOTP, RFC 6238): the shared secret, the codes it
//! makes, and the `totp_factors` row that remembers the last code taken.

use api::{OneTimeCode, Timestamp, UserId};
use sqlx::{AnyConnection, FromRow};
use totp_rs::{Builder, Totp};

use crate::AuthError;
use crate::error::corrupt;
use crate::secret::random_bytes;

/// What the app shows as the code's issuer.
const ISSUER: &str = "Latchkey";
/// Bytes in a secret: 160 bits, RFC 4226's recommendation.
const SECRET_BYTES: usize = 20;
/// Steps either side of now whose code is still taken, for a phone's clock
/// that is a little off.
const DRIFT_STEPS: u16 = 1;

/// A user's TOTP secret, in base32 as the apps take it. Never printed.
pub(crate) struct TotpSecret(String);

impl TotpSecret {
    pub fn generate() -> Result<Self, AuthError> {
        let bytes = random_bytes::<SECRET_BYTES>()?;
        Ok(Self(base32::encode(
            base32::Alphabet::Rfc4648 { padding: false },
            &bytes,
        )))
    }

    pub fn base32(&self) -> &str {
        &self.0
    }

    fn totp(&self, account_name: &str) -> Result<Totp, AuthError> {
        let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &self.0)
            .ok_or_else(|| corrupt("TOTP secret"))?;
        Builder::new()
            .with_secret(bytes)
            .with_skew(DRIFT_STEPS)
            .with_account_name(account_name)
            .with_issuer(Some(ISSUER))
            .build()
            .map_err(|_| corrupt("TOTP secret"))
    }

    /// The `otpauth://` address for the app, labelled with the user's email
    /// (a `:` in it, which the format reserves, shows as `_`).
    pub fn uri(&self, email: &str) -> Result<String, AuthError> {
        self.totp(&email.replace(':', "_"))?
            .to_url()
            .map_err(|_| corrupt("TOTP secret"))
    }

    /// The step whose code `code` is, if it is the code of the step at
    /// `now` or of the one just before or after.
    pub fn matching_step(
        &self,
        code: &OneTimeCode,
        now: Timestamp,
    ) -> Result<Option<u64>, AuthError> {
        let seconds = u64::try_from(now.as_millis() / 1000).unwrap_or(0);
        Ok(self.totp("")?.check(code.as_str(), seconds))
    }
}

/// A user's authenticator app as stored.
pub(crate) struct StoredTotp {
    pub secret: TotpSecret,
    /// `None` while it is being set up.
    pub confirmed_at: Option<Timestamp>,
}

#[derive(FromRow)]
struct TotpRow {
    secret: String,
    confirmed_at: Option<i64>,
}

pub(crate) async fn find(
    conn: &mut AnyConnection,
    user_id: &UserId,
) -> Result<Option<StoredTotp>, AuthError> {
    let row: Option<TotpRow> =
        sqlx::query_as("SELECT secret, confirmed_at FROM totp_factors WHERE user_id = $1")
            .bind(user_id.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|row| StoredTotp {
        secret: TotpSecret(row.secret),
        confirmed_at: row.confirmed_at.map(Timestamp::from_millis),
    }))
}

/// Keeps `secret` as the user's app being set up, in place of one set up
/// before and never confirmed. `false`, and nothing changed, when the user
/// already has a confirmed app.
pub(crate) async fn begin_setup(
    conn: &mut AnyConnection,
    user_id: &UserId,
    secret: &TotpSecret,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let written = sqlx::query(
        "INSERT INTO totp_factors (user_id, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, \
         created_at = excluded.created_at WHERE totp_factors.confirmed_at IS NULL",
    )
    .bind(user_id.as_str())
    .bind(secret.base32())
    .bind(now.as_millis())
    .execute(conn)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// Confirms the app being set up with the code of `step`, which is then
/// taken. `false` when there is none being set up (a request racing this
/// one confirmed it first).
pub(crate) async fn confirm(
    conn: &mut AnyConnection,
    user_id: &UserId,
    step: u64,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let confirmed = sqlx::query(
        "UPDATE totp_factors SET confirmed_at = $1, last_step = $2 \
         WHERE user_id = $3 AND confirmed_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(stored_step(step)?)
    .bind(user_id.as_str())
    .execute(conn)
    .await?;
    Ok(confirmed.rows_affected() == 1)
}

/// Takes the code of `step`: `false` when that step's code, or a later
/// one's, was taken already.
pub(super) async fn take_step(
    conn: &mut AnyConnection,
    user_id: &UserId,
    step: u64,
) -> Result<bool, AuthError> {
    let taken = sqlx::query(
        "UPDATE totp_factors SET last_step = $1 WHERE user_id = $2 \
         AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < $1)",
    )
    .bind(stored_step(step)?)
    .bind(user_id.as_str())
    .execute(conn)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// Removes the user's app and their recovery codes.
pub(crate) async fn remove(conn: &mut AnyConnection, user_id: &UserId) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id.as_str())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM totp_factors WHERE user_id = $1")
        .bind(user_id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

fn stored_step(step: u64) -> Result<i64, AuthError> {
    i64::try_from(step).map_err(|_| corrupt("TOTP step"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_at(secret: &TotpSecret, seconds: u64) -> OneTimeCode {
        let code = secret.totp("").unwrap().generate(seconds);
        OneTimeCode::parse(&code.to_string()).unwrap()
    }

    #[test]
    fn a_code_matches_its_own_step_and_one_either_side() {
        let secret = TotpSecret::generate().unwrap();
        let now = Timestamp::from_millis(1_800_000_000_000);
        let step = 1_800_000_000 / 30;
        for (offset, expected) in [
            (-60, None),
            (-30, Some(step - 1)),
            (0, Some(step)),
            (30, Some(step + 1)),
            (60, None),
        ] {
            let code = code_at(&secret, 1_800_000_000u64.saturating_add_signed(offset));
            assert_eq!(
                secret.matching_step(&code, now).unwrap(),
                expected,
                "{offset} s"
            );
        }
    }

    #[test]
    fn the_app_address_names_the_issuer_and_the_user() {
        let secret = TotpSecret::generate().unwrap();
        let uri = secret.uri("ada:l@example.com").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Latchkey:ada_l%40example.com?"),
            "{uri}"
        );
        assert!(uri.contains(&format!("secret={}", secret.base32())));
        assert_eq!(secret.base32().len(), 32);
    }
}
