//! Rows that wait for an answer only until their `expires_at`: challenges
//! and ceremonies of signing in and of binding a device, and the links sent
//! by mail. The clean-up deletes those whose time has passed.

use api::Timestamp;
use sqlx::AnyConnection;

use super::query::execute;
use crate::AuthError;

/// A table of rows that expire.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Expiring {
    SignInChallenges,
    PasskeyCeremonies,
    DeviceChallenges,
    PasswordResets,
    SessionReports,
    Invitations,
    EmailVerifications,
}

impl Expiring {
    const fn delete_sql(self) -> &'static str {
        match self {
            Expiring::SignInChallenges => "DELETE FROM sign_in_challenges WHERE expires_at <= $1",
            Expiring::PasskeyCeremonies => "DELETE FROM passkey_ceremonies WHERE expires_at <= $1",
            Expiring::DeviceChallenges => "DELETE FROM device_challenges WHERE expires_at <= $1",
            Expiring::PasswordResets => "DELETE FROM password_resets WHERE expires_at <= $1",
            Expiring::SessionReports => "DELETE FROM session_reports WHERE expires_at <= $1",
            Expiring::Invitations => "DELETE FROM invitations WHERE expires_at <= $1",
            Expiring::EmailVerifications => {
                "DELETE FROM email_verifications WHERE expires_at <= $1"
            }
        }
    }
}

/// Deletes the rows of `tables` that expired by `now`; how many.
pub(crate) async fn delete(
    conn: &mut AnyConnection,
    tables: &[Expiring],
    now: Timestamp,
) -> Result<u64, AuthError> {
    let mut deleted = 0;
    for table in tables {
        deleted += execute(&mut *conn, table.delete_sql(), &[now.into()]).await?;
    }
    Ok(deleted)
}
