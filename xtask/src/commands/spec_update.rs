//! `cargo xtask spec-update NEW [--base OLD] [--no-contract]`: runs [`crate::spec_update`] and
//! writes its report to `<target>/spec-update/report.md`, printing the path.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;

use super::ExternalArgs;
use crate::overlay::ActionStatus;
use crate::project::{TARGETS, display, target_dir, workspace_root};
use crate::spec_update::{self, Outcome, Request};

/// `spec-update`'s flags.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The new document (YAML or JSON).
    pub new: PathBuf,
    /// Compare with this document instead of openapi/epayment.yaml.
    #[arg(long, value_name = "OLD")]
    pub base: Option<PathBuf>,
    /// Skip running the contract suite against the new document.
    #[arg(long)]
    pub no_contract: bool,
    #[command(flatten)]
    pub external: ExternalArgs,
}

/// Runs `spec-update`: exit 0 when nothing breaks, 1 when something does.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    let request =
        Request { new: args.new, base: args.base, external: args.external.refs()?, no_contract: args.no_contract };
    let (outcome, path) = write_report(&root, &request)?;
    println!("{}", path.display());
    Ok(if outcome.breaking() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Runs every step and writes the report; returns the outcome and where the report is.
pub fn write_report(root: &Path, request: &Request) -> anyhow::Result<(Outcome, PathBuf)> {
    let outcome = spec_update::run(root, request)?;
    for status in outcome.overlays.iter().filter(|s| s.status != ActionStatus::Applied) {
        eprintln!("warning: overlay {status}");
    }
    let shown = |p: &Path| display(root, p);
    let base_name = request.base.as_deref().map_or_else(|| TARGETS[0].spec.to_owned(), shown);
    let text = spec_update::markdown(&outcome, &base_name, &shown(&request.new));
    let path = target_dir(root).join("spec-update/report.md");
    std::fs::write(&path, text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok((outcome, path))
}
