//! Recovery codes: ten one-use stand-ins for the authenticator app, shown
//! once and stored only as hashes.

use api::{RECOVERY_CODE_COUNT, RecoveryCode, Timestamp, UserId};
use sqlx::AnyConnection;

use crate::AuthError;
use crate::secret::random_bytes;

/// Random bytes in a code: 80 bits, sixteen base32 characters.
const CODE_BYTES: usize = 10;

/// A fresh set of recovery codes, for showing once.
pub(crate) struct RecoveryCodeSet(Vec<RecoveryCode>);

impl RecoveryCodeSet {
    pub fn generate() -> Result<Self, AuthError> {
        let mut codes = Vec::with_capacity(RECOVERY_CODE_COUNT);
        for _ in 0..RECOVERY_CODE_COUNT {
            let bytes = random_bytes::<CODE_BYTES>()?;
            let text = base32::encode(base32::Alphabet::Rfc4648 { padding: false }, &bytes);
            codes.push(RecoveryCode::parse(&text)?);
        }
        Ok(Self(codes))
    }

    /// The codes as they are shown: `ABCD-EFGH-JKLM-NPQR`.
    pub fn shown(&self) -> Vec<String> {
        self.0.iter().map(RecoveryCode::grouped).collect()
    }

    /// Keeps these codes' hashes as the user's codes, in place of any they
    /// had.
    pub async fn store(&self, conn: &mut AnyConnection, user_id: &UserId) -> Result<(), AuthError> {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id.as_str())
            .execute(&mut *conn)
            .await?;
        for code in &self.0 {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id.as_str())
                .bind(hash(user_id, code))
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

/// The stored form of a code: BLAKE3, keyed by the user so that one hash
/// table cannot serve every user at once.
fn hash(user_id: &UserId, code: &RecoveryCode) -> String {
    let mut hasher = blake3::Hasher::new_derive_key("latchkey 2026 recovery code");
    hasher.update(user_id.as_str().as_bytes());
    hasher.update(b"\0");
    hasher.update(code.as_str().as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// Uses up `code`: `false` when it is not one of the user's codes or was
/// used already.
pub(super) async fn take(
    conn: &mut AnyConnection,
    user_id: &UserId,
    code: &RecoveryCode,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let taken = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 \
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(user_id.as_str())
    .bind(hash(user_id, code))
    .execute(conn)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// How many of the user's recovery codes are still unused.
pub(crate) async fn count_left(
    conn: &mut AnyConnection,
    user_id: &UserId,
) -> Result<usize, AuthError> {
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id.as_str())
    .fetch_one(conn)
    .await?;
    Ok(usize::try_from(left).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_ten_different_codes_in_groups_of_four() {
        let set = RecoveryCodeSet::generate().unwrap();
        let shown = set.shown();
        assert_eq!(shown.len(), RECOVERY_CODE_COUNT);
        assert!(
            shown
                .iter()
                .all(|code| code.len() == 19 && code.matches('-').count() == 3)
        );
        let distinct: std::collections::HashSet<_> = shown.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODE_COUNT);
    }

    #[test]
    fn the_same_code_hashes_differently_for_two_users() {
        let code = RecoveryCode::parse("ABCD-EFGH-IJKL-MN23").unwrap();
        let ada = UserId::from_random_bytes([1; 16]);
        let bob = UserId::from_random_bytes([2; 16]);
        assert_ne!(hash(&ada, &code), hash(&bob, &code));
        assert_eq!(hash(&ada, &code), hash(&ada, &code));
    }
}
