//! What a run tells, as it goes and after: each scenario's [`record`] (kept by the run's one
//! cucumber writer, the [`recorder`]), the [`console`] lines and the [`summary`] a run ends
//! with, and the files written from the same records: [`junit`], [`html`] and, for QA tools,
//! [`cucumber`] (Cucumber JSON and Cucumber Messages).

pub(crate) mod console;
pub(crate) mod cucumber;
pub(crate) mod html;
pub(crate) mod junit;
pub(crate) mod record;
pub(crate) mod recorder;
pub(crate) mod summary;
pub(crate) mod xml;
