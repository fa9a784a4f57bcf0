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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Regen { check, spec, out } => regen_command(regen::Options { spec, out, check }),
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
