//! Runs every scenario under `features/` (the README's test command runs this too).
//!
//! Takes cucumber's command line (`--tags`, `--name`, `--concurrency`, ...) and the harness's
//! (`--target`, `--junit`, `--report`, `--check-steps`, `--write-steps`); libtest's flags,
//! which `cargo test` may pass, are ignored. `cargo xtask contract` passes them through.

use std::process::ExitCode;

use epayment_contract::{Options, catalog, hints, parse_args, runner};

fn main() -> ExitCode {
    let cli = match parse_args(std::env::args()) {
        Ok(cli) => cli,
        Err(usage) => {
            eprint!("{usage}");
            return ExitCode::from(2);
        }
    };
    if cli.custom.write_steps {
        let path = runner::workspace_root().join("features/STEPS.md");
        return match std::fs::write(&path, catalog::steps_markdown()) {
            Ok(()) => {
                println!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                ExitCode::FAILURE
            }
        };
    }
    let options = match Options::from_cli(cli.clone()) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if cli.custom.check_steps {
        return match hints::check_features(&options.features) {
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
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let summary = match runtime.block_on(epayment_contract::run(&options)) {
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
