//! `--mutate`: which of the simulator's rules the selected scenarios would notice. The
//! scenarios run once unmutated (they must pass, and their simulators note which rules each
//! reached), then once per rule mutant (`epayment_sim::mutants`: a rule's answer swapped, the
//! rule switched off, its limit moved by one unit) against embedded simulators carrying that
//! mutant, a few runs at once: only the scenarios that reached the mutant's rule, since the
//! others cannot see what it changes. A mutant is noticed when a scenario fails under it. A mutant that crashes the model, or a run that
//! cannot run, is a defect of the tool, reported and never counted as noticed. Snapshots are
//! neither compared nor written on these runs (each reads an empty folder and writes nothing):
//! what notices a mutant is a step of a scenario, in QA's words. `rules.md` and `rules.json`
//! go beside the JUnit report; `report.html` is the unmutated run's, with the rule coverage on
//! top.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use epayment_sim::mutants::{Mutant, TABLE};

use crate::compare::rules::Rules;
use crate::reports::coverage::{self, Coverage, MutantLine, RuleLine};
use crate::reports::summary::Summary;
use crate::running::RunError;
use crate::running::options::Options;
use crate::running::selection::ScenarioId;
use crate::running::verdict::snapshots::Policy;

/// How many mutant runs go at once: one per core. Each run takes one thread (its scenarios
/// take turns on it), and on the 2-core machine 2 at once beat 1 and 3 (BENCHMARKS.md, "Rule
/// coverage").
fn jobs() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

/// Runs the selected scenarios once per rule mutant and writes the reports; the unmutated
/// run must pass first (a scenario that fails anyway notices nothing).
pub async fn mutate(options: &Options) -> Result<Coverage, RunError> {
    mutate_with(options, Mutant::all().collect(), jobs()).await
}

/// [`mutate`] with the mutants given, `jobs` runs at once.
pub(crate) async fn mutate_with(options: &Options, mutants: Vec<Mutant>, jobs: usize) -> Result<Coverage, RunError> {
    // The runs' own reports go to a scratch folder beside the JUnit report, removed after.
    let scratch = report_paths(options).0.with_file_name("mutants");
    let _ = std::fs::remove_dir_all(&scratch);
    let unmutated = crate::running::run(&quiet(options, &scratch, None)).await?;
    if unmutated.failed() || !unmutated.crashes.is_empty() {
        let why = unmutated.problems.iter().chain(&unmutated.crashes).next().cloned().unwrap_or_default();
        return Err(RunError::Setup(format!("the scenarios fail without a mutant, so none can notice one: {why}")));
    }
    let reach = Reach::of(&unmutated.consulted);
    // cucumber quiets a failing step's panic by swapping the process's one panic hook for a
    // silent one during a run and putting back what it found: runs at once would put back each
    // other's, leaving one run's failures loud on stderr and the process silent after. So the
    // hook is silent for all of them, and put back once they are done.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let verdicts = run_all(options, &scratch, &mutants, &reach, jobs).await;
    std::panic::set_hook(hook);
    let ledger = Rules::load(&crate::paths::workspace_root().join("FIDELITY.md"));
    let rules: Vec<RuleLine> = ledger
        .rows()
        .iter()
        .map(|row| {
            let of_row = verdicts.iter().filter(|(m, _)| m.rule == row.id);
            let mutants = of_row.map(|(_, line)| line.clone()).collect();
            RuleLine { rule: row.id.clone(), reached_by: reach.of_rule(&row.id).len(), mutants }
        })
        .collect();
    // A rule a mutant reaches but the ledger has no row for is a defect of the ledger.
    let unlisted = TABLE.iter().filter(|r| ledger.row(r.rule).is_none());
    let defects = unlisted.map(|r| format!("{}: no FIDELITY.md row", r.rule)).collect();
    let _ = std::fs::remove_dir_all(&scratch);
    let coverage = Coverage::of(rules, defects);
    write(options, &coverage, &unmutated.records)?;
    Ok(coverage)
}

/// Which scenarios reached which rule on the unmutated run: a mutant of a rule a scenario never
/// asked about cannot change what that scenario sees, so only those that did run under it.
struct Reach {
    by_rule: BTreeMap<&'static str, Arc<BTreeSet<ScenarioId>>>,
}

impl Reach {
    fn of(consulted: &BTreeMap<ScenarioId, Vec<&'static str>>) -> Self {
        let mut by_rule: BTreeMap<&'static str, BTreeSet<ScenarioId>> = BTreeMap::new();
        for (scenario, rules) in consulted {
            for rule in rules {
                by_rule.entry(rule).or_default().insert(scenario.clone());
            }
        }
        Self { by_rule: by_rule.into_iter().map(|(rule, scenarios)| (rule, Arc::new(scenarios))).collect() }
    }

    /// The scenarios that reached `rule`.
    fn of_rule(&self, rule: &str) -> Arc<BTreeSet<ScenarioId>> {
        self.by_rule.get(rule).cloned().unwrap_or_default()
    }
}

/// The options of one quiet run: reports in its own scratch folder, snapshots neither read
/// nor written, no Cucumber files, the mutant given.
fn quiet(options: &Options, scratch: &Path, mutant: Option<Mutant>) -> Options {
    let name = mutant.map_or_else(|| "unmutated".to_owned(), |m| format!("{}-{}", m.rule, m.kind.word()));
    let dir = scratch.join(name);
    let mut run = options.clone();
    run.snapshots = dir.join("snapshots");
    run.snapshot_policy = Policy::WriteNothing;
    run.junit = dir.join("junit.xml");
    run.report = dir.join("report.html");
    run.cucumber_json = None;
    run.messages = None;
    run.quiet = true;
    run.mutant = mutant;
    run
}

/// Runs every mutant, `jobs` at once: each job a thread of its own with a runtime of its own
/// (a run's future is not `Send`: cucumber's is not), taking the next mutant when it is done.
/// The verdicts in `mutants`' order.
async fn run_all(
    options: &Options,
    scratch: &Path,
    mutants: &[Mutant],
    reach: &Reach,
    jobs: usize,
) -> Vec<(Mutant, MutantLine)> {
    let (done, mut verdicts) = tokio::sync::mpsc::unbounded_channel();
    // A mutant no scenario reached is judged without a run: nothing it changes is seen.
    let mut queue = VecDeque::new();
    for (n, mutant) in mutants.iter().enumerate() {
        let only = reach.of_rule(mutant.rule);
        match only.is_empty() {
            true => drop(done.send((n, judge(*mutant, Ok(Summary::default()))))),
            false => queue.push_back((n, *mutant, only)),
        }
    }
    let queue = Arc::new(Mutex::new(queue));
    for _ in 0..jobs.clamp(1, mutants.len().max(1)) {
        let (queue, done, options, scratch) = (queue.clone(), done.clone(), options.clone(), scratch.to_path_buf());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            let next = || queue.lock().unwrap_or_else(PoisonError::into_inner).pop_front();
            while let Some((n, mutant, only)) = next() {
                let run = Options { only: Some(only), ..quiet(&options, &scratch, Some(mutant)) };
                let line = match &runtime {
                    Ok(runtime) => judge(mutant, runtime.block_on(crate::running::run(&run))),
                    Err(e) => judge(mutant, Err(RunError::Setup(format!("cannot start a runtime: {e}")))),
                };
                if done.send((n, line)).is_err() {
                    return;
                }
            }
        });
    }
    drop(done);
    let mut lines: Vec<Option<MutantLine>> = vec![None; mutants.len()];
    while let Some((n, line)) = verdicts.recv().await {
        lines[n] = Some(line);
    }
    // A job whose thread panicked outside the model leaves its mutant without a verdict.
    let panicked = |mutant: &Mutant| judge(*mutant, Err(RunError::Setup("the run panicked".to_owned())));
    mutants.iter().zip(lines).map(|(mutant, line)| (*mutant, line.unwrap_or_else(|| panicked(mutant)))).collect()
}

/// What one run under `mutant` says of it.
fn judge(mutant: Mutant, run: Result<Summary, RunError>) -> MutantLine {
    let mut line = MutantLine { kind: mutant.kind, changes: mutant.describe(), noticed_by: Vec::new(), defect: None };
    match run {
        Ok(summary) if !summary.crashes.is_empty() => {
            line.defect = Some(format!("the model crashed: {}", summary.crashes.join("; ")));
        }
        Ok(summary) => {
            let failed = summary.records.iter().filter(|r| !r.passed());
            line.noticed_by = failed.map(|r| format!("{}:{} {}", r.file, r.line, r.scenario)).collect();
        }
        Err(e) => line.defect = Some(format!("the run could not run: {e}")),
    }
    line
}

/// Where the reports go: beside the JUnit report.
pub fn report_paths(options: &Options) -> (PathBuf, PathBuf) {
    let dir = options.junit.parent().map(PathBuf::from).unwrap_or_default();
    (dir.join("rules.md"), dir.join("rules.json"))
}

/// rules.md, rules.json, and report.html: the unmutated run's `records` under the coverage.
fn write(
    options: &Options,
    coverage: &Coverage,
    records: &[crate::reports::record::ScenarioRecord],
) -> Result<(), RunError> {
    let (markdown, json) = report_paths(options);
    let failed = |path: &Path, e: std::io::Error| RunError::Setup(format!("{}: {e}", path.display()));
    for path in [&markdown, &options.report] {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
        }
    }
    std::fs::write(&markdown, coverage::markdown(coverage)).map_err(|e| failed(&markdown, e))?;
    let text = serde_json::to_string_pretty(coverage).map_err(|e| RunError::Setup(e.to_string()))?;
    std::fs::write(&json, text).map_err(|e| failed(&json, e))?;
    let page = crate::reports::html::with_rules(records, coverage);
    std::fs::write(&options.report, page).map_err(|e| failed(&options.report, e))
}

#[cfg(test)]
mod tests;
