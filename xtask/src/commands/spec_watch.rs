//! `cargo xtask spec-watch [--url URL ...] [--file FILE ...]`: compares the published documents
//! with `openapi/upstream.lock` ([`crate::spec_watch`]) and, on a change, writes the proposal
//! ([`crate::spec_watch::proposal`]). Exit 0: unchanged; 1: changed; 2: could not fetch or read.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::ExternalArgs;
use crate::lock::{self, Lock};
use crate::project::{display, workspace_root};
use crate::spec_watch::fetch::Limits;
use crate::spec_watch::{self, Reader, Source, Verdict, proposal};

/// `spec-watch`'s flags.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Fetch a document from URL instead of the lock's URL (matched to the lock by its
    /// info.title). Repeatable.
    #[arg(long, value_name = "URL")]
    pub url: Vec<String>,
    /// Read a copy of a published document (matched to the lock by its info.title), standing
    /// for the document at the lock's URL. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub file: Vec<PathBuf>,
    /// The lock to compare with [default: openapi/upstream.lock].
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
    /// Give up on a fetch after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().timeout.as_secs())]
    pub timeout: u64,
    /// Refuse a document larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_bytes)]
    pub max_bytes: u64,
    /// Skip spec-update's contract run on a change.
    #[arg(long)]
    pub no_contract: bool,
    #[command(flatten)]
    pub external: ExternalArgs,
}

/// Runs `spec-watch`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    let lock_path = args.lock.unwrap_or_else(|| root.join(lock::DEFAULT_PATH));
    let lock = Lock::load(&lock_path)?;
    let limits = Limits { timeout: Duration::from_secs(args.timeout), max_bytes: args.max_bytes };
    let reader = Reader::new(args.external.refs()?, limits);
    let sources: Vec<Source> =
        args.url.into_iter().map(Source::Url).chain(args.file.into_iter().map(Source::File)).collect();
    let watched = spec_watch::watch(&lock, &sources, &reader, &spec_watch::today())?;
    for w in &watched {
        println!("{}", w.summary());
    }
    if watched.iter().all(|w| w.verdict == Verdict::Unchanged) {
        return Ok(ExitCode::SUCCESS);
    }
    let proposal = proposal::propose(&root, &lock, &watched, args.no_contract)?;
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
