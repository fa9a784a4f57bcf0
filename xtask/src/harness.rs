//! The contract harness's binaries (`epayment-contract`, `epayment-go-live`), built as the
//! tests build them and run in the folder the command was typed in, their exit code kept.

use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::anyhow;

use crate::project::{cargo, target_dir, workspace_root};

/// One of the harness crate's binaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binary {
    /// `epayment-contract`: the scenarios (`cargo xtask contract`, `cargo xtask steps`).
    Contract,
    /// `epayment-go-live`: the go-live checklist (`cargo xtask go-live`).
    GoLive,
}

impl Binary {
    fn name(self) -> &'static str {
        match self {
            Binary::Contract => "epayment-contract",
            Binary::GoLive => "epayment-go-live",
        }
    }
}

/// Builds the harness, then runs `binary` with `args` as its command line; its exit code comes
/// back as it is (`--compare` tells differences (1) from a target it cannot reach (2)). A build
/// that fails is 2: the run could not run.
pub fn run(binary: Binary, args: &[OsString]) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    let built = cargo()
        .current_dir(&root)
        // cargo builds a package's binaries for its integration tests, so the test that runs
        // the harness brings the binaries, built with the features `cargo test --workspace`
        // gives every dependency: the whole workspace is selected as there, since cargo
        // resolves dependencies' features from the packages selected (and a plain `cargo
        // build` leaves out the tests' dev-dependencies), and another selection would build
        // many of them again.
        .args(["test", "--no-run", "--quiet", "--workspace", "--test", "contract"])
        .status()
        .map_err(|e| anyhow!("cannot run cargo: {e}"))?;
    if !built.success() {
        return Ok(ExitCode::from(2));
    }
    let path = target_dir(&root).join("debug").join(format!("{}{}", binary.name(), std::env::consts::EXE_SUFFIX));
    let status =
        std::process::Command::new(&path).args(args).status().map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok(ExitCode::from(status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1)))
}
