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

use crate::harness::{self, Binary};

/// `contract`'s arguments: everything goes to the harness.
#[derive(clap::Args, Debug)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// The harness's options, e.g. `--tags @webhooks --check-steps --features DIR -- --fail-fast`
    /// (`--help` lists them all).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "HARNESS OPTIONS")]
    pub args: Vec<OsString>,
}

impl Args {
    /// Runs the scenarios with the given harness options.
    pub fn run(self) -> anyhow::Result<ExitCode> {
        harness::run(Binary::Contract, &harness_args(self.args))
    }
}

/// `cargo xtask steps`: writes `features/STEPS.md` from the step library.
pub fn write_steps() -> anyhow::Result<ExitCode> {
    harness::run(Binary::Contract, &["--write-steps".into()])
}

/// The harness's command line from what the user typed: the first `--` dropped.
pub(crate) fn harness_args(mut args: Vec<OsString>) -> Vec<OsString> {
    if let Some(separator) = args.iter().position(|arg| arg == "--") {
        args.remove(separator);
    }
    args
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
