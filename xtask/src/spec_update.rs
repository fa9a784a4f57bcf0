//! `cargo xtask spec-update NEW`: what a newly published ePayment document means for this
//! project, in one run and one report, changing no committed file.
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

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use crate::external::{ExternalRefs, Unmapped, UnmappedRef};
use crate::overlay::{ActionReport, ActionStatus};
use crate::project::{CRATE_DIR, EFFECTIVE_DOCUMENT, Rendered, TARGETS, cargo, display, target_dir};
use crate::regen::{self, Options};
use crate::spec_diff::{self, Severity, report};
use crate::surface::surface_changes;

/// What to compare and which steps to run.
#[derive(Debug, Default)]
pub struct Request {
    /// The new document.
    pub new: PathBuf,
    /// The base; `openapi/epayment.yaml` when not given.
    pub base: Option<PathBuf>,
    /// Where external `$ref`s are read from.
    pub external: ExternalRefs,
    /// Skip step 5.
    pub no_contract: bool,
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// It ran and found nothing that breaks.
    Passed(String),
    /// It ran and found something that breaks.
    Failed(String),
    /// It did not run, and why.
    Skipped(String),
}

/// Everything the report says.
#[derive(Debug)]
pub struct Outcome {
    /// spec-diff's findings, base to NEW.
    pub changes: Vec<spec_diff::Change>,
    /// Each overlay action's status on NEW.
    pub overlays: Vec<ActionReport>,
    /// Public surface changes of the generated client, one line each.
    pub surface: Vec<String>,
    /// Step 4.
    pub compile: Step,
    /// Step 5.
    pub scenarios: Step,
}

impl Outcome {
    /// Whether anything breaks clients: a breaking finding that is not ignored, or a failed
    /// compile or scenario.
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(|c| c.counts() && c.severity == Severity::Breaking)
            || matches!(self.compile, Step::Failed(_))
            || matches!(self.scenarios, Step::Failed(_))
    }
}

/// Runs every step. An error means the run could not be made (an unreadable document, an
/// unmapped external reference, no cargo): exit 2.
pub fn run(root: &Path, request: &Request) -> Result<Outcome> {
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

    let scratch = target_dir(root).join("spec-update");
    let workspace = scratch.join("workspace");
    copy_workspace(root, &workspace)?;
    write_generated(&workspace, &new_files)?;
    set_apart(&workspace)?;
    let scratch_cargo = ScratchCargo { workspace, target: scratch.join("target"), build: build_dir(root) };
    let compile = compile(&scratch_cargo)?;
    let scenarios = match (&compile, request.no_contract) {
        (Step::Failed(_), _) => Step::Skipped("the workspace does not compile against the new client".into()),
        (_, true) => Step::Skipped("--no-contract was given".into()),
        _ => contract(&scratch_cargo)?,
    };
    Ok(Outcome { changes, overlays, surface, compile, scenarios })
}

/// Runs every step and writes the report to `<target>/spec-update/report.md`; returns the
/// outcome, where the report is, and its text.
pub fn write_report(root: &Path, request: &Request) -> Result<(Outcome, PathBuf, String)> {
    let outcome = run(root, request)?;
    let shown = |p: &Path| display(root, p);
    let base_name = request.base.as_deref().map_or_else(|| TARGETS[0].spec.to_owned(), shown);
    let text = markdown(&outcome, &base_name, &shown(&request.new));
    let path = target_dir(root).join("spec-update/report.md");
    std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok((outcome, path, text))
}

/// Copies the workspace's sources (not `target/` nor `.git/`) to `to`, replacing what was there.
fn copy_workspace(root: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to).with_context(|| format!("cannot clear {}", to.display()))?;
    }
    copy_dir(root, to, root)
}

fn copy_dir(from: &Path, to: &Path, root: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot list {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            // The workspace's own target/ (and any other), and version control, stay behind.
            if name == "target" || name == ".git" || (from == root && name == "node_modules") {
                continue;
            }
            copy_dir(&path, &to.join(&name), root)?;
        } else if kind.is_file() {
            std::fs::copy(&path, to.join(&name)).with_context(|| format!("cannot copy {}", path.display()))?;
        }
    }
    Ok(())
}

/// Puts the client and effective document generated from NEW into the scratch copy (so that
/// the simulator embeds NEW), and the crates generated code names into its manifest.
fn write_generated(workspace: &Path, files: &[Rendered]) -> Result<()> {
    for file in files {
        let path = if file.relative == Path::new(EFFECTIVE_DOCUMENT) {
            workspace.join(&file.relative)
        } else {
            workspace.join(CRATE_DIR).join(&file.relative)
        };
        std::fs::write(&path, &file.contents).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let code: String = files.iter().map(|f| f.contents.as_str()).collect();
    if code.contains("::uuid::") {
        let manifest = workspace.join(CRATE_DIR).join("Cargo.toml");
        let mut table: toml::Table = std::fs::read_to_string(&manifest)?.parse()?;
        if let Some(toml::Value::Table(deps)) = table.get_mut("dependencies") {
            let spec: toml::Table = r#"uuid = { workspace = true, features = ["serde"] }"#.parse()?;
            deps.extend(spec);
        }
        std::fs::write(&manifest, toml::to_string(&table)?)?;
    }
    Ok(())
}

/// The build metadata the copy's crates get in their versions.
const SCRATCH_VERSION: &str = "spec-update";

/// Gives the copy's crates versions of their own (`0.1.0+spec-update`), so that cargo never
/// takes one of them for the workspace's crate of the same name in the build directory both
/// share: cargo identifies a path crate by its name, its version and its path *within* the
/// workspace, which the copy keeps. Without this, the copy's `epayment-openapi` (which embeds
/// the new document) replaced the workspace's, and cargo took it for current. The contract
/// crate keeps its version, which its snapshots record (`vipps-system-version`); it is told
/// apart by the crates it depends on, which cargo hashes with it.
fn set_apart(workspace: &Path) -> Result<()> {
    let root: toml::Table = std::fs::read_to_string(workspace.join("Cargo.toml"))?.parse()?;
    let members = root
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array)
        .ok_or_else(|| anyhow!("the workspace's Cargo.toml lists no members"))?;
    for member in members.iter().filter_map(toml::Value::as_str) {
        let manifest = workspace.join(member).join("Cargo.toml");
        let mut table: toml::Table = std::fs::read_to_string(&manifest)
            .with_context(|| format!("cannot read {}", manifest.display()))?
            .parse()?;
        let Some(toml::Value::Table(package)) = table.get_mut("package") else { continue };
        if package.get("name").and_then(toml::Value::as_str) == Some("epayment-contract") {
            continue;
        }
        if let Some(toml::Value::String(version)) = package.get_mut("version") {
            version.push('+');
            version.push_str(SCRATCH_VERSION);
        }
        std::fs::write(&manifest, toml::to_string(&table)?)?;
    }
    Ok(())
}

/// Cargo in the scratch copy of the workspace.
///
/// Its final artifacts go to a target directory of its own, so that the copy's binaries never
/// replace the workspace's; its intermediate ones to the workspace's build directory, so that
/// the dependencies the workspace built already (`cargo test --workspace`, and `cargo check
/// --workspace --all-targets`, which clippy and rust-analyzer run) are reused and only the
/// copy's own crates compile. Both commands select the whole workspace for that reason: cargo
/// resolves a dependency's features from the packages selected, and one feature more or less
/// is another build of that dependency and of everything above it. The copy's crates have
/// versions of their own ([`set_apart`]), so they never share a build with the workspace's.
struct ScratchCargo {
    workspace: PathBuf,
    target: PathBuf,
    /// `None` before cargo 1.91, which has no build directory apart from the target one.
    build: Option<PathBuf>,
}

impl ScratchCargo {
    fn command(&self) -> std::process::Command {
        let mut command = cargo();
        command.current_dir(&self.workspace).env("CARGO_TARGET_DIR", &self.target);
        if let Some(build) = &self.build {
            command.env("CARGO_BUILD_BUILD_DIR", build);
        }
        command
    }
}

/// The workspace's build directory: where cargo keeps intermediate artifacts (`build.build-dir`,
/// by default the target directory); `None` where cargo is older than 1.91, where `build-dir`
/// became stable.
fn build_dir(root: &Path) -> Option<PathBuf> {
    let version = cargo().arg("--version").output().ok()?;
    if !build_dir_is_stable(&String::from_utf8_lossy(&version.stdout)) {
        return None;
    }
    Some(match std::env::var_os("CARGO_BUILD_BUILD_DIR").filter(|dir| !dir.is_empty()) {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => root.join(dir),
        None => target_dir(root),
    })
}

/// Whether `cargo --version`'s line names 1.91 or newer.
fn build_dir_is_stable(version: &str) -> bool {
    let number = version.split_whitespace().nth(1).unwrap_or_default();
    let mut parts = number.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (1, 91)
}

/// The compiler's errors shown in the report, as cargo prints them with `--message-format
/// short`: the first of each crate that fails, then the next in the order printed.
const SHOWN_ERRORS: usize = 10;

const CHECK: &str = "cargo check --workspace --all-targets";

fn compile(cargo: &ScratchCargo) -> Result<Step> {
    let out = cargo
        .command()
        .args(["check", "--offline", "--quiet", "--workspace", "--all-targets", "--keep-going"])
        .args(["--message-format", "short"])
        .output()
        .map_err(|e| anyhow!("cannot run cargo: {e}"))?;
    if out.status.success() {
        return Ok(Step::Passed(format!(
            "`{CHECK}` passes: every crate and its tests compile against the client generated from the new document."
        )));
    }
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&cargo.workspace.display().to_string(), ".");
    Ok(Step::Failed(compile_failure(&stderr)))
}

/// The failed compile's report: the crates that do not compile, and their first errors.
fn compile_failure(stderr: &str) -> String {
    // Sorted: the order cargo finishes crates in varies from run to run.
    let mut failed: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: could not compile `")?.split_once('`').map(|(name, _)| name))
        .collect();
    failed.sort_unstable();
    failed.dedup();
    let errors: Vec<&str> =
        stderr.lines().filter(|l| l.contains("error") && !l.starts_with("error: could not compile")).collect();
    // A crate's errors are under its folder; the first of each crate comes first, so that
    // every crate that fails is shown even when another has many errors.
    let folder = |line: &str| line.split("/src/").next().unwrap_or(line).to_owned();
    let mut shown: Vec<usize> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, line) in errors.iter().enumerate() {
        if !seen.contains(&folder(line)) {
            seen.push(folder(line));
            shown.push(i);
        }
    }
    let rest: Vec<usize> = (0..errors.len()).filter(|i| !shown.contains(i)).collect();
    shown.extend(rest);
    shown.truncate(SHOWN_ERRORS);
    shown.sort_unstable();
    let crates = if failed.is_empty() {
        "see the errors".to_owned()
    } else {
        failed.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    };
    let mut text = format!(
        "`{CHECK}` fails against the client generated from the new document ({} error lines; does not compile: {crates}). The first:\n\n```text\n",
        errors.len()
    );
    for i in shown {
        let _ = writeln!(text, "{}", errors[i]);
    }
    text.push_str("```");
    text
}

fn contract(cargo: &ScratchCargo) -> Result<Step> {
    let out = cargo
        .command()
        .env("CI", "true")
        .args(["test", "--offline", "--quiet", "--workspace", "--test", "contract"])
        .output()
        .map_err(|e| anyhow!("cannot run cargo: {e}"))?;
    Ok(scenarios_step(&String::from_utf8_lossy(&out.stdout), out.status.success()))
}

/// Reads the contract runner's output: its summary line and each `FAILED <feature>:<line>
/// <scenario>: contract: <violation>` line.
fn scenarios_step(stdout: &str, success: bool) -> Step {
    let summary = stdout.lines().rev().find(|l| l.starts_with("contract: ")).unwrap_or("contract: no summary");
    if success {
        return Step::Passed(format!("Every scenario's exchanges fit the new document ({summary})."));
    }
    // One entry per scenario, its violations under it, in the order the runner printed them.
    let mut scenarios: Vec<(&str, Vec<&str>)> = Vec::new();
    let rejected = stdout.lines().filter_map(|l| l.strip_prefix("FAILED ")?.split_once(": contract: "));
    for (scenario, violation) in rejected {
        match scenarios.iter_mut().find(|(name, _)| *name == scenario) {
            Some((_, violations)) => violations.push(violation),
            None => scenarios.push((scenario, vec![violation])),
        }
    }
    let mut text = format!("{summary}. Scenarios whose exchanges the new document rejects:\n\n");
    if scenarios.is_empty() {
        text.push_str("- none by schema; scenarios failed for other reasons (steps or snapshots): run the suite in `target/spec-update/workspace` to see them\n");
    }
    for (scenario, violations) in scenarios {
        let _ = writeln!(text, "- {scenario}");
        for violation in violations {
            let _ = writeln!(text, "  - {violation}");
        }
    }
    Step::Failed(text)
}

/// The Markdown report.
pub fn markdown(outcome: &Outcome, base: &str, new: &str) -> String {
    let mut out = format!("# spec-update: `{base}` -> `{new}`\n\n");
    let verdict = if outcome.breaking() { "**Breaking**" } else { "Nothing breaks" };
    let _ =
        writeln!(out, "{verdict}. Updating `openapi/` stays a deliberate step: this run changed no committed file.\n");

    out.push_str("## Changes\n\n");
    let shown = report::visible(&outcome.changes, false);
    let body = report::markdown(&shown);
    // spec-diff's own title gives way to this section's.
    out.push_str(body.trim_start_matches("# API changes\n\n").replace("\n## ", "\n### ").trim_start_matches("## "));
    out.push('\n');

    out.push_str("## Overlays\n\n");
    if outcome.overlays.is_empty() {
        out.push_str("No overlay was applied (the client could not be generated).\n\n");
    } else {
        out.push_str("| overlay action | status | why it exists |\n| --- | --- | --- |\n");
        for o in &outcome.overlays {
            let name = o.overlay.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let status = match o.status {
                ActionStatus::Applied => "applied".to_owned(),
                ActionStatus::NoLongerNeeded => {
                    "**no longer needed**: the document already is as the action would make it".to_owned()
                }
                ActionStatus::TargetGone => "**target gone**: the document moved; the action must follow".to_owned(),
            };
            let _ = writeln!(
                out,
                "| `{name}` #{} `{}` | {status} | {} |",
                o.action,
                o.target.replace('|', "\\|"),
                o.description.replace('|', "\\|")
            );
        }
        out.push('\n');
    }

    out.push_str("## Public surface\n\n");
    if outcome.surface.is_empty() {
        out.push_str("The generated client's public surface is unchanged.\n\n");
    } else {
        let _ =
            writeln!(out, "{} changes to the generated client's types, methods and fields:\n", outcome.surface.len());
        for line in &outcome.surface {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }

    for (title, step) in [("Compile", &outcome.compile), ("Scenarios", &outcome.scenarios)] {
        let _ = writeln!(out, "## {title}\n");
        let _ = match step {
            Step::Passed(text) => writeln!(out, "Passed. {text}\n"),
            Step::Failed(text) => writeln!(out, "**Failed.** {text}\n"),
            Step::Skipped(why) => writeln!(out, "Skipped: {why}.\n"),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_directory_is_shared_from_cargo_1_91() {
        assert!(build_dir_is_stable("cargo 1.95.0 (f2d3ce0bd 2026-03-21)"));
        assert!(build_dir_is_stable("cargo 1.91.0-nightly (abc 2025-09-01)"));
        assert!(build_dir_is_stable("cargo 2.0.0"));
        assert!(!build_dir_is_stable("cargo 1.90.0 (840b83a10 2025-07-30)"));
        assert!(!build_dir_is_stable("cargo 1.88.0"));
        assert!(!build_dir_is_stable("not cargo"));
    }

    #[test]
    fn a_failed_compile_names_every_crate_and_shows_its_first_error() {
        let mut stderr: String =
            (1..=12).map(|n| format!("crates/epayment/src/ops/read.rs:{n}:1: error[E0277]: bound {n}\n")).collect();
        stderr.push_str("error: could not compile `epayment` (lib) due to 12 previous errors\n");
        stderr.push_str("crates/epayment-sim/src/api/problem.rs:15:31: error[E0425]: cannot find type\n");
        stderr.push_str("error: could not compile `epayment-sim` (lib) due to 1 previous error\n");
        let text = compile_failure(&stderr);
        assert!(text.contains("(13 error lines; does not compile: `epayment`, `epayment-sim`)"), "{text}");
        assert!(text.contains("problem.rs:15:31"), "the other crate's error is shown: {text}");
        assert!(text.contains("bound 9\n") && !text.contains("bound 10\n"), "ten lines in all: {text}");
    }

    #[test]
    fn the_contract_runs_output_names_the_rejected_scenarios() {
        let stdout = "Feature: capture\n\
            FAILED capture.feature / A full capture: contract: capturePayment 200 /aggregate: missing\n\
            FAILED refund.feature / Refund: snapshot x: differs\n\
            FAILED capture.feature / A full capture: contract: getPayment 200 /state: not one of\n\
            contract: 43 passed, 2 failed\n";
        let Step::Failed(text) = scenarios_step(stdout, false) else { panic!("a failed run") };
        assert!(text.starts_with("contract: 43 passed, 2 failed."), "{text}");
        assert!(
            text.ends_with(
                "- capture.feature / A full capture\n  - capturePayment 200 /aggregate: missing\n  - getPayment 200 /state: not one of\n"
            ),
            "one entry per scenario, its violations under it: {text}"
        );
        assert!(!text.contains("snapshot"), "only schema rejections are listed: {text}");
        assert_eq!(
            scenarios_step("contract: 44 passed, 0 failed\n", true),
            Step::Passed("Every scenario's exchanges fit the new document (contract: 44 passed, 0 failed).".into())
        );
    }

    #[test]
    fn the_report_has_every_section_and_says_why_a_step_was_skipped() {
        let outcome = Outcome {
            changes: Vec::new(),
            overlays: Vec::new(),
            surface: vec!["added type Receipt".into()],
            compile: Step::Passed("ok".into()),
            scenarios: Step::Skipped("--no-contract was given".into()),
        };
        let text = markdown(&outcome, "a.yaml", "b.yaml");
        for section in ["## Changes", "## Overlays", "## Public surface", "## Compile", "## Scenarios"] {
            assert!(text.contains(section), "{section} in {text}");
        }
        assert!(text.contains("Skipped: --no-contract was given."));
        assert!(text.contains("- added type Receipt"));
        assert!(!outcome.breaking());
        let failed = Outcome { compile: Step::Failed("x".into()), ..outcome };
        assert!(failed.breaking());
    }
}
