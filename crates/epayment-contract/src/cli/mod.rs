//! The harness as a command: `--help`, `--write-steps`, `--check-steps`, or a run that ends with
//! one block naming every failed scenario, or `--compare`. Exit codes: 0 all passed (or,
//! comparing, no difference; or `--help`), 1 something failed (a difference), 2 the run could
//! not run (a usage error, a key missing or malformed, a file it cannot read, a filter that
//! selects nothing, a target that cannot be reached or refuses the keys).
//! The `epayment-contract` binary (which `cargo xtask contract` runs) is this and nothing
//! else; [`args`] reads its command line.

pub(crate) mod args;

use std::process::ExitCode;

pub use args::usage;

use crate::paths;
use crate::running::options::Options;
use crate::running::selection;
use crate::steps::{self, catalog, hints};

/// Runs the command line `args` (the program name first) and says how it went.
pub fn main(args: impl IntoIterator<Item = String>) -> ExitCode {
    let cli = match args::parse(args) {
        Ok(cli) => cli,
        Err(usage) if usage.code == 0 => {
            print!("{}", usage.text);
            return ExitCode::SUCCESS;
        }
        Err(usage) => {
            eprint!("{}", usage.text);
            return ExitCode::from(usage.code);
        }
    };
    if cli.custom.write_steps {
        return write_steps();
    }
    let options = std::env::current_dir()
        .map_err(|e| format!("cannot read the current folder: {e}"))
        .and_then(|cwd| args::options(cli.clone(), &cwd));
    let options = match options {
        Ok(options) => options,
        Err(e) => {
            // A usage error: two targets, a word for a URL, a key missing or malformed.
            eprintln!("error: {e}");
            return ExitCode::from(2);
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
    if cli.custom.mutate {
        return mutate(&runtime, &options, cli.custom.min_score);
    }
    if options.compare {
        return match runtime.block_on(crate::compare::compare(&options)) {
            Ok(found) => {
                print!("{}", crate::compare::ending(&found));
                if found.clean() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    match runtime.block_on(crate::running::run(&options)) {
        Ok(summary) => {
            print!("{}", summary.ending(&options.junit, &options.report));
            if summary.failed() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `--mutate`: the rule coverage, its score against `--min-score`.
fn mutate(runtime: &tokio::runtime::Runtime, options: &Options, min_score: Option<f64>) -> ExitCode {
    match runtime.block_on(crate::running::mutate::mutate(options)) {
        Ok(coverage) => {
            let (markdown, _) = crate::running::mutate::report_paths(options);
            println!("rules: {} ({})", coverage.sentence(), crate::reports::console::shown(&markdown));
            for defect in &coverage.defects {
                println!("defect of the tool: {defect}");
            }
            let below = min_score.filter(|min| coverage.score() < *min);
            if let Some(min) = below {
                // In counts, not rounded shares: 0.843 against 0.845 read "0.84 is below 0.84".
                let needed = (min * coverage.mutants as f64).ceil() as usize;
                println!(
                    "rules: {} of {} noticed is below --min-score {min}, which needs {needed} of {}",
                    coverage.noticed, coverage.mutants, coverage.mutants
                );
            }
            let below = below.is_some();
            if below || !coverage.defects.is_empty() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
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

/// `--check-steps`: every step of every feature against the library, and the tags (in the
/// features and in `--tags`) against those in use and documented; starts nothing.
fn check_steps(options: &Options) -> ExitCode {
    let features = match selection::load(&options.features) {
        Ok(features) => features,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let steps = match steps::collection() {
        Ok(steps) => steps,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let problems = hints::check(&features, &steps);
    let tags = selection::check_tags(&features, options.tags.as_ref());
    if problems.is_empty() && tags.is_empty() {
        println!(
            "every step of {} matches exactly one step of the library, and every tag is one in use or documented",
            options.features.display()
        );
        return ExitCode::SUCCESS;
    }
    print!("{}", hints::render(&problems));
    for tag in &tags {
        println!("{tag}");
    }
    println!(
        "{} step(s) the library cannot run as written, {} tag(s) that look like slips",
        problems.len(),
        tags.len()
    );
    ExitCode::FAILURE
}
