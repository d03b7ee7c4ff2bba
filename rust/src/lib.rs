//! The compiled core of unmask (issue 25): the hot loops that Python drives.
//!
//! The modules below are plain Rust (tested by `cargo test` with no Python); the
//! `python` feature adds the PyO3 bindings that maturin builds into `unmask._core`.

#[cfg(feature = "python")]
mod bindings;

/// The crate's version, as the Python side reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod features;
pub mod literals;
pub mod names;
pub mod scan;
pub mod scores;
pub mod sweep;
pub mod text;
