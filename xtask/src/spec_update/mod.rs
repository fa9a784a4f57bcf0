//! `cargo xtask spec-update NEW [--base OLD] [--no-contract]`: what a newly published ePayment
//! document means for this project, in one run and one report, changing no committed file.
//! The command writes the report to `<target>/spec-update/report.md` and prints its path.
//!
//! 1. spec-diff (with `openapi/spec-diff.toml`) of the base (`openapi/epayment.yaml`, or
//!    `--base`) against NEW;
//! 2. each overlay action's status on NEW;
//! 3. the generated client's public surface change;
//! 4. whether the workspace (every crate and its tests) compiles against the client generated
//!    from NEW, in a scratch copy of the workspace under the target directory;
//! 5. unless `--no-contract` or the compile failed: the contract suite in that copy, with the
//!    simulator validating against NEW, and the scenarios whose exchanges NEW rejects.
//!
//! The report (`<target>/spec-update/report.md`, Markdown, the body of a pull request) has the
//! sections Changes, Overlays, Public surface, Compile and Scenarios. Updating `openapi/`
//! stays a person's deliberate step.
//!
//! `scratch.rs` runs steps 4 and 5 in the copy, `outcome.rs` holds what the steps found, and
//! `report.rs` writes it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::external::{ExternalRefs, Unmapped, UnmappedRef};
use crate::flags::UpdateArgs;
use crate::overlay;
use crate::project::{Rendered, TARGETS, display, target_dir, workspace_root};
use crate::regen::{self, Options};
use crate::spec_diff;
use crate::surface::surface_changes;

mod outcome;
mod report;
mod scratch;

use outcome::{Outcome, Step};
use scratch::Scratch;

/// `spec-update`'s flags.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The new document (YAML or JSON).
    new: PathBuf,
    /// Compare with this document instead of openapi/epayment.yaml.
    #[arg(long, value_name = "OLD")]
    base: Option<PathBuf>,
    #[command(flatten)]
    update: UpdateArgs,
}

impl Args {
    /// Runs `spec-update`: exit 0 when nothing breaks, 1 when something does.
    pub fn run(self) -> Result<ExitCode> {
        let root = workspace_root()?;
        let request = Request {
            new: self.new,
            base: self.base,
            external: self.update.external.refs()?,
            no_contract: self.update.no_contract,
        };
        let (outcome, path, _) = write_report(&root, &request)?;
        overlay::warn_unapplied(&outcome.overlays);
        println!("{}", path.display());
        Ok(if outcome.breaking() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
    }
}

/// What to compare and which steps to run.
#[derive(Debug, Default)]
pub(crate) struct Request {
    /// The new document.
    pub new: PathBuf,
    /// The base; `openapi/epayment.yaml` when not given.
    pub base: Option<PathBuf>,
    /// Where external `$ref`s are read from.
    pub external: ExternalRefs,
    /// Skip step 5.
    pub no_contract: bool,
}

/// Runs every step. An error means the run could not be made (an unreadable document, an
/// unmapped external reference, no cargo): exit 2.
fn run(root: &Path, request: &Request) -> Result<Outcome> {
    let base = request.base.clone().unwrap_or_else(|| root.join(TARGETS[0].spec));
    let config = spec_diff::Config::for_project(root)?;
    let load = |path: &Path| request.external.load(path, Unmapped::Keep);
    let changes = spec_diff::diff_with(&load(&base)?, &load(&request.new)?, &config);

    // Generation, with each overlay's status on NEW. An unmapped external reference stops the
    // run (the message names the flag); any other generation failure is a finding.
    let render = |spec: Option<&Path>| {
        let options =
            Options { spec: spec.map(Path::to_owned), external: request.external.clone(), ..Options::default() };
        regen::render_all_reporting(root, &options)
    };
    let (new_files, overlays) = match render(Some(&request.new)) {
        Ok(rendered) => rendered,
        Err(e) if e.downcast_ref::<UnmappedRef>().is_some() => return Err(e),
        Err(e) => {
            let why = format!("the client could not be generated from the new document: {e:#}");
            return Ok(Outcome {
                changes,
                overlays: Vec::new(),
                surface: Vec::new(),
                compile: Step::Failed(why),
                scenarios: Step::Skipped("the client could not be generated".into()),
            });
        }
    };
    let base_files = match &request.base {
        None => Ok(render(None)?.0),
        Some(path) => render(Some(path)).map(|(files, _)| files),
    };
    let module = |files: &[Rendered]| {
        files.iter().find(|f| f.relative == Path::new("src/generated/epayment.rs")).map(|f| f.contents.clone())
    };
    let surface = match base_files {
        Ok(base_files) => {
            let (before, after) = (module(&base_files).unwrap_or_default(), module(&new_files).unwrap_or_default());
            surface_changes(&before, &after)
        }
        // Without the base's client there is nothing to compare with; say so rather than
        // list every type as added.
        Err(e) => vec![format!("(not compared: the client could not be generated from the base document: {e:#})")],
    };

    let copy = Scratch::prepare(root, &target_dir(root).join("spec-update"), &new_files)?;
    let compile = copy.compile()?;
    let scenarios = match (&compile, request.no_contract) {
        (Step::Failed(_), _) => Step::Skipped("the workspace does not compile against the new client".into()),
        (_, true) => Step::Skipped("--no-contract was given".into()),
        _ => copy.contract()?,
    };
    Ok(Outcome { changes, overlays, surface, compile, scenarios })
}

/// Runs every step and writes the report to `<target>/spec-update/report.md`; returns the
/// outcome, where the report is, and its text.
pub(crate) fn write_report(root: &Path, request: &Request) -> Result<(Outcome, PathBuf, String)> {
    let outcome = run(root, request)?;
    let shown = |p: &Path| display(root, p);
    let base_name = request.base.as_deref().map_or_else(|| TARGETS[0].spec.to_owned(), shown);
    let text = report::markdown(&outcome, &base_name, &shown(&request.new))?;
    let path = target_dir(root).join("spec-update/report.md");
    std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok((outcome, path, text))
}
