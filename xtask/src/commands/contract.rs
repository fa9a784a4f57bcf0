//! `cargo xtask contract [ARGS]` and `cargo xtask steps`: the contract harness, built by cargo
//! as the tests build it (`cargo test --workspace --test contract --no-run`) and run
//! with ARGS, its exit code kept.
//!
//! The harness owns its command line (cucumber's options and its own: `--target`,
//! `--features`, `--check-steps`, ...; `cargo xtask contract --help` prints them), so the
//! arguments pass through unchanged but for two things: a `--` is dropped (cucumber's options
//! and the harness's are one command line), and the values of the harness's path options are
//! made absolute. cargo runs the harness in its crate's folder and the harness takes a relative
//! path from the workspace root; a path typed here means the folder the command runs in.

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;

use crate::project::{cargo, workspace_root};

/// The harness's options whose value is a path (`Option<PathBuf>` fields of
/// `epayment_contract::runner::Args`; a test keeps this list and that struct in step).
pub const PATH_OPTIONS: &[&str] =
    &["--features", "--snapshots", "--junit", "--report", "--cucumber-json", "--messages"];

/// `contract`'s arguments: everything goes to the harness.
#[derive(clap::Args, Debug)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// The harness's options, e.g. `--tags @webhooks --check-steps --features DIR -- --fail-fast`
    /// (`--help` lists them all).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "HARNESS OPTIONS")]
    pub args: Vec<OsString>,
}

/// Runs the scenarios with the given harness options.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let here = std::env::current_dir().map_err(|e| anyhow!("cannot read the current directory: {e}"))?;
    cargo_test_contract(&harness_args(args.args, &here)?)
}

/// `cargo xtask steps`: writes `features/STEPS.md` from the step library.
pub fn write_steps() -> anyhow::Result<ExitCode> {
    cargo_test_contract(&["--write-steps".into()])
}

/// The harness's command line from what the user typed in `cwd`: the first `--` dropped, the
/// values of [`PATH_OPTIONS`] (as `--flag VALUE` or `--flag=VALUE`) made absolute from `cwd`.
pub fn harness_args(args: Vec<OsString>, cwd: &Path) -> anyhow::Result<Vec<OsString>> {
    let mut out = Vec::with_capacity(args.len());
    let mut separator_seen = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" && !separator_seen {
            separator_seen = true;
            continue;
        }
        let text = arg.to_string_lossy().into_owned();
        if let Some(flag) = PATH_OPTIONS.iter().find(|f| **f == text) {
            out.push(arg);
            let value = args.next().ok_or_else(|| anyhow!("{flag} needs a value"))?;
            out.push(absolute(flag, cwd, Path::new(&value))?.into());
        } else if let Some((flag, value)) = text.split_once('=').filter(|(f, _)| PATH_OPTIONS.contains(f)) {
            let value = absolute(flag, cwd, Path::new(value))?;
            out.push(format!("{flag}={}", value.display()).into());
        } else {
            out.push(arg);
        }
    }
    Ok(out)
}

/// A folder to read is resolved where it exists; a report to write is made absolute.
fn absolute(flag: &str, cwd: &Path, path: &Path) -> anyhow::Result<std::path::PathBuf> {
    let joined = cwd.join(path);
    joined
        .canonicalize()
        .or_else(|_| std::path::absolute(&joined))
        .map_err(|e| anyhow!("{flag} {}: {e}", path.display()))
}

/// Runs the contract harness: cargo builds it as the tests build it, then it runs with `args`
/// as its command line and its exit code comes back as it is (`cargo test` would make every
/// failure 101, and `--compare` tells differences (1) from a target it cannot reach (2)).
fn cargo_test_contract(args: &[OsString]) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    let built = cargo()
        .current_dir(&root)
        // The whole workspace selected, as `cargo test --workspace` selects it: cargo resolves
        // dependencies' features from the packages selected, and `-p epayment-contract` would
        // build many dependencies a second time.
        .args(["test", "--no-run", "--quiet", "--workspace", "--test", "contract"])
        .arg("--message-format=json-render-diagnostics")
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| anyhow!("cannot run cargo: {e}"))?;
    if !built.status.success() {
        return Ok(ExitCode::from(2));
    }
    let harness = harness_executable(&String::from_utf8_lossy(&built.stdout))
        .ok_or_else(|| anyhow!("cargo built the contract harness but named no executable"))?;
    // Where `cargo test` runs it: the crate's folder.
    let status = std::process::Command::new(&harness)
        .current_dir(root.join("crates/epayment-contract"))
        .args(args)
        .status()
        .map_err(|e| anyhow!("{}: {e}", harness.display()))?;
    Ok(ExitCode::from(status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1)))
}

/// The test executable named `contract` in cargo's JSON messages.
fn harness_executable(messages: &str) -> Option<std::path::PathBuf> {
    messages.lines().filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok()).find_map(|m| {
        let is_harness = m["reason"] == "compiler-artifact" && m["target"]["name"] == "contract";
        let executable = m["executable"].as_str().filter(|_| is_harness)?;
        Some(std::path::PathBuf::from(executable))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn options_pass_through_with_paths_made_absolute_from_where_it_runs() {
        let cwd = Path::new("/home/qa/checkout/features");
        let args = strings(&[
            "--tags",
            "@webhooks",
            "--check-steps",
            "--features",
            "my-features",
            "--junit=/tmp/out/junit.xml",
            "--report=r.html",
            "--",
            "--fail-fast",
        ]);
        let expected = strings(&[
            "--tags",
            "@webhooks",
            "--check-steps",
            "--features",
            "/home/qa/checkout/features/my-features",
            "--junit=/tmp/out/junit.xml",
            "--report=/home/qa/checkout/features/r.html",
            "--fail-fast",
        ]);
        assert_eq!(harness_args(args, cwd).expect("arguments"), expected);
        assert_eq!(harness_args(Vec::new(), cwd).expect("none"), Vec::<OsString>::new());
        let err = harness_args(strings(&["--snapshots"]), cwd).expect_err("a path option without its value");
        assert_eq!(err.to_string(), "--snapshots needs a value");
    }

    /// The harness's `Args` fields of type `Option<PathBuf>`, as flags, read from its source.
    fn harness_path_options() -> Vec<String> {
        let root = workspace_root().expect("run in the workspace");
        let source = std::fs::read_to_string(root.join("crates/epayment-contract/src/options.rs")).expect("options.rs");
        let file = syn::parse_file(&source).expect("options.rs parses");
        let args = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == "Args" => Some(s),
                _ => None,
            })
            .expect("options.rs defines Args");
        let text = |t: &dyn quote::ToTokens| t.to_token_stream().to_string().replace(' ', "");
        args.fields
            .iter()
            .filter(|f| text(&f.ty) == "Option<PathBuf>")
            .filter_map(|f| f.ident.as_ref())
            .map(|name| format!("--{}", name.to_string().replace('_', "-")))
            .collect()
    }

    #[test]
    fn the_harness_is_found_in_cargos_messages() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","target":{"name":"epayment_contract"},"executable":null}"#,
            "\n",
            r#"{"reason":"compiler-artifact","target":{"name":"contract"},"executable":"/t/debug/deps/contract-1a2b"}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        assert_eq!(harness_executable(messages), Some(std::path::PathBuf::from("/t/debug/deps/contract-1a2b")));
        assert_eq!(harness_executable(r#"{"reason":"build-finished","success":true}"#), None);
    }

    #[test]
    fn the_path_options_are_the_harnesss() {
        assert_eq!(harness_path_options(), PATH_OPTIONS);
    }
}
