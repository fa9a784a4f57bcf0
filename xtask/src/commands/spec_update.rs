//! `cargo xtask spec-update NEW [--base OLD] [--no-contract]`: runs [`crate::spec_update`] and
//! writes its report to `<target>/spec-update/report.md`, printing the path.

use std::path::PathBuf;
use std::process::ExitCode;

use super::ExternalArgs;
use crate::overlay::ActionStatus;
use crate::project::workspace_root;
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
    let (outcome, path, _) = spec_update::write_report(&root, &request)?;
    warn_about_overlays(&outcome);
    println!("{}", path.display());
    Ok(if outcome.breaking() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// A warning for each overlay action that did not apply to the new document.
pub fn warn_about_overlays(outcome: &Outcome) {
    for status in outcome.overlays.iter().filter(|s| s.status != ActionStatus::Applied) {
        eprintln!("warning: overlay {status}");
    }
}
