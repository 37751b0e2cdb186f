//! What only an account's owner may do, on their own account: the session
//! policy, signing out the account, adding members. [`Auth::as_owner`]
//! checks the role once; an [`OwnerActions`] cannot exist for a member.

use api::Role;

use super::{Auth, Caller};
use crate::AuthError;

/// The owner's actions, for one signed-in owner.
pub struct OwnerActions<'a> {
    pub(super) auth: &'a Auth,
    pub(super) owner: &'a Caller,
}

impl Auth {
    /// The owner's actions for `caller`; `forbidden` for a member.
    pub fn as_owner<'a>(&'a self, caller: &'a Caller) -> Result<OwnerActions<'a>, AuthError> {
        if caller.me.role != Role::Owner {
            return Err(AuthError::Forbidden);
        }
        Ok(OwnerActions {
            auth: self,
            owner: caller,
        })
    }
}
