//! Project automation behind `cargo xtask`. See `cargo xtask --help`.
//!
//! Where to look:
//! - a command's flags and what it prints: [`commands`] (one module per command);
//! - where things are (workspace root, documents, generated crate, target dir, overlays):
//!   [`project`];
//! - generation: `openapi/*.yaml` are read ([`document`], external refs [`external`]), the
//!   overlays applied ([`overlay`]), progenitor turns the result into Rust ([`generate`]),
//!   [`regen`] writes or checks `crates/epayment-api` ([`preview`] for `--out`), and
//!   [`surface`] says how the public surface changed;
//! - comparing documents: [`spec_diff`] (what changed and whether it breaks clients),
//!   [`structure`] (a document without its prose), [`spec_update`] (what a new document means
//!   for the project, in one report);
//! - following the published documents: [`lock`] (`openapi/upstream.lock`), [`digest`] (its
//!   content and structure digests), [`fetch`] (HTTP with limits), [`spec_watch`] (has a
//!   document been published anew, and the pull request that says so).

pub mod commands;
pub mod digest;
pub mod document;
pub mod external;
pub mod lock;
pub mod overlay;
pub mod project;
pub mod regen;
pub mod spec_diff;
pub mod spec_update;
pub mod spec_watch;
pub mod structure;
pub mod surface;
pub mod test_document;
