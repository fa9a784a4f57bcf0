//! `cargo xtask spec-diff OLD NEW`: what changed between two OpenAPI documents, and whether it
//! breaks a client of the API. The command loads both documents (mapped external refs bundled,
//! the overlays applied with `--overlays`), compares them with the project's configuration,
//! prints the report and exits by `--fail-on`.
//!
//! Where to look:
//! - the catalogue of checks (ids, default severities, meanings): `checks.rs` ([`Check`]);
//! - how two documents are paired, operation by operation and schema by schema: `walker.rs`;
//! - what each check judges: `rules/`, one file per area (version and servers, security,
//!   operations, lifecycle, parameters, bodies and media types, responses, headers,
//!   properties, readOnly/writeOnly, keywords, compositions, discriminators, prose), each
//!   opening with the check ids it emits;
//! - how spec-diff's checks line up with oasdiff's rules: `oasdiff-rules.toml`;
//! - sunset dates: `date.rs` ([`Day`]);
//! - reading schemas (`allOf` merged, branches paired): `schema.rs`; ordering regular
//!   expressions: `pattern.rs`;
//! - the project's severities and accepted findings: `config.rs` ([`Config`]); the output formats:
//!   [`report`].
//!
//! Operations are matched by operationId, so a path that moves is reported as moved rather
//! than as one operation removed and another added, and a path that moves under a new server
//! base keeping its URL is no break (oasdiff matches by path and reports both as breaking).
//! Schemas are compared in the direction data flows. External `$ref`s are compared by URL
//! unless they were bundled first (`--external`).

mod checks;
mod config;
mod date;
mod pattern;
pub mod report;
mod rules;
mod schema;
mod walker;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use serde_json::Value;

use crate::external::Unmapped;
use crate::flags::ExternalArgs;
use crate::project::{TARGETS, load_overlays, workspace_root};

pub use checks::{Check, Severity};
pub use config::Config;
pub use date::Day;

/// `spec-diff`'s flags.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The older document (YAML or JSON).
    old: PathBuf,
    /// The newer document.
    new: PathBuf,
    /// Apply openapi/overlays/epayment/ to both first.
    #[arg(long)]
    overlays: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 when there is a change of this severity (or any change).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Show doc changes (descriptions, summaries, examples) too.
    #[arg(long)]
    all: bool,
    /// Check severities and accepted findings [default: openapi/spec-diff.toml when it exists].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Every check at its default severity, nothing ignored.
    #[arg(long)]
    no_config: bool,
    /// The day sunset dates (x-sunset) are compared with, YYYY-MM-DD [default: today, UTC].
    #[arg(long, value_name = "DAY")]
    today: Option<Day>,
    #[command(flatten)]
    external: ExternalArgs,
}

/// How the report is written.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Format {
    /// One line per finding.
    Text,
    /// Grouped by severity, for a pull request.
    Markdown,
    /// A list of findings.
    Json,
    /// JUnit XML, one test case per check.
    Junit,
    /// GitHub Actions annotations.
    Github,
}

/// What makes the command exit 1.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum FailOn {
    /// A breaking finding that is not ignored.
    Breaking,
    /// Any finding that is shown and not ignored.
    Any,
}

impl Args {
    /// Runs `spec-diff`: exit 1 when something `--fail-on` names changed.
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let root = workspace_root()?;
        let external = self.external.refs()?;
        let load = |path: &Path| -> anyhow::Result<Value> {
            // Unmapped external refs stay, compared by URL.
            let mut value = external.load(path, Unmapped::Keep)?;
            if self.overlays {
                for overlay in load_overlays(&root.join(TARGETS[0].overlays))? {
                    overlay.apply(&mut value)?;
                }
            }
            Ok(value)
        };
        let config = match (&self.config, self.no_config) {
            (_, true) => Config::default(),
            (Some(path), false) => Config::load(path)?,
            (None, false) => Config::for_project(&root)?,
        };
        let today = self.today.unwrap_or_else(Day::today);
        let changes = diff_with_on(&load(&self.old)?, &load(&self.new)?, &config, &today);
        let shown = report::visible(&changes, self.all);
        let output = match self.format {
            Format::Text => report::text(&shown)?,
            Format::Markdown => report::markdown(&shown)?,
            Format::Json => report::json(&shown),
            Format::Junit => report::junit(&shown)?,
            Format::Github => report::github(&shown, &self.new.to_string_lossy())?,
        };
        print!("{output}");
        Ok(if fails(&changes, self.fail_on, self.all) { ExitCode::FAILURE } else { ExitCode::SUCCESS })
    }
}

/// Whether the findings make the command fail: doc changes count for `any` only with `--all`.
fn fails(changes: &[Change], fail_on: Option<FailOn>, all: bool) -> bool {
    match fail_on {
        None => false,
        Some(FailOn::Breaking) => changes.iter().any(|c| c.counts() && c.severity == Severity::Breaking),
        Some(FailOn::Any) => changes.iter().any(|c| c.counts() && (all || c.severity != Severity::Doc)),
    }
}

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
