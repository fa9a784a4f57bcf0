//! What to run ([`Options`]): built in code ([`Options::new`]) or read from a command line
//! (`crate::cli`). Nothing about a run is process-wide: the target reaches each scenario's
//! world through the run's `before` hook.

use std::path::PathBuf;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::writer;

use crate::paths::{target_dir, workspace_root};
use crate::running::verdict::snapshots::Policy;
use crate::targets::Target;
use crate::targets::TargetKind;

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The folder of `.feature` files.
    pub features: PathBuf,
    /// Only scenarios whose tags (a feature's and a rule's included) match.
    pub tags: Option<TagOperation>,
    /// Only scenarios whose name matches.
    pub name: Option<regex::Regex>,
    /// Where to run.
    pub target: Target,
    /// The JUnit report.
    pub junit: PathBuf,
    /// The HTML report.
    pub report: PathBuf,
    /// Where snapshots live.
    pub snapshots: PathBuf,
    /// The Cucumber JSON results, if wanted. (The command line puts them beside `junit`; in
    /// code they stay where they are set when `junit` changes.)
    pub cucumber_json: Option<PathBuf>,
    /// The Cucumber Messages (NDJSON), if wanted; placed as [`Self::cucumber_json`] is.
    pub messages: Option<PathBuf>,
    /// Cucumber's runner options: concurrency, fail-fast, retries.
    pub runner: cucumber::runner::basic::Cli,
    /// Cucumber's console options: colour, and `-v` for every step.
    pub console: writer::basic::Cli,
    /// What happens to a snapshot that is new or changed (from `CI` and `INSTA_UPDATE`).
    pub snapshot_policy: Policy,
    /// Whether a filter may select no scenario.
    pub allow_no_scenarios: bool,
    /// Whether to compare the target with the simulator (`--compare`) rather than run on it.
    pub compare: bool,
    /// What the target is, instead of asking it (the simulator's side of a comparison runs as
    /// its target would).
    pub kind: Option<TargetKind>,
    /// Print nothing as the run goes.
    pub quiet: bool,
    /// `--input`: only the feature files this glob matches.
    pub input: Option<crate::running::selection::InputGlob>,
    /// The rule mutant of one run of `--mutate`; `None` on every other run.
    pub mutant: Option<epayment_sim::mutants::Mutant>,
    /// Only these scenarios (a mutation run's, for one mutant); all when `None`.
    pub only: Option<std::sync::Arc<std::collections::BTreeSet<crate::running::selection::ScenarioId>>>,
}

impl Options {
    /// Every feature under `features/`, on `target`, reports under `<target dir>/contract/`.
    pub fn new(target: Target) -> Self {
        let root = workspace_root();
        let reports = target_dir().join("contract");
        Self {
            features: root.join("features"),
            tags: None,
            name: None,
            target,
            junit: reports.join("junit.xml"),
            report: reports.join("report.html"),
            cucumber_json: Some(reports.join("cucumber.json")),
            messages: Some(reports.join("messages.ndjson")),
            snapshots: root.join("features/snapshots"),
            runner: cucumber::runner::basic::Cli::default(),
            console: writer::basic::Cli::default(),
            snapshot_policy: Policy::from_env(),
            allow_no_scenarios: false,
            compare: false,
            kind: None,
            quiet: false,
            input: None,
            mutant: None,
            only: None,
        }
    }
}

/// A tag expression as written: `@qa-3 and not (@sim-only or @slow)`.
pub fn tag_expression(op: &TagOperation) -> String {
    let inner = |op: &TagOperation| match op {
        TagOperation::Tag(_) | TagOperation::Not(_) => tag_expression(op),
        _ => format!("({})", tag_expression(op)),
    };
    match op {
        TagOperation::Tag(t) => format!("@{}", t.trim_start_matches('@')),
        TagOperation::Not(a) => format!("not {}", inner(a)),
        TagOperation::And(a, b) => format!("{} and {}", inner(a), inner(b)),
        TagOperation::Or(a, b) => format!("{} or {}", inner(a), inner(b)),
    }
}
