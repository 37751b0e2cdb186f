//! Users in storage: found by email or id as sign-in needs them, their
//! password, their sign-ins, and their row lock.

use api::{AccountId, DisplayName, EmailAddress, Me, Role, SessionPolicy, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::accounts::{PolicyColumns, UnboundColumns};
use super::columns::MaybeMillis;
use super::query::{execute, one, select};
use super::sql::{UserColumns, user_columns, with_account};
use crate::AuthError;
use crate::error::is_unique_violation;

/// A user with their account's policy, as sign-in needs them.
#[derive(FromRow)]
pub(crate) struct StoredUser {
    #[sqlx(flatten, try_from = "UserColumns")]
    pub me: Me,
    pub password_hash: String,
    /// Set while the password is one the server's operator gave: read with
    /// the hash, so the two always agree.
    #[sqlx(try_from = "MaybeMillis")]
    password_must_change_at: Option<Timestamp>,
    /// The policy override of the user's account.
    #[sqlx(flatten, try_from = "PolicyColumns")]
    pub policy_override: Option<SessionPolicy>,
    /// Its limits for sessions not bound to their device.
    #[sqlx(flatten, try_from = "UnboundColumns")]
    pub unbound: Option<SessionPolicy>,
}

impl StoredUser {
    /// Whether the user must choose a new password before any session
    /// opens: the server's operator reset theirs.
    pub fn password_must_change(&self) -> bool {
        self.password_must_change_at.is_some()
    }
}

macro_rules! select_user {
    ($where:literal) => {
        concat!(
            "SELECT ",
            user_columns!(),
            ", u.password_hash, u.password_must_change_at, a.idle_timeout_min, \
             a.absolute_timeout_min, a.unbound_idle_timeout_min, \
             a.unbound_absolute_timeout_min FROM users u ",
            with_account!(),
            " ",
            $where
        )
    };
}

pub(crate) async fn find_by_email(
    pool: &AnyPool,
    email: &EmailAddress,
) -> Result<Option<StoredUser>, AuthError> {
    one(pool, select_user!("WHERE u.email = $1"), email.into()).await
}

pub(crate) async fn find_by_id(
    pool: &AnyPool,
    id: &UserId,
) -> Result<Option<StoredUser>, AuthError> {
    one(pool, select_user!("WHERE u.id = $1"), id.into()).await
}

/// The user's name and email, to write to them, and whether the address
/// is verified (no mail but the link that verifies it goes to one that is
/// not).
pub(crate) async fn name_and_email(
    conn: &mut AnyConnection,
    id: &UserId,
) -> Result<Option<(String, String, bool)>, AuthError> {
    let row: Option<(String, String, MaybeMillis)> = one(
        conn,
        "SELECT name, email, email_verified_at FROM users WHERE id = $1",
        id.into(),
    )
    .await?;
    Ok(row.map(|(name, email, verified_at)| {
        let verified_at: Option<Timestamp> = verified_at.into();
        (name, email, verified_at.is_some())
    }))
}

/// The user's address and when it was verified (`None` while it is not).
pub(crate) async fn email_state(
    conn: &mut AnyConnection,
    id: &UserId,
) -> Result<Option<(String, Option<Timestamp>)>, AuthError> {
    let row: Option<(String, MaybeMillis)> = one(
        conn,
        "SELECT email, email_verified_at FROM users WHERE id = $1",
        id.into(),
    )
    .await?;
    Ok(row.map(|(email, at)| (email, at.into())))
}

/// Marks the user's address verified, if it is still `email`; whether it
/// was.
pub(crate) async fn mark_email_verified(
    conn: &mut AnyConnection,
    id: &UserId,
    email: &EmailAddress,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let sql = "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) \
               WHERE id = $2 AND email = $3";
    Ok(execute(conn, sql, &[now.into(), id.into(), email.into()]).await? > 0)
}

/// Gives the user a new address, verified now; a taken one is
/// [`AuthError::EmailTaken`].
pub(crate) async fn set_verified_email(
    conn: &mut AnyConnection,
    id: &UserId,
    email: &EmailAddress,
    now: Timestamp,
) -> Result<(), AuthError> {
    let sql = "UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3";
    match execute(conn, sql, &[email.into(), now.into(), id.into()]).await {
        Ok(_) => Ok(()),
        Err(AuthError::Storage(e)) if is_unique_violation(&e) => Err(AuthError::EmailTaken),
        Err(e) => Err(e),
    }
}

/// The user, read on `conn`: inside the transaction that wrote them.
pub(crate) async fn find_by_id_on(
    conn: &mut AnyConnection,
    id: &UserId,
) -> Result<Option<StoredUser>, AuthError> {
    one(conn, select_user!("WHERE u.id = $1"), id.into()).await
}

/// Whether a user has `email`, read on `conn`.
pub(crate) async fn email_taken(
    conn: &mut AnyConnection,
    email: &EmailAddress,
) -> Result<bool, AuthError> {
    let found: Option<(String,)> =
        select("SELECT id FROM users WHERE email = $1", &[email.into()])?
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// The user, if they are in the account.
pub(crate) async fn find_in_account(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    user_id: &UserId,
) -> Result<Option<Me>, AuthError> {
    let user: Option<StoredUser> =
        one(conn, select_user!("WHERE u.id = $1"), user_id.into()).await?;
    Ok(user
        .map(|user| user.me)
        .filter(|me| me.account_id == *account_id))
}

/// Sets the user's password. `must_change_from` is when the server's
/// operator set it, for one the user must replace at their next sign-in;
/// `None` for one of their own, which ends that.
pub(crate) async fn set_password_hash(
    conn: &mut AnyConnection,
    id: &UserId,
    hash: &str,
    must_change_from: Option<Timestamp>,
) -> Result<(), AuthError> {
    let sql = "UPDATE users SET password_hash = $1, password_must_change_at = $2 WHERE id = $3";
    execute(
        &mut *conn,
        sql,
        &[hash.into(), must_change_from.into(), id.into()],
    )
    .await?;
    // A new password ends every link to choose one.
    super::password_resets::end_all(conn, id).await
}

/// Replaces the password the server's operator gave (`given_hash`) with one
/// of the user's own; `false`, and nothing changed, when their password is
/// no longer `given_hash` (the operator reset it again meanwhile).
pub(crate) async fn replace_given_password(
    conn: &mut AnyConnection,
    id: &UserId,
    given_hash: &str,
    own_hash: &str,
) -> Result<bool, AuthError> {
    let sql = "UPDATE users SET password_hash = $1, password_must_change_at = NULL \
               WHERE id = $2 AND password_hash = $3 AND password_must_change_at IS NOT NULL";
    let replaced = execute(
        &mut *conn,
        sql,
        &[own_hash.into(), id.into(), given_hash.into()],
    )
    .await?
        > 0;
    if replaced {
        super::password_resets::end_all(conn, id).await?;
    }
    Ok(replaced)
}

pub(crate) struct NewUser<'a> {
    pub id: &'a UserId,
    pub account_id: &'a AccountId,
    pub role: Role,
    pub name: &'a DisplayName,
    pub email: &'a EmailAddress,
    pub password_hash: &'a str,
    /// When the address was shown to be theirs; `None` for one that a
    /// link from the mail must verify first (signing up).
    pub email_verified_at: Option<Timestamp>,
}

/// Inserts a user; a taken email is [`AuthError::EmailTaken`].
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    user: &NewUser<'_>,
    now: Timestamp,
) -> Result<(), AuthError> {
    let sql = "INSERT INTO users \
               (id, account_id, role, name, email, password_hash, created_at, email_verified_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    let values = [
        user.id.into(),
        user.account_id.into(),
        user.role.into(),
        user.name.into(),
        user.email.into(),
        user.password_hash.into(),
        now.into(),
        user.email_verified_at.into(),
    ];
    match execute(conn, sql, &values).await {
        Ok(_) => Ok(()),
        Err(AuthError::Storage(e)) if is_unique_violation(&e) => Err(AuthError::EmailTaken),
        Err(e) => Err(e),
    }
}

/// Records a sign-in, but only while the user's password is still the one
/// that was verified (`verified_hash`); false when it changed meanwhile.
/// The update takes the user's row lock, so a password change cannot
/// commit between this check and the end of the sign-in's transaction.
pub(crate) async fn record_login(
    conn: &mut AnyConnection,
    id: &UserId,
    verified_hash: &str,
    now: Timestamp,
) -> Result<bool, AuthError> {
    let sql = "UPDATE users SET last_login_at = $1 WHERE id = $2 AND password_hash = $3";
    let values = [now.into(), id.into(), verified_hash.into()];
    let recorded = execute(&mut *conn, sql, &values).await? > 0;
    if recorded {
        // Signing in ends any link to choose a new password: whoever asked
        // for it knows the password after all.
        super::password_resets::end_all(conn, id).await?;
    }
    Ok(recorded)
}

/// Locks the user's row until the transaction ends (a no-op update takes the
/// row lock on PostgreSQL; SQLite has one writer anyway).
pub(crate) async fn lock(conn: &mut AnyConnection, id: &UserId) -> Result<(), AuthError> {
    let sql = "UPDATE users SET id = id WHERE id = $1";
    execute(conn, sql, &[id.into()]).await?;
    Ok(())
}

/// Whether any user exists (the demo account is made only on an empty database).
pub(crate) async fn any_exist(pool: &AnyPool) -> Result<bool, AuthError> {
    let found: Option<(String,)> = select("SELECT id FROM users LIMIT 1", &[])?
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

/// Deletes the user and, with them, their sessions, tokens and notices.
/// Their audit entries stay.
pub(crate) async fn delete(conn: &mut AnyConnection, user_id: &UserId) -> Result<(), AuthError> {
    let sql = "DELETE FROM users WHERE id = $1";
    execute(conn, sql, &[user_id.into()]).await?;
    Ok(())
}
