//! Request middleware, outermost first: same-origin check, resolving the
//! caller, guarding signed-in pages.

mod authenticate;
mod origin;
mod pages;

pub use authenticate::authenticate;
pub use origin::{origin_is_foreign, refuse_cross_origin};
pub use pages::guard_signed_in_pages;
