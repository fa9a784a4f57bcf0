//! What a run tells, as it goes and after: each scenario's [`record`] (kept by the run's one
//! cucumber writer, the [`recorder`]), the [`console`] lines and the [`summary`] a run ends
//! with, and the files written from the same records: [`junit`], [`html`] and, for QA tools,
//! [`cucumber`] (Cucumber JSON and Cucumber Messages); a mutation run's [`coverage`] (rules.md).

pub(crate) mod console;
pub(crate) mod coverage;
pub(crate) mod cucumber;
pub(crate) mod html;
pub(crate) mod junit;
pub(crate) mod record;
pub(crate) mod recorder;
pub(crate) mod summary;
pub(crate) mod xml;

use std::fmt;

/// The text `write` writes, as `format!` makes one. Writing to a `String` fails only where a
/// `Display` implementation returns an error of its own, which `format!` and `to_string` take
/// for a bug and panic on; so does this. The functions that write the reports return
/// `fmt::Result` and pass on any error with `?`; this is where their text is taken.
pub(crate) fn text(write: impl FnOnce(&mut String) -> fmt::Result) -> String {
    let mut out = String::new();
    write(&mut out).expect("a Display implementation returned an error unexpectedly");
    out
}
