//! Pieces shared by several pages.

mod header;

pub use header::SignedInHeader;
