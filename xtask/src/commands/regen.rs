//! `cargo xtask regen [--check] [--spec FILE] [--out DIR]`: writes or checks the generated
//! client (the work is [`crate::regen`]'s), printing what it wrote and how the public surface
//! changed, or the diff of what is stale; `--check` also holds our documents' structure to
//! `openapi/upstream.lock` ([`crate::lock::check_ours`]).

use std::path::PathBuf;
use std::process::ExitCode;

use super::ExternalArgs;
use crate::lock::{self, Lock};
use crate::overlay::ActionStatus;
use crate::project::{display, workspace_root};
use crate::regen::{self, Options};

/// `regen`'s flags.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Do not write; exit 1 with a unified diff if the committed code is not what the
    /// documents give.
    #[arg(long)]
    pub check: bool,
    /// Generate the ePayment client from this document instead of openapi/epayment.yaml.
    #[arg(long, value_name = "PATH")]
    pub spec: Option<PathBuf>,
    /// Write a standalone crate to DIR instead of updating crates/epayment-api.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub external: ExternalArgs,
}

/// Runs `regen`: exit 1 when `--check` finds stale code.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    let options = Options { spec: args.spec, out: args.out, check: args.check, external: args.external.refs()? };
    let report = regen::run(&root, &options)?;
    for status in report.overlays.iter().filter(|s| s.status != ActionStatus::Applied) {
        eprintln!("warning: overlay {status}");
    }
    if options.check {
        for (_, diff) in &report.stale {
            print!("{diff}");
        }
        // Our documents against the published ones the lock names (not for another --spec).
        let unfollowed = match options.spec {
            None => lock::check_ours(&root, &Lock::load(&root.join(lock::DEFAULT_PATH))?)?,
            Some(_) => Vec::new(),
        };
        for problem in &unfollowed {
            eprintln!("error: {problem}");
        }
        if !report.stale.is_empty() {
            let names: Vec<_> = report.stale.iter().map(|(p, _)| display(&root, p)).collect();
            eprintln!("error: stale generated code: {}; run `cargo xtask regen`", names.join(", "));
        }
        if !(report.stale.is_empty() && unfollowed.is_empty()) {
            return Ok(ExitCode::FAILURE);
        }
        eprintln!("generated code is current ({} files)", report.current.len());
    } else {
        for path in &report.current {
            eprintln!("wrote {}", display(&root, path));
        }
        if report.surface.is_empty() {
            eprintln!("public surface: unchanged");
        } else {
            eprintln!("public surface:");
            for change in &report.surface {
                eprintln!("  {change}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
