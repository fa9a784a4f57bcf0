//! `cargo xtask`: the project's automation. Run `cargo xtask --help`.
//!
//! This file only parses the command line and dispatches; each command's flags (its `Args`) and
//! body (`Args::run`) are in its own module, `xtask::<command>`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{contract, go_live, regen, spec_diff, spec_update, spec_watch, test_document};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Automation for the ePayment toolkit")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate crates/epayment-api from openapi/ and its overlays.
    Regen(regen::Args),
    /// Run the Gherkin scenarios under features/ (cucumber, epayment client, simulator), or
    /// with --check-steps only check that every step matches one step of the library.
    /// Every argument goes to the harness (`cargo xtask contract --help` lists its options);
    /// relative paths are taken from where the command runs.
    #[command(disable_help_flag = true)]
    Contract(contract::Args),
    /// Fill in the ePayment go-live checklist: run features/go-live/ against a target (the test
    /// environment, or a sandbox to rehearse) and write target/go-live/checklist.md, .html and
    /// .json. Every argument goes to the go-live binary (`cargo xtask go-live --help` lists its
    /// options). Exit 0: nothing failed; 1: an item failed; 2: usage error, nothing run.
    #[command(disable_help_flag = true)]
    GoLive(go_live::Args),
    /// Write features/STEPS.md: every step the scenarios may use, with an example.
    Steps,
    /// Write the document schemathesis tests the sandbox against: the effective document
    /// (crates/epayment-openapi/epayment.json) with openapi/overlays/testing/ applied.
    TestDocument(test_document::Args),
    /// What a newly published ePayment document means for this project, in one report
    /// (target/spec-update/report.md): spec-diff, overlay statuses, the generated client's
    /// public surface, whether the epayment crate compiles against it, and the contract suite
    /// against it. Changes no committed file. Exit 0: nothing breaks; 1: something does;
    /// 2: it could not run.
    SpecUpdate(spec_update::Args),
    /// Has a document openapi/ follows been published anew? Compares the published documents
    /// (and what their $refs name) with openapi/upstream.lock: unchanged, changed with the same
    /// info.version, or changed with a new one. On a change, runs spec-update on the fetched
    /// copy and writes target/spec-watch/pr.md and the lock it proposes. Exit 0: unchanged;
    /// 1: changed; 2: could not fetch or read.
    SpecWatch(spec_watch::Args),
    /// Tell what changed between two OpenAPI documents and whether it breaks clients.
    /// Exit 0: nothing that --fail-on names; 1: something it names; 2: usage or read error.
    SpecDiff(spec_diff::Args),
}

impl Command {
    /// The exit code of a command that could not run: 2 where 1 means "found something".
    fn could_not_run(&self) -> ExitCode {
        match self {
            Command::SpecUpdate(_) | Command::SpecDiff(_) | Command::SpecWatch(_) => ExitCode::from(2),
            _ => ExitCode::FAILURE,
        }
    }
}

/// The generator's own panics (progenitor and typify panic on documents they cannot generate)
/// become one-line errors in `generate`; their default report, with its backtrace hint, would
/// only bury that line. Any other panic is reported as usual.
fn quiet_generator_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let file = info.location().map(|l| l.file()).unwrap_or_default();
        if !["progenitor", "typify"].iter().any(|generator| file.contains(generator)) {
            default(info);
        }
    }));
}

fn main() -> ExitCode {
    quiet_generator_panics();
    let command = Cli::parse().command;
    let could_not_run = command.could_not_run();
    let result = match command {
        Command::Regen(args) => args.run(),
        Command::Contract(args) => args.run(),
        Command::GoLive(args) => args.run(),
        Command::Steps => contract::write_steps(),
        Command::TestDocument(args) => args.run(),
        Command::SpecUpdate(args) => args.run(),
        Command::SpecWatch(args) => args.run(),
        Command::SpecDiff(args) => args.run(),
    };
    result.unwrap_or_else(|e| {
        // One line, the causes joined: an on-call reader wants the message, not a backtrace.
        eprintln!("error: {e:#}");
        could_not_run
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_takes_every_argument_for_the_harness() {
        let parse = |args: &[&str]| {
            let cli = Cli::try_parse_from([&["xtask", "contract"], args].concat()).expect("parses");
            let Command::Contract(contract) = cli.command else { panic!("the contract command") };
            contract.args.into_iter().map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>()
        };
        let typed = ["--tags", "@webhooks", "--check-steps", "--features", "f", "--", "--fail-fast", "-vv"];
        assert_eq!(parse(&typed), typed, "options the harness knows, and the separator for it to drop");
        assert_eq!(parse(&["--help"]), ["--help"], "the harness prints its own help");
        assert_eq!(parse(&["--", "--fail-fast"]), ["--fail-fast"], "a leading separator clap takes itself");
        assert!(parse(&[]).is_empty());
    }
}
