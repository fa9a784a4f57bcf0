//! Project automation behind `cargo xtask`. See `cargo xtask --help`.
//!
//! The data flow: `openapi/*.yaml` are read ([`document`]), the overlays under
//! `openapi/overlays/` are applied ([`overlay`]), progenitor turns the result into Rust
//! ([`generate`]), and [`regen`] writes it into `crates/epayment-api` or checks that what is
//! committed there is current.

pub mod document;
pub mod external;
pub mod generate;
pub mod overlay;
pub mod preview;
pub mod regen;
pub mod spec_diff;
pub mod spec_update;
pub mod structure;
