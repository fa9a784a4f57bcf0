//! `cargo xtask go-live [ARGS]`: the ePayment go-live checklist, filled in from a run of
//! `features/go-live/` against a target, by the harness's `epayment-go-live` binary (its
//! `--help` lists the options; they pass through unchanged but for a first `--`).

use std::ffi::OsString;
use std::process::ExitCode;

use crate::contract::harness_args;
use crate::harness::{self, Binary};

/// `go-live`'s arguments: everything goes to the harness's go-live binary.
#[derive(clap::Args, Debug)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// The go-live options, e.g. `--target https://apitest.vipps.no` (`--help` lists them all).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "GO-LIVE OPTIONS")]
    pub args: Vec<OsString>,
}

impl Args {
    /// Runs the go-live set and writes the checklist.
    pub fn run(self) -> anyhow::Result<ExitCode> {
        harness::run(Binary::GoLive, &harness_args(self.args))
    }
}
