//! Sessions in storage: read by a token or by id (`read`), started and
//! touched (`activity`), their tokens rotated (`rotation`), and ended
//! (`ending`). The rules they obey are in [`crate::session`].

mod activity;
mod ending;
mod read;
mod rotation;

pub use ending::Cleanup;

pub(crate) use activity::{
    NewSessionRow, devices_of, insert, password_entered_at, set_password_entered, touch,
};
pub(crate) use ending::{
    Bound, delete, delete_ended, enforce_cap, revoke, revoke_live, set_timeouts,
    shorten_for_account,
};
pub(crate) use read::{
    StoredSession, find_by_device_id, find_by_id, find_by_retired_hash, find_by_token_hash,
    find_locked, list_live, place_of,
};
pub(crate) use rotation::{mark_token_seen, renew_bound_cookie, replace_unseen, rotate};
