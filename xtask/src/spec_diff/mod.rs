//! `cargo xtask spec-diff`: what changed between two OpenAPI documents, and whether it breaks
//! a client of the API.
//!
//! Where to look:
//! - the catalogue of checks (ids, default severities, meanings): [`checks`];
//! - how two documents are paired, operation by operation and schema by schema: `walker.rs`;
//! - what each check judges: `rules/`, one file per area (version and servers, security,
//!   operations, lifecycle, parameters, bodies and media types, responses, headers,
//!   properties, readOnly/writeOnly, keywords, compositions, discriminators, prose), each
//!   opening with the check ids it emits;
//! - how spec-diff's checks line up with oasdiff's rules: `oasdiff-rules.toml`;
//! - sunset dates: [`date`];
//! - reading schemas (`allOf` merged, branches paired): `schema.rs`; ordering regular
//!   expressions: [`pattern`];
//! - the project's severities and accepted findings: [`config`]; the output formats:
//!   [`report`].
//!
//! Operations are matched by operationId, so a path that moves is reported as moved rather
//! than as one operation removed and another added, and a path that moves under a new server
//! base keeping its URL is no break (oasdiff matches by path and reports both as breaking).
//! Schemas are compared in the direction data flows. External `$ref`s are compared by URL
//! unless they were bundled first (`--external`).

pub mod checks;
pub mod config;
pub mod date;
pub mod pattern;
pub mod report;
mod rules;
mod schema;
mod walker;

use serde::Serialize;
use serde_json::Value;

pub use checks::{Check, Severity};
pub use config::Config;
pub use date::Day;

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects clients (the check's default unless the configuration changed it).
    pub severity: Severity,
    /// The check, by its stable id, e.g. `request-property-made-required`.
    pub kind: Check,
    /// The operation (`POST /v1/payments`) or `document`.
    pub operation: String,
    /// Where inside it: a parameter, or a JSON pointer into the schema.
    pub location: String,
    /// What changed, in words.
    pub message: String,
    /// Why the project accepts this change, when its configuration ignores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

impl Change {
    /// Whether it counts towards `--fail-on` and the summary's counts.
    pub fn counts(&self) -> bool {
        self.ignored.is_none()
    }
}

/// Compares two parsed documents, every check at its default severity, sunset dates compared
/// with the day of the run.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    diff_on(old, new, &Day::today())
}

/// Compares two parsed documents as on `today` (sunset dates are compared with it).
pub fn diff_on(old: &Value, new: &Value, today: &Day) -> Vec<Change> {
    let mut changes = walker::walk(old, new, today);
    sort(&mut changes);
    changes.dedup();
    changes
}

/// Compares two documents as on the day of the run and applies the project's configuration.
pub fn diff_with(old: &Value, new: &Value, config: &Config) -> Vec<Change> {
    diff_with_on(old, new, config, &Day::today())
}

/// Compares two documents as on `today` and applies the project's configuration.
pub fn diff_with_on(old: &Value, new: &Value, config: &Config, today: &Day) -> Vec<Change> {
    let mut changes = diff_on(old, new, today);
    config.apply(&mut changes);
    sort(&mut changes);
    changes
}

/// Most severe first, then by operation, location and check.
fn sort(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        (a.severity, &a.operation, &a.location, a.kind).cmp(&(b.severity, &b.operation, &b.location, b.kind))
    });
}
