//! `cargo xtask spec-diff OLD NEW`: loads both documents (mapped external refs bundled, the
//! overlays applied with `--overlays`), runs [`crate::spec_diff`] with the project's
//! configuration, prints the report and exits by `--fail-on`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use super::ExternalArgs;
use crate::external::Unmapped;
use crate::project::{TARGETS, load_overlays, workspace_root};
use crate::spec_diff::{self, Change, Config, Day, Severity, report};

/// `spec-diff`'s flags.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The older document (YAML or JSON).
    pub old: PathBuf,
    /// The newer document.
    pub new: PathBuf,
    /// Apply openapi/overlays/epayment/ to both first.
    #[arg(long)]
    pub overlays: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 1 when there is a change of this severity (or any change).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Show doc changes (descriptions, summaries, examples) too.
    #[arg(long)]
    pub all: bool,
    /// Check severities and accepted findings [default: openapi/spec-diff.toml when it exists].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Every check at its default severity, nothing ignored.
    #[arg(long)]
    pub no_config: bool,
    /// The day sunset dates (x-sunset) are compared with, YYYY-MM-DD [default: today, UTC].
    #[arg(long, value_name = "DAY")]
    pub today: Option<Day>,
    #[command(flatten)]
    pub external: ExternalArgs,
}

/// How the report is written.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
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
pub enum FailOn {
    /// A breaking finding that is not ignored.
    Breaking,
    /// Any finding that is shown and not ignored.
    Any,
}

/// Runs `spec-diff`: exit 1 when something `--fail-on` names changed.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    let external = args.external.refs()?;
    let load = |path: &Path| -> anyhow::Result<Value> {
        // Unmapped external refs stay, compared by URL.
        let mut value = external.load(path, Unmapped::Keep)?;
        if args.overlays {
            for overlay in load_overlays(&root.join(TARGETS[0].overlays))? {
                overlay.apply(&mut value)?;
            }
        }
        Ok(value)
    };
    let config = match (&args.config, args.no_config) {
        (_, true) => Config::default(),
        (Some(path), false) => Config::load(path)?,
        (None, false) => Config::for_project(&root)?,
    };
    let today = args.today.clone().unwrap_or_else(Day::today);
    let changes = spec_diff::diff_with_on(&load(&args.old)?, &load(&args.new)?, &config, &today);
    let shown = report::visible(&changes, args.all);
    let output = match args.format {
        Format::Text => report::text(&shown),
        Format::Markdown => report::markdown(&shown),
        Format::Json => report::json(&shown),
        Format::Junit => report::junit(&shown),
        Format::Github => report::github(&shown, &args.new.to_string_lossy()),
    };
    print!("{output}");
    Ok(if fails(&changes, args.fail_on, args.all) { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Whether the findings make the command fail: doc changes count for `any` only with `--all`.
fn fails(changes: &[Change], fail_on: Option<FailOn>, all: bool) -> bool {
    match fail_on {
        None => false,
        Some(FailOn::Breaking) => changes.iter().any(|c| c.counts() && c.severity == Severity::Breaking),
        Some(FailOn::Any) => changes.iter().any(|c| c.counts() && (all || c.severity != Severity::Doc)),
    }
}
