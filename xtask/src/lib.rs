//! Project automation behind `cargo xtask`. See `cargo xtask --help`.
//!
//! One command, one module: each owns its flags (`Args`, a `clap::Args`) and its body
//! (`Args::run`, which returns the exit code), with the work it alone needs in its folder;
//! `main.rs` only parses the command line and dispatches. Flag groups several commands take
//! are declared once, in `flags.rs`.
//!
//! The commands:
//! - [`regen`]: `openapi/*.yaml`, their external refs bundled and overlays applied, turned
//!   into `crates/epayment-api` by progenitor ([`regen::generate`]), or checked against it;
//! - [`spec_diff`]: what changed between two documents and whether it breaks clients;
//! - [`spec_update`]: what a new document means for the project, in one report;
//! - [`spec_watch`]: has a document been published anew, and the pull request that says so;
//! - [`test_document`]: the document schemathesis tests the sandbox against;
//! - [`contract`] (and `steps`): the contract harness's scenarios, and [`go_live`]: the
//!   go-live checklist, both run by the harness's binaries (`harness.rs`).
//!
//! What more than one command reads: [`project`] (where things are: workspace root,
//! documents, generated crate, target dir, overlays), [`document`] (reading a document, with
//! errors that name the line), [`external`] (external `$ref`s), `overlay.rs`, [`lock`]
//! (`openapi/upstream.lock`) with `digest.rs` (its content and structure digests),
//! [`structure`] (a document without its prose) and [`surface`] (how a generated client's
//! public surface changed).

pub mod contract;
mod digest;
pub mod document;
pub mod external;
mod flags;
pub mod go_live;
mod harness;
pub mod lock;
mod overlay;
pub mod project;
pub mod regen;
pub mod spec_diff;
pub mod spec_update;
pub mod spec_watch;
pub mod structure;
pub mod surface;
pub mod test_document;
