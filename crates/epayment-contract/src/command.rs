//! The harness as a command: `--write-steps`, `--check-steps`, or a run whose end is printed.
//! The `contract` test binary (and so `cargo xtask contract`) is this and nothing else.

use std::process::ExitCode;

use crate::options::{Options, parse_args};
use crate::{catalog, hints, paths};

/// Runs the command line `args` (the program name first) and says how it went.
pub fn main(args: impl IntoIterator<Item = String>) -> ExitCode {
    let cli = match parse_args(args) {
        Ok(cli) => cli,
        Err(usage) => {
            eprint!("{usage}");
            return ExitCode::from(2);
        }
    };
    if cli.custom.write_steps {
        return write_steps();
    }
    let options = match Options::from_cli(cli.clone()) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if cli.custom.check_steps {
        return check_steps(&options);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let summary = match runtime.block_on(crate::run(&options)) {
        Ok(summary) => summary,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for problem in &summary.problems {
        println!("FAILED {problem}");
    }
    if summary.skipped_sim_only > 0 {
        println!("skipped {} @sim-only scenarios: the target is not the embedded simulator", summary.skipped_sim_only);
    }
    println!("JUnit report: {}", options.junit.display());
    println!("HTML report: {}", options.report.display());
    println!("contract: {} passed, {} failed", summary.passed, summary.failed);
    if summary.failed() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// `--write-steps`: features/STEPS.md from the step tables.
fn write_steps() -> ExitCode {
    let path = paths::workspace_root().join("features/STEPS.md");
    match std::fs::write(&path, catalog::steps_markdown()) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// `--check-steps`: every step of every feature against the library, starting nothing.
fn check_steps(options: &Options) -> ExitCode {
    match hints::check_features(&options.features) {
        Ok(problems) if problems.is_empty() => {
            println!("every step of {} matches exactly one step of the library", options.features.display());
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            print!("{}", hints::render(&problems));
            println!("{} step(s) the library cannot run as written", problems.len());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
