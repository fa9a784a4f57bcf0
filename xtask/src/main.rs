//! `cargo xtask`: the project's automation. Run `cargo xtask --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::regen;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Automation for the ePayment toolkit")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate crates/epayment-api from openapi/ and its overlays.
    Regen {
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
    },
    /// Run the Gherkin scenarios under features/ (cucumber, epayment client, simulator).
    Contract {
        /// Only scenarios matching this tag expression, e.g. "@sim-only" or "not @slow".
        #[arg(long, value_name = "EXPR")]
        tags: Option<String>,
        /// `sim` (a fresh embedded simulator per scenario) or a host root URL such as
        /// http://127.0.0.1:8085; a URL takes its keys from the VIPPS_* variables.
        #[arg(long, value_name = "sim|URL", default_value = "sim")]
        target: String,
    },
    /// Write features/STEPS.md: every step the scenarios may use, with an example.
    Steps,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Regen { check, spec, out } => regen_command(regen::Options { spec, out, check }),
        Command::Contract { tags, target } => {
            let mut env = vec![("EPAYMENT_TARGET", target)];
            env.extend(tags.map(|t| ("EPAYMENT_TAGS", t)));
            cargo_test_contract(&[], &env)
        }
        Command::Steps => cargo_test_contract(&["--write-steps"], &[]),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // One line, the causes joined: an on-call reader wants the message, not a backtrace.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the contract harness through cargo, so that it is built as the tests build it.
fn cargo_test_contract(args: &[&str], env: &[(&str, String)]) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(regen::workspace_root())
        .args(["test", "--quiet", "-p", "epayment-contract", "--test", "contract", "--"])
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run cargo: {e}"))?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn regen_command(options: regen::Options) -> anyhow::Result<ExitCode> {
    let root = regen::workspace_root();
    let report = regen::run(&root, &options)?;
    if options.check {
        for (_, diff) in &report.stale {
            print!("{diff}");
        }
        if !report.stale.is_empty() {
            let names: Vec<_> = report.stale.iter().map(|(p, _)| regen::display(&root, p)).collect();
            eprintln!("error: stale generated code: {}; run `cargo xtask regen`", names.join(", "));
            return Ok(ExitCode::FAILURE);
        }
        eprintln!("generated code is current ({} files)", report.current.len());
    } else {
        for path in &report.current {
            eprintln!("wrote {}", regen::display(&root, path));
        }
    }
    Ok(ExitCode::SUCCESS)
}
