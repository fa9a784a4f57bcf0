//! The scratch copy of the workspace that spec-update compiles against the client generated
//! from the new document: the copy itself, its generated files and versions of its own, and
//! cargo in it (the compile step and the contract suite).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use super::outcome::Step;
use crate::project::{CRATE_DIR, EFFECTIVE_DOCUMENT, Rendered, cargo, target_dir};

/// The copy's files that differ from the workspace's, by path relative to its root.
type Changes = BTreeMap<PathBuf, Vec<u8>>;

/// Makes `to` a copy of the workspace's sources (not `target/` nor `.git/`) with `changes`
/// applied. A file that already holds what it should is left alone, so that cargo, which goes
/// by modification times, checks again only the crates that changed since the last run.
fn sync_workspace(root: &Path, to: &Path, mut changes: Changes) -> Result<()> {
    let mut kept = BTreeSet::new();
    let mut sources = Vec::new();
    // A target directory set elsewhere in the workspace (CARGO_TARGET_DIR=out) holds the copy.
    list_files(root, Path::new(""), &target_dir(root), &mut sources)?;
    for relative in sources {
        let contents = match changes.remove(&relative) {
            Some(changed) => changed,
            None => {
                std::fs::read(root.join(&relative)).with_context(|| format!("cannot read {}", relative.display()))?
            }
        };
        write_if_changed(&to.join(&relative), &contents)?;
        kept.insert(relative);
    }
    for (relative, contents) in changes {
        write_if_changed(&to.join(&relative), &contents)?;
        kept.insert(relative);
    }
    // What the workspace no longer has goes from the copy too.
    let mut there = Vec::new();
    if to.is_dir() {
        list_files(to, Path::new(""), Path::new(""), &mut there)?;
    }
    for stale in there.iter().filter(|relative| !kept.contains(*relative)) {
        std::fs::remove_file(to.join(stale)).with_context(|| format!("cannot remove {}", stale.display()))?;
    }
    Ok(())
}

/// The files under `dir`, relative to the root `dir` is at `relative` in; the workspace's own
/// `target/` (and any other), the folder `skip`, version control and the root's
/// `node_modules/` stay behind.
fn list_files(dir: &Path, relative: &Path, skip: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let at_root = relative.as_os_str().is_empty();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            let path = entry.path();
            if name == "target" || name == ".git" || (at_root && name == "node_modules") || path == skip {
                continue;
            }
            list_files(&path, &relative.join(&name), skip, out)?;
        } else if kind.is_file() {
            out.push(relative.join(&name));
        }
    }
    Ok(())
}

fn write_if_changed(path: &Path, contents: &[u8]) -> Result<()> {
    if std::fs::read(path).is_ok_and(|there| there == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// The client and effective document generated from NEW (so that the simulator embeds NEW),
/// the crates the generated code names in its manifest, and every manifest's version set
/// apart ([`set_apart`]).
fn changes(root: &Path, files: &[Rendered]) -> Result<Changes> {
    let mut changes = Changes::new();
    for file in files {
        let relative = if file.relative == Path::new(EFFECTIVE_DOCUMENT) {
            file.relative.clone()
        } else {
            Path::new(CRATE_DIR).join(&file.relative)
        };
        changes.insert(relative, file.contents.clone().into_bytes());
    }
    let manifests = members(root)?.into_iter().map(|member| Path::new(&member).join("Cargo.toml"));
    let code: String = files.iter().map(|f| f.contents.as_str()).collect();
    for manifest in manifests {
        let path = root.join(&manifest);
        let mut table: toml::Table = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .parse()
            .with_context(|| format!("{} is not TOML", path.display()))?;
        if manifest == Path::new(CRATE_DIR).join("Cargo.toml")
            && code.contains("::uuid::")
            && let Some(toml::Value::Table(deps)) = table.get_mut("dependencies")
        {
            let spec: toml::Table = r#"uuid = { workspace = true, features = ["serde"] }"#.parse()?;
            deps.extend(spec);
        }
        set_apart(&mut table);
        changes.insert(manifest, toml::to_string(&table)?.into_bytes());
    }
    Ok(changes)
}

/// The workspace's members, as its root manifest lists them.
fn members(root: &Path) -> Result<Vec<String>> {
    let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))?.parse()?;
    let members = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array)
        .ok_or_else(|| anyhow!("the workspace's Cargo.toml lists no members"))?;
    Ok(members.iter().filter_map(toml::Value::as_str).map(str::to_owned).collect())
}

/// The build metadata the copy's crates get in their versions.
const SCRATCH_VERSION: &str = "spec-update";

/// Gives a crate of the copy a version of its own (`0.1.0+spec-update`), so that cargo never
/// takes it for the workspace's crate of the same name in the build directory both share:
/// cargo identifies a path crate by its name, its version and its path *within* the workspace,
/// which the copy keeps. Without this, the copy's `epayment-openapi` (which embeds the new
/// document) replaced the workspace's, and cargo took it for current. The contract crate keeps
/// its version, which its snapshots record (`vipps-system-version`); it is told apart by the
/// crates it depends on, which cargo hashes with it.
fn set_apart(manifest: &mut toml::Table) {
    let Some(toml::Value::Table(package)) = manifest.get_mut("package") else { return };
    if package.get("name").and_then(toml::Value::as_str) == Some("epayment-contract") {
        return;
    }
    if let Some(toml::Value::String(version)) = package.get_mut("version") {
        version.push('+');
        version.push_str(SCRATCH_VERSION);
    }
}

/// The scratch copy of the workspace, and cargo in it.
///
/// Its final artifacts go to a target directory of its own, so that the copy's binaries never
/// replace the workspace's; its intermediate ones to the workspace's build directory, so that
/// the dependencies the workspace built already (`cargo test --workspace`, and `cargo check
/// --workspace --all-targets`, which clippy and rust-analyzer run) are reused and only the
/// copy's own crates compile. Both commands select the whole workspace for that reason: cargo
/// resolves a dependency's features from the packages selected, and one feature more or less
/// is another build of that dependency and of everything above it. The copy's crates have
/// versions of their own ([`set_apart`]), so they never share a build with the workspace's.
pub(super) struct Scratch {
    workspace: PathBuf,
    target: PathBuf,
    /// `None` before cargo 1.91, which has no build directory apart from the target one.
    build: Option<PathBuf>,
}

impl Scratch {
    /// Copies the workspace at `root` to `<dir>/workspace` with the generated `files` in it and
    /// versions of its own; cargo's final artifacts go to `<dir>/target`.
    pub(super) fn prepare(root: &Path, dir: &Path, files: &[Rendered]) -> Result<Self> {
        let workspace = dir.join("workspace");
        sync_workspace(root, &workspace, changes(root, files)?)?;
        Ok(Self { workspace, target: dir.join("target"), build: build_dir(root) })
    }

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

impl Scratch {
    /// The compile step: `cargo check --workspace --all-targets` in the copy.
    pub(super) fn compile(&self) -> Result<Step> {
        let out = self
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
        let stderr = String::from_utf8_lossy(&out.stderr).replace(&self.workspace.display().to_string(), ".");
        Ok(Step::Failed(compile_failure(&stderr)?))
    }

    /// The contract suite in the copy, the simulator validating against the new document.
    pub(super) fn contract(&self) -> Result<Step> {
        let out = self
            .command()
            .env("CI", "true")
            .args(["test", "--offline", "--quiet", "--workspace", "--test", "contract"])
            .output()
            .map_err(|e| anyhow!("cannot run cargo: {e}"))?;
        Ok(scenarios_step(&String::from_utf8_lossy(&out.stdout), out.status.success())?)
    }
}

/// The failed compile's report: the crates that do not compile, and their first errors.
fn compile_failure(stderr: &str) -> Result<String, fmt::Error> {
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
        writeln!(text, "{}", errors[i])?;
    }
    text.push_str("```");
    Ok(text)
}

/// Reads the contract runner's output: its summary line and each `FAILED <feature>:<line>
/// <scenario>: contract: <violation>` line.
fn scenarios_step(stdout: &str, success: bool) -> Result<Step, fmt::Error> {
    let summary = stdout.lines().rev().find(|l| l.starts_with("contract: ")).unwrap_or("contract: no summary");
    if success {
        return Ok(Step::Passed(format!("Every scenario's exchanges fit the new document ({summary}).")));
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
        writeln!(text, "- {scenario}")?;
        for violation in violations {
            writeln!(text, "  - {violation}")?;
        }
    }
    Ok(Step::Failed(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_keeps_what_did_not_change_and_drops_what_is_gone() {
        let root = tempfile::tempdir().expect("tempdir");
        let copy = tempfile::tempdir().expect("tempdir");
        let write = |path: &Path, text: &str| {
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        write(&root.path().join("a/same.rs"), "same");
        write(&root.path().join("a/changed.rs"), "workspace's");
        write(&root.path().join("target/debug/big"), "never copied");
        write(&root.path().join("crates/x/target/y"), "never copied");
        write(&copy.path().join("a/gone.rs"), "an earlier run's");
        write(&copy.path().join("a/same.rs"), "same");
        let earlier = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        let same = std::fs::File::options().write(true).open(copy.path().join("a/same.rs")).expect("open");
        same.set_modified(earlier).expect("set the time");
        drop(same);

        let changes = Changes::from([(PathBuf::from("a/changed.rs"), b"generated".to_vec())]);
        sync_workspace(root.path(), copy.path(), changes).expect("sync");

        let read = |relative: &str| std::fs::read_to_string(copy.path().join(relative)).ok();
        assert_eq!(read("a/changed.rs").as_deref(), Some("generated"));
        assert_eq!(read("a/same.rs").as_deref(), Some("same"));
        assert_eq!(read("a/gone.rs"), None, "what the workspace no longer has is removed");
        assert_eq!(read("target/debug/big"), None);
        assert_eq!(read("crates/x/target/y"), None);
        let modified = std::fs::metadata(copy.path().join("a/same.rs")).and_then(|m| m.modified()).expect("mtime");
        assert_eq!(modified, earlier, "a file that holds what it should is not written again");
    }

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
        let text = compile_failure(&stderr).expect("a text");
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
        let Step::Failed(text) = scenarios_step(stdout, false).expect("a step") else { panic!("a failed run") };
        assert!(text.starts_with("contract: 43 passed, 2 failed."), "{text}");
        assert!(
            text.ends_with(
                "- capture.feature / A full capture\n  - capturePayment 200 /aggregate: missing\n  - getPayment 200 /state: not one of\n"
            ),
            "one entry per scenario, its violations under it: {text}"
        );
        assert!(!text.contains("snapshot"), "only schema rejections are listed: {text}");
        assert_eq!(
            scenarios_step("contract: 44 passed, 0 failed\n", true).expect("a step"),
            Step::Passed("Every scenario's exchanges fit the new document (contract: 44 passed, 0 failed).".into())
        );
    }
}
