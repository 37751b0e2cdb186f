//! Pieces shared by several pages.

mod card;
mod confirm;
mod copy_button;
mod fields;
mod form_error;
mod header;
mod hydrated;
mod modal;
mod notices;
mod passkey_button;
mod reauth;
mod shown_once;
mod task;
mod toast;

pub use card::{Card, Outcome, loaded, outcome_view};
pub use confirm::{Confirm, ConfirmButton, ConfirmDialog, Question, provide_confirm, use_confirm};
pub use fields::{
    BoundInput, BoundSelect, Checkbox, CurrentPassword, Field, NewPasswordField, PasswordInput,
    PasswordKind, SecondFactorInput,
};
pub use form_error::FormError;
pub use header::SignedInHeader;
pub use hydrated::use_hydrated;

pub use notices::SecurityNotices;
pub use passkey_button::{PASSKEY_SCRIPT, PasskeyButton, PasskeyStep};
pub use reauth::{ReauthDialog, provide_reauth, use_reauth};
pub use shown_once::ShownOnce;
pub use task::{Task, use_local_task, use_task};
pub use toast::ExpiryToast;
