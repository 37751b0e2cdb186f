//! Pieces shared by several pages.

mod copy_button;
mod fields;
mod form_error;
mod header;
mod hydrated;
mod modal;
mod notices;
mod passkey_sign_in;
mod reauth;
mod toast;

pub use copy_button::CopyButton;
pub use fields::{CurrentPassword, Field, PasswordInput, PasswordKind, SecondFactorInput};
pub use form_error::FormError;
pub use header::SignedInHeader;
pub use hydrated::use_hydrated;

pub use modal::{Also, ConfirmModal};
pub use notices::SecurityNotices;
pub use passkey_sign_in::{PASSKEY_SCRIPT, PasskeySignIn};
pub use reauth::{ReauthDialog, provide_reauth, use_reauth};
pub use toast::ExpiryToast;
