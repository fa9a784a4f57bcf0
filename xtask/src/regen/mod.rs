//! `cargo xtask regen [--check] [--spec FILE] [--out DIR]`: documents + overlays ->
//! `crates/epayment-api/src/generated/*.rs`. Writes or checks the generated client, printing
//! what it wrote and how the public surface changed, or the diff of what is stale; `--check`
//! also holds our documents' structure to `openapi/upstream.lock` ([`crate::lock::check_ours`]).
//!
//! [`render`] turns each document into its module ([`generate`]: progenitor's settings),
//! `preview.rs` makes a standalone crate of them for `--out`, and [`run`] writes or compares.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow};

use crate::flags::ExternalArgs;
use crate::lock::{self, Lock};
use crate::overlay::{self, ActionReport};
use crate::project::{CRATE_DIR, EFFECTIVE_DOCUMENT, display, workspace_root};
use crate::surface::{surface_changes, unified_diff};

pub mod generate;
mod preview;
mod render;

pub use render::{Inputs, Options, RenderedTarget, render, render_all, render_all_reporting};

/// `regen`'s flags.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Do not write; exit 1 with a unified diff if the committed code is not what the
    /// documents give.
    #[arg(long)]
    check: bool,
    /// Generate the ePayment client from this document instead of openapi/epayment.yaml.
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// Write a standalone crate to DIR instead of updating crates/epayment-api.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    external: ExternalArgs,
}

impl Args {
    /// Runs `regen`: exit 1 when `--check` finds stale code.
    pub fn run(self) -> Result<ExitCode> {
        let root = workspace_root()?;
        let options = Options { spec: self.spec, out: self.out, check: self.check, external: self.external.refs()? };
        let report = run(&root, &options)?;
        overlay::warn_unapplied(&report.overlays);
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
}

/// The outcome of a run, for the caller to print.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (or, with `check`, found current).
    pub current: Vec<PathBuf>,
    /// With `check`: files whose committed text differs, each with a unified diff.
    pub stale: Vec<(PathBuf, String)>,
    /// Without `check`: how the public surface of each rewritten module changed.
    pub surface: Vec<String>,
    /// Each overlay action's status on a document given with `--spec`.
    pub overlays: Vec<ActionReport>,
}

/// Runs `regen` as the options say.
pub fn run(root: &Path, options: &Options) -> Result<Report> {
    let (crate_dir, mut files) = match &options.out {
        Some(dir) => (dir.clone(), preview::crate_files(root)?),
        None => (root.join(CRATE_DIR), Vec::new()),
    };
    let (rendered, overlays) = render_all_reporting(root, options)?;
    files.extend(rendered);
    if options.out.is_some() {
        preview::add_format_dependencies(&mut files)?;
    }
    let mut report = Report { overlays, ..Report::default() };
    for file in &files {
        let path = if file.relative == Path::new(EFFECTIVE_DOCUMENT) {
            root.join(&file.relative)
        } else {
            crate_dir.join(&file.relative)
        };
        if options.check {
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            if same_text(&committed, &file.contents) {
                report.current.push(path);
            } else {
                let diff = unified_diff(&display(root, &path), &committed, &file.contents);
                report.stale.push((path, diff));
            }
        } else {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| anyhow!("{}: cannot create: {e}", parent.display()))?;
            }
            let before = std::fs::read_to_string(&path).unwrap_or_default();
            if file.relative.starts_with("src/generated") && before != file.contents {
                let name = display(root, &path);
                report
                    .surface
                    .extend(surface_changes(&before, &file.contents).into_iter().map(|c| format!("{name}: {c}")));
            }
            std::fs::write(&path, &file.contents).map_err(|e| anyhow!("{}: cannot write: {e}", path.display()))?;
            report.current.push(path);
        }
    }
    Ok(report)
}

/// Whether a committed file holds the generated text. Line endings do not count: a checkout
/// that turns LF into CRLF (git's `core.autocrlf` on Windows) holds current code too.
fn same_text(committed: &str, generated: &str) -> bool {
    committed == generated || committed.replace("\r\n", "\n") == generated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkout_with_crlf_line_endings_holds_current_code() {
        let generated = "//! generated\npub mod x {}\n";
        assert!(same_text(generated, generated));
        assert!(same_text("//! generated\r\npub mod x {}\r\n", generated));
        assert!(!same_text("//! generated\r\npub mod y {}\r\n", generated), "other text is still stale");
        assert!(!same_text("", generated));
    }
}
