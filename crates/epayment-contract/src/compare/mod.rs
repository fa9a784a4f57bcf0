//! `--compare URL`: every scenario that can run on the host at URL runs twice at once, on it
//! and on an embedded simulator run the same way (through a loopback port, as the same kind of
//! target, with the target's merchant serial number and test user), and the two runs'
//! exchanges are compared call by call once what legitimately differs is made equal
//! ([`normalize`]). Each difference names the FIDELITY.md row that governs it ([`rules`]); the
//! first difference of a scenario is its cause, and the rest follow from it ([`causes`]). The
//! result, with counts by kind and by row ([`summary`]), goes to `differences.md` and
//! `differences.json` beside the JUnit report, and onto the target's HTML report ([`report`]).

mod causes;
pub(crate) mod diff;
mod normalize;
mod report;
pub(crate) mod rules;
mod summary;

use std::collections::BTreeMap;
use std::path::PathBuf;

use cucumber::gherkin::Feature;
use epayment_sim::Simulator;
use serde::Serialize;

pub use diff::{Comparison, Difference, Kind};
pub use normalize::NORMALISED;
pub use summary::{ByRow, ending};

use crate::reports::record::ScenarioRecord;
use crate::running::options::Options;
use crate::running::selection::{self, Choice};
use crate::running::{RunError, run};
use crate::targets::TargetKind;
use crate::targets::controls::{check_access, probe};
use crate::targets::{Remote, Target};

/// One scenario both sides ran.
#[derive(Clone, Debug, Serialize)]
pub struct Compared {
    /// `capture.feature:7`.
    pub place: String,
    /// The scenario's name.
    pub scenario: String,
    /// Whether it is tagged `@sim-choice`: it asserts a rule the simulator chose.
    pub sim_choice: bool,
    /// How it ended on the simulator: `passed`, or `failed: <why>`.
    pub simulator: String,
    /// How it ended on the target.
    pub target: String,
    /// How many pairs of exchanges were lined up and compared.
    pub exchanges: usize,
    /// What differs: the cause first (the first difference, and any other in the same pair of
    /// exchanges), then what follows from it.
    pub differences: Vec<Difference>,
}

impl Compared {
    /// Whether it failed on both sides alike (a broken scenario or setup, not a difference).
    pub fn failed_on_both(&self) -> bool {
        self.simulator != "passed" && self.target != "passed"
    }
}

/// A scenario the filter selects that the target cannot run, with its tag and the reason.
#[derive(Clone, Debug, Serialize)]
pub struct NotCompared {
    /// `capture.feature:7`.
    pub place: String,
    /// The scenario's name.
    pub scenario: String,
    /// `@sim-only` or `@sandbox`.
    pub tag: &'static str,
    /// Where the tag is written: `feature`, `rule` or `scenario`.
    pub tagged_on: &'static str,
    /// What the tag means, from the step catalog.
    pub reason: &'static str,
}

/// What a comparison found.
#[derive(Clone, Debug, Serialize)]
pub struct Differences {
    /// The target's URL.
    pub target: String,
    /// What kind of target it is.
    pub kind: &'static str,
    /// Every scenario compared, by place.
    pub compared: Vec<Compared>,
    /// Scenarios left out, with why.
    pub not_compared: Vec<NotCompared>,
    /// The differences by FIDELITY.md row, the row with most first.
    pub by_row: Vec<ByRow>,
    /// Whether FIDELITY.md was found (else no difference names a row).
    pub ledger_found: bool,
    /// Where `differences.md` went.
    #[serde(skip)]
    pub markdown: PathBuf,
    /// Where the target's HTML report went.
    #[serde(skip)]
    pub html: PathBuf,
}

impl Differences {
    /// Every difference found.
    pub fn all(&self) -> impl Iterator<Item = &Difference> {
        self.compared.iter().flat_map(|c| &c.differences)
    }

    /// How many of each kind.
    pub fn by_kind(&self) -> BTreeMap<Kind, usize> {
        let mut counts = BTreeMap::new();
        for d in self.all() {
            *counts.entry(d.kind).or_default() += 1;
        }
        counts
    }

    /// The scenarios with a difference.
    pub fn differing(&self) -> impl Iterator<Item = &Compared> {
        self.compared.iter().filter(|c| !c.differences.is_empty())
    }

    /// Whether the comparison found nothing wrong: no difference, and no scenario that failed
    /// on both sides.
    pub fn clean(&self) -> bool {
        self.all().next().is_none() && !self.compared.iter().any(Compared::failed_on_both)
    }
}

/// Why a comparison could not run.
#[derive(Debug)]
pub enum CompareError {
    /// The target cannot be reached or refuses the keys: one line saying which.
    Access(String),
    /// A run could not run (a filter that selects nothing, a file it cannot read).
    Run(RunError),
}

impl std::fmt::Display for CompareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompareError::Access(why) => f.write_str(why),
            CompareError::Run(e) => e.fmt(f),
        }
    }
}

/// Compares the target of `options` (a remote one) with the simulator. A previous
/// comparison's differences are removed first; when this one cannot run, `differences.md` and
/// `differences.json` say why instead.
pub async fn compare(options: &Options) -> Result<Differences, CompareError> {
    let dir = report_dir(options);
    crate::paths::remove_differences(&dir).map_err(|e| CompareError::Run(RunError::Setup(e)))?;
    let compared = compare_with_simulator(options).await;
    if let Err(e) = &compared {
        let target = match &options.target {
            Target::Remote(remote) => remote.url.as_str(),
            Target::Sim => "the simulator",
        };
        // Best effort: the error says what matters, and a folder that cannot be written has
        // already said so in it.
        let _ = report::could_not_run(&dir, target, &e.to_string());
    }
    compared
}

async fn compare_with_simulator(options: &Options) -> Result<Differences, CompareError> {
    let Target::Remote(remote) = &options.target else {
        return Err(CompareError::Access("--compare needs a URL to compare the simulator with".into()));
    };
    check_access(remote).await.map_err(CompareError::Access)?;
    let kind = match options.kind {
        Some(kind) => kind,
        None => probe(remote).await,
    };
    let simulator = Simulator::start().await;
    let (on_simulator, on_target) = (simulator_side(options, remote, &simulator, kind), target_side(options, kind));
    let (simulated, targeted) = tokio::join!(run(&on_simulator), run(&on_target));
    drop(simulator);
    let (simulated, targeted) = (simulated.map_err(CompareError::Run)?, targeted.map_err(CompareError::Run)?);
    let features = selection::load(&options.features).map_err(|e| CompareError::Run(RunError::Setup(e)))?;

    let rules = rules::Rules::load(&crate::paths::workspace_root().join("FIDELITY.md"));
    let mut records = targeted.records;
    let mut compared = Vec::new();
    for record in records.iter_mut().filter(|r| !r.not_run) {
        let Some(twin) = simulated.records.iter().find(|s| s.file == record.file && s.line == record.line) else {
            continue;
        };
        let (mut one, comparison) = compare_scenario(twin, record, &rules);
        one.sim_choice = tagged(&features, record, "sim-choice");
        compared.push(one);
        record.comparison = Some(comparison);
    }
    let mut differences = Differences {
        target: remote.url.clone(),
        kind: kind_name(kind),
        compared,
        not_compared: not_compared(&features, options, kind),
        by_row: Vec::new(),
        ledger_found: !rules.is_empty(),
        markdown: report_dir(options).join("differences.md"),
        html: options.report.clone(),
    };
    differences.by_row = summary::by_row(&differences, &rules);
    report::write(&differences, &records, &report_dir(options)).map_err(CompareError::Run)?;
    Ok(differences)
}

/// One scenario's two runs compared.
fn compare_scenario(
    simulator: &ScenarioRecord,
    target: &ScenarioRecord,
    rules: &rules::Rules,
) -> (Compared, Comparison) {
    let list = |r: &ScenarioRecord| normalize::normalize(&r.comparable).as_array().cloned().unwrap_or_default();
    let (left, right) = (list(simulator), list(target));
    let (mut found, pairs) = diff::differences(&left, &right);
    let outcome = |r: &ScenarioRecord| match r.failure() {
        None => "passed".to_owned(),
        Some(why) => format!("failed: {why}"),
    };
    let (said_simulator, said_target) = (outcome(simulator), outcome(target));
    if simulator.passed() != target.passed() {
        found.push(Difference {
            kind: Kind::Outcome,
            operation: String::new(),
            exchange: (None, None),
            field: None,
            simulator: said_simulator.clone(),
            target: said_target.clone(),
            rule: None,
            follows: false,
        });
    }
    causes::attribute(&mut found, &left, &right, rules);
    let one = Compared {
        place: target.place(),
        scenario: target.scenario.clone(),
        sim_choice: false,
        simulator: said_simulator,
        target: said_target,
        exchanges: pairs,
        differences: found.clone(),
    };
    (one, Comparison { differences: found, simulator: left, target: right })
}

/// The simulator's side: the embedded `simulator` reached as the target is, with the same
/// merchant serial number and test user, run quietly, its reports under `simulator/`.
fn simulator_side(options: &Options, remote: &Remote, simulator: &Simulator, kind: TargetKind) -> Options {
    let keys = simulator.credentials();
    let mut side = options.clone();
    side.target = Target::Remote(Remote {
        url: simulator.uri(),
        client_id: keys.client_id,
        client_secret: keys.client_secret,
        subscription_key: keys.subscription_key,
        msn: remote.msn.clone(),
        test_phone: remote.test_phone.clone(),
        settings: remote.settings.clone(),
    });
    side.kind = Some(kind);
    side.quiet = true;
    let dir = report_dir(options).join("simulator");
    side.junit = dir.join("junit.xml");
    side.report = dir.join("report.html");
    side.cucumber_json = options.cucumber_json.as_ref().map(|_| dir.join("cucumber.json"));
    side.messages = options.messages.as_ref().map(|_| dir.join("messages.ndjson"));
    side
}

/// The target's side: as a run on it would go, as the kind it was found to be.
fn target_side(options: &Options, kind: TargetKind) -> Options {
    let mut side = options.clone();
    side.kind = Some(kind);
    side
}

/// Where the differences go: beside the JUnit report.
fn report_dir(options: &Options) -> PathBuf {
    options.junit.parent().map(PathBuf::from).unwrap_or_default()
}

/// Whether the scenario of `record` has `tag` (on its feature, rule or itself).
fn tagged(features: &[Feature], record: &ScenarioRecord, tag: &str) -> bool {
    selection::scenarios(features)
        .find(|(f, _, s)| crate::reports::record::file_name(f) == record.file && s.position.line == record.line)
        .is_some_and(|(f, r, s)| selection::tags_of(f, r, s).any(|t| t == tag))
}

/// The scenarios the filter selects that a target of `kind` cannot run, each with the tag
/// that keeps it out and where that tag is written.
fn not_compared(features: &[Feature], options: &Options, kind: TargetKind) -> Vec<NotCompared> {
    let filter = crate::running::filter(options, kind);
    let mut out = Vec::new();
    for (feature, rule, scenario) in selection::scenarios(features) {
        let tag = match filter.choose(feature, rule, scenario) {
            Choice::SimOnly => "@sim-only",
            Choice::SandboxOnly => "@sandbox",
            Choice::Run | Choice::Out => continue,
        };
        let has = |tags: &[String]| tags.iter().any(|t| t.trim_start_matches('@') == &tag[1..]);
        let tagged_on = if has(&scenario.tags) {
            "scenario"
        } else if rule.is_some_and(|r| has(&r.tags)) {
            "rule"
        } else {
            "feature"
        };
        let reason = crate::steps::catalog::TAGS.iter().find(|(t, _)| *t == tag).map_or("", |(_, why)| *why);
        let place = format!("{}:{}", crate::reports::record::file_name(feature), scenario.position.line);
        out.push(NotCompared { place, scenario: scenario.name.clone(), tag, tagged_on, reason });
    }
    out
}

fn kind_name(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Simulator => "the embedded simulator",
        TargetKind::Sandbox => "a standalone sandbox (epayment-sim)",
        TargetKind::Environment => "a real environment",
    }
}
