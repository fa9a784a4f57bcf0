//! Runs every scenario under `features/` (the README's test command runs this too).
//!
//! `EPAYMENT_TARGET` (`sim` or a URL), `EPAYMENT_TAGS` and `EPAYMENT_CONCURRENCY` choose what
//! runs; `-- --write-steps` writes `features/STEPS.md` instead.

use std::process::ExitCode;

use epayment_contract::{Options, catalog, runner};

fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--write-steps") {
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
    let options = match Options::from_env() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
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
    println!("contract: {} passed, {} failed", summary.passed, summary.failed);
    if summary.failed() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
