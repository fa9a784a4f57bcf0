//! `cargo xtask spec-watch [--url URL ...] [--file FILE ...]`: has a document `openapi/`
//! follows been published anew? Exit 0: unchanged; 1: changed; 2: could not fetch or read.
//!
//! Each document of `openapi/upstream.lock` is fetched from its URL (or read from what
//! `--url`/`--file` give, matched to the lock by `info.title`), with the external documents its
//! `$ref`s name, and its digests compared with the lock's: **unchanged**; **changed with the
//! same `info.version`** (the change version numbers hide); or **changed with a new version**.
//! On a change, it runs `spec-update` on the fetched copies and writes a pull request's body
//! and the lock it proposes.
//!
//! `watch.rs` reads and compares, `reader.rs` reads from a URL or a local copy (`fetch.rs`:
//! HTTP with limits), and `proposal.rs` writes what a change proposes.

mod fetch;
mod proposal;
mod reader;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use crate::flags::UpdateArgs;
use crate::lock::{self, Lock};
use crate::project::{display, workspace_root};
use crate::spec_diff::Day;

pub use fetch::Limits;
pub use reader::{Reader, Source};
pub use watch::{Taken, Verdict, Watched, take, watch};

/// `spec-watch`'s flags.
#[derive(clap::Args, Debug)]
// The shared flag's help, in this command's terms.
#[command(mut_arg("no_contract", |arg| arg.help("Skip spec-update's contract run on a change")))]
pub struct Args {
    /// Fetch a document from URL instead of the lock's URL (matched to the lock by its
    /// info.title). Repeatable.
    #[arg(long, value_name = "URL")]
    url: Vec<String>,
    /// Read a copy of a published document (matched to the lock by its info.title), standing
    /// for the document at the lock's URL. Repeatable.
    #[arg(long, value_name = "FILE")]
    file: Vec<PathBuf>,
    /// The lock to compare with [default: openapi/upstream.lock].
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    /// Give up on a fetch after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().timeout.as_secs())]
    timeout: u64,
    /// Refuse a document larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_bytes)]
    max_bytes: u64,
    #[command(flatten)]
    update: UpdateArgs,
}

impl Args {
    /// Runs `spec-watch`: exit 0 when every document is unchanged, 1 (with the proposal
    /// written) when one changed.
    pub fn run(self) -> Result<ExitCode> {
        let root = workspace_root()?;
        let lock_path = self.lock.unwrap_or_else(|| root.join(lock::DEFAULT_PATH));
        let lock = Lock::load(&lock_path)?;
        let limits = Limits { timeout: Duration::from_secs(self.timeout), max_bytes: self.max_bytes };
        let reader = Reader::new(self.update.external.refs()?, limits);
        let sources: Vec<Source> =
            self.url.into_iter().map(Source::Url).chain(self.file.into_iter().map(Source::File)).collect();
        let watched = watch(&lock, &sources, &reader, &Day::today().to_string())?;
        for w in &watched {
            println!("{}", w.summary());
        }
        if watched.iter().all(|w| w.verdict == Verdict::Unchanged) {
            return Ok(ExitCode::SUCCESS);
        }
        let proposal = proposal::propose(&root, &lock, &watched, self.update.no_contract)?;
        match &proposal.update {
            Some(Ok((breaking, report))) => {
                let verdict = if *breaking { "breaking" } else { "nothing breaks" };
                println!("spec-update: {verdict} ({})", display(&root, report));
            }
            Some(Err(why)) => println!("spec-update could not run: {why}"),
            None => {}
        }
        println!("pull request: {} ({})", display(&root, &proposal.body), proposal.title);
        println!("proposed lock: {}", display(&root, &proposal.lock));
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use clap::Args as _;

    /// The help of a command's argument, by its id.
    fn help(command: &clap::Command, id: &str) -> String {
        let arg = command.get_arguments().find(|a| a.get_id() == id);
        arg.and_then(clap::Arg::get_help).map(ToString::to_string).unwrap_or_default()
    }

    #[test]
    fn the_flags_shared_with_spec_update_read_in_this_commands_terms() {
        let watch = super::Args::augment_args(clap::Command::new("spec-watch"));
        let update = crate::spec_update::Args::augment_args(clap::Command::new("spec-update"));
        assert_eq!(help(&watch, "no_contract"), "Skip spec-update's contract run on a change");
        assert_eq!(help(&update, "no_contract"), "Skip running the contract suite against the new document");
        for id in ["mappings", "map"] {
            assert!(!help(&watch, id).is_empty() && help(&watch, id) == help(&update, id), "--{id}");
        }
    }
}
