//! `cargo xtask contract [ARGS]` and `cargo xtask steps`: the contract harness's binary,
//! `epayment-contract`, built as the tests build it and run with ARGS in the folder the command
//! runs in, its exit code kept.
//!
//! The harness owns its command line (cucumber's options and its own: `--target`,
//! `--features`, `--check-steps`, ...; `cargo xtask contract --help` prints them) and takes a
//! relative path from the folder it runs in, so the arguments pass through unchanged but for
//! one thing: a `--` is dropped (cucumber's options and the harness's are one command line).

use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::anyhow;

use crate::project::{cargo, target_dir, workspace_root};

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
    run_harness(&harness_args(args.args))
}

/// `cargo xtask steps`: writes `features/STEPS.md` from the step library.
pub fn write_steps() -> anyhow::Result<ExitCode> {
    run_harness(&["--write-steps".into()])
}

/// The harness's command line from what the user typed: the first `--` dropped.
fn harness_args(mut args: Vec<OsString>) -> Vec<OsString> {
    if let Some(separator) = args.iter().position(|arg| arg == "--") {
        args.remove(separator);
    }
    args
}

/// Builds the harness, then runs it with `args` as its command line; its exit code comes back
/// as it is (`--compare` tells differences (1) from a target it cannot reach (2)). A build that
/// fails is 2: the run could not run.
fn run_harness(args: &[OsString]) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    let built = cargo()
        .current_dir(&root)
        // cargo builds a package's binaries for its integration tests, so the test that runs
        // the harness brings the binary, built with the features `cargo test --workspace` gives
        // every dependency: the whole workspace is selected as there, since cargo resolves
        // dependencies' features from the packages selected (and a plain `cargo build` leaves
        // out the tests' dev-dependencies), and another selection would build many of them again.
        .args(["test", "--no-run", "--quiet", "--workspace", "--test", "contract"])
        .status()
        .map_err(|e| anyhow!("cannot run cargo: {e}"))?;
    if !built.success() {
        return Ok(ExitCode::from(2));
    }
    let harness = target_dir(&root).join("debug").join(format!("epayment-contract{}", std::env::consts::EXE_SUFFIX));
    let status =
        std::process::Command::new(&harness).args(args).status().map_err(|e| anyhow!("{}: {e}", harness.display()))?;
    Ok(ExitCode::from(status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn options_pass_through_unchanged_but_for_the_separator() {
        let typed = ["--tags", "@webhooks", "--features", "my-features", "--junit=out/junit.xml", "--", "--fail-fast"];
        let expected = ["--tags", "@webhooks", "--features", "my-features", "--junit=out/junit.xml", "--fail-fast"];
        assert_eq!(harness_args(strings(&typed)), strings(&expected));
        assert_eq!(harness_args(strings(&["--", "--name", "--"])), strings(&["--name", "--"]), "only the first");
        assert_eq!(harness_args(Vec::new()), Vec::<OsString>::new());
    }
}
