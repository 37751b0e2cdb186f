//! Request middleware, outermost first: the request id and its log span,
//! running state-changing requests to their end, security headers, uniform
//! error answers, the client's address, same-origin check; then, per route
//! group (see `router`), resolving the caller as the group's kind of route
//! says, and for pages their nonce and guarding the signed-in ones. The
//! built front end resolves no caller.

mod authenticate;
mod client_address;
mod error_answers;
mod origin;
mod pages;
mod request_id;
mod run_to_completion;
mod security_headers;

pub use authenticate::authenticate;
pub use client_address::{ClientAddr, resolve_client_address};
pub use error_answers::{ErrorShape, uniform_error_answers};
pub use origin::{origin_is_foreign, refuse_cross_origin};
pub use pages::{guard_signed_in_pages, login_for};
pub use request_id::request_id;
pub use run_to_completion::run_to_completion;
pub use security_headers::{PageNonce, built_files_caching, page_policy, security_headers};
