//! Pieces shared by several pages.

mod header;
mod notices;

pub use header::SignedInHeader;
pub use notices::SecurityNotices;
