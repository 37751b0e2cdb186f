//! Invitations to join an account in storage: the link token's hash, the
//! account and address, until when. One per address in an account: a new
//! one replaces it. Using or revoking one deletes it, so a used, a revoked
//! and an unknown link look the same; an expired one is refused by its
//! time and deleted by the clean-up.

use api::{AccountId, EmailAddress, InvitationId, Timestamp, UserId};
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::columns::{Millis, Stored};
use super::query::{all, execute, select};
use crate::AuthError;
use crate::secret::TokenHash;

/// A new invitation, as it is written.
pub(crate) struct NewInvitation<'a> {
    pub id: &'a InvitationId,
    pub token_hash: &'a TokenHash,
    pub account_id: &'a AccountId,
    pub email: &'a EmailAddress,
    pub invited_by: &'a UserId,
}

/// An invitation as it is read back.
#[derive(FromRow)]
pub(crate) struct StoredInvitation {
    #[sqlx(try_from = "Stored")]
    pub id: InvitationId,
    #[sqlx(try_from = "Stored")]
    pub account_id: AccountId,
    pub email: String,
    /// The owner who sent it, while they are a user.
    pub invited_by: Option<String>,
    #[sqlx(rename = "created_at", try_from = "Millis")]
    pub sent_at: Timestamp,
    #[sqlx(try_from = "Millis")]
    pub expires_at: Timestamp,
}

/// The columns [`StoredInvitation`] reads.
macro_rules! invitation_columns {
    () => {
        "id, account_id, email, invited_by, created_at, expires_at"
    };
}

/// Writes the invitation, replacing any earlier one to the same address in
/// the account; whether there was one.
pub(crate) async fn replace(
    conn: &mut AnyConnection,
    invitation: &NewInvitation<'_>,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<bool, AuthError> {
    let delete = "DELETE FROM invitations WHERE account_id = $1 AND email = $2";
    let replaced = execute(
        &mut *conn,
        delete,
        &[invitation.account_id.into(), invitation.email.into()],
    )
    .await?
        > 0;
    let insert = "INSERT INTO invitations \
                  (id, token_hash, account_id, email, invited_by, created_at, expires_at) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let values = [
        invitation.id.into(),
        invitation.token_hash.into(),
        invitation.account_id.into(),
        invitation.email.into(),
        invitation.invited_by.into(),
        now.into(),
        expires_at.into(),
    ];
    execute(conn, insert, &values).await?;
    Ok(replaced)
}

/// The account's invitations still pending at `now`, newest first.
pub(crate) async fn pending(
    pool: &AnyPool,
    account_id: &AccountId,
    now: Timestamp,
) -> Result<Vec<StoredInvitation>, AuthError> {
    let sql = concat!(
        "SELECT ",
        invitation_columns!(),
        " FROM invitations WHERE account_id = $1 AND expires_at > $2 \
         ORDER BY created_at DESC, id"
    );
    all(pool, sql, &[account_id.into(), now.into()]).await
}

/// The invitation whose link token hashes to `token_hash`, while it works;
/// reads without using it.
pub(crate) async fn find_live(
    conn: &mut AnyConnection,
    token_hash: &TokenHash,
    now: Timestamp,
) -> Result<Option<StoredInvitation>, AuthError> {
    let sql = concat!(
        "SELECT ",
        invitation_columns!(),
        " FROM invitations WHERE token_hash = $1 AND expires_at > $2"
    );
    Ok(select(sql, &[token_hash.into(), now.into()])?
        .fetch_optional(conn)
        .await?)
}

/// The account's name and the address of the invitation whose link token
/// hashes to `token_hash`, while it works: what its page shows.
pub(crate) async fn shown(
    conn: &mut AnyConnection,
    token_hash: &TokenHash,
    now: Timestamp,
) -> Result<Option<(String, String)>, AuthError> {
    let sql = "SELECT a.name, i.email FROM invitations i \
               JOIN accounts a ON a.id = i.account_id \
               WHERE i.token_hash = $1 AND i.expires_at > $2";
    Ok(select(sql, &[token_hash.into(), now.into()])?
        .fetch_optional(conn)
        .await?)
}

/// Uses the link up: the invitation when it still worked and is now gone;
/// `None` when another request took it first, it was revoked or replaced,
/// or it ran out.
pub(crate) async fn take(
    conn: &mut AnyConnection,
    token_hash: &TokenHash,
    now: Timestamp,
) -> Result<Option<StoredInvitation>, AuthError> {
    let sql = concat!(
        "DELETE FROM invitations WHERE token_hash = $1 AND expires_at > $2 RETURNING ",
        invitation_columns!()
    );
    Ok(select(sql, &[token_hash.into(), now.into()])?
        .fetch_optional(conn)
        .await?)
}

/// Deletes one of the account's invitations, whatever its state; the
/// address it was for, when there was one.
pub(crate) async fn revoke(
    conn: &mut AnyConnection,
    account_id: &AccountId,
    id: &InvitationId,
) -> Result<Option<String>, AuthError> {
    let sql = "DELETE FROM invitations WHERE id = $1 AND account_id = $2 RETURNING email";
    let row: Option<(String,)> = select(sql, &[id.into(), account_id.into()])?
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(email,)| email))
}

/// Deletes every invitation to `email`, in any account (it has an account
/// now).
pub(crate) async fn end_for(
    conn: &mut AnyConnection,
    email: &EmailAddress,
) -> Result<(), AuthError> {
    let sql = "DELETE FROM invitations WHERE email = $1";
    execute(conn, sql, &[email.into()]).await?;
    Ok(())
}
