//! Running the features: the files read and checked first (a step the library cannot run, a
//! filter that selects nothing), then cucumber with the step library and a fresh world per
//! scenario on the run's target, each scenario judged after its steps ([`verdict`]), then the
//! reports. Beside it: the [`options`] a run takes, the [`selection`] of its scenarios, and
//! [`mutate`], which runs them again under each rule mutant.

pub(crate) mod mutate;
pub(crate) mod options;
pub(crate) mod selection;
pub(crate) mod verdict;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use cucumber::{World as _, WriterExt as _, cli};

use crate::reports::console::{Console, shown};
use crate::reports::record::{Records, ScenarioRecord, StepRecord, StepStatus, file_name};
use crate::reports::recorder::Recorder;
use crate::reports::summary::Summary;
use crate::steps::hints::{self, StepProblem};
use crate::targets::controls::probe;
use crate::targets::{Target, TargetKind};
use crate::world::PaymentWorld;
use options::{Options, tag_expression};
use selection::{Choice, Filter};
use verdict::{Place, judge};

/// Why a run could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The filter selects no scenario (and the options do not allow that): one line naming
    /// the filter.
    NothingSelected(String),
    /// The features, or the reports' folders, could not be read or written.
    Setup(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NothingSelected(why) | RunError::Setup(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs the features, then writes the JUnit and HTML reports (removing, first, a previous
/// comparison's differences beside them: they would describe another run).
pub async fn run(options: &Options) -> Result<Summary, RunError> {
    if let Some(dir) = options.junit.parent() {
        crate::paths::remove_differences(dir).map_err(RunError::Setup)?;
    }
    let features = selection::load(&options.features).map_err(RunError::Setup)?;
    let steps = crate::steps::collection().map_err(RunError::Setup)?;
    let step_problems = hints::check(&features, &steps);
    let kind = match (&options.target, options.kind) {
        (_, Some(kind)) => kind,
        (Target::Sim, None) => TargetKind::Simulator,
        (Target::Remote(remote), None) => probe(remote).await,
    };
    let filter = filter(options, kind);
    let console = Console { quiet: options.quiet, ..Console::new(&options.console) };
    for problem in selection::check_tags(&features, None) {
        console.print(&format!("warning: {problem}\n"));
    }
    if !options.allow_no_scenarios
        && let Some(why) = selection::nothing_selected(&features, &filter, &options.features)
    {
        return Err(RunError::NothingSelected(why));
    }
    for path in [&options.junit, &options.report] {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| RunError::Setup(format!("{}: {e}", dir.display())))?;
        }
    }

    let records = Records::default();
    let recorder = Recorder::new(records.clone(), console, &step_problems);
    // The options were read already: cucumber gets its runner's, and filters nothing itself.
    let cli = cli::Opts {
        re_filter: None,
        tags_filter: None,
        parser: cucumber::parser::basic::Cli::default(),
        runner: runner_options(options, kind),
        writer: cli::Empty,
        custom: cli::Empty,
    };
    let target = options.target.clone();
    let kind = filter.kind;
    let (judged, snapshots, policy) = (records.clone(), options.snapshots.clone(), options.snapshot_policy);
    let comparing = options.compare;
    let mutant = options.mutant;
    // What the scenarios' simulators say of themselves: panics survived, rules asked about.
    let seen: Arc<Mutex<Summary>> = Arc::default();
    let reached = seen.clone();
    let cucumber = PaymentWorld::cucumber()
        .steps(steps)
        .with_writer(recorder.clone().normalized())
        .fail_on_skipped()
        .with_cli(cli)
        .before(move |_, _, _, world| {
            let target = target.clone();
            Box::pin(async move { world.start(&target, kind, mutant).await })
        })
        .after(move |feature, _rule, scenario, finished, world| {
            let (snapshots, judged, reached) = (snapshots.clone(), judged.clone(), reached.clone());
            Box::pin(async move {
                // The webhooks due by the scenario's end are delivered before its trail is read,
                // so that its report does not depend on how fast the receiver answered.
                if let Some(world) = world.as_deref() {
                    world.settle_webhooks().await;
                    let place = format!("{}:{} {}", file_name(feature), scenario.position.line, scenario.name);
                    let mut reached = reached.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    reached.crashes.extend(world.crashes().into_iter().map(|crash| format!("{place}: {crash}")));
                    let id = (file_name(feature), scenario.position.line);
                    reached.consulted.insert(id, world.rules_consulted());
                }
                let place = Place { feature, scenario };
                if let Some(verdict) = judge(&snapshots, policy, comparing, place, finished, world) {
                    judged.update(&verdict.file.clone(), verdict.line, |record| verdict.apply(record));
                }
            })
        });

    let skipped_sim_only = Arc::new(AtomicUsize::new(0));
    let skipped_sandbox = Arc::new(AtomicUsize::new(0));
    let (sim_only, sandbox) = (skipped_sim_only.clone(), skipped_sandbox.clone());
    let chosen = filter.clone();
    cucumber
        .filter_run(options.features.clone(), move |feature, rule, scenario| {
            let skipped = match chosen.choose(feature, rule, scenario) {
                Choice::Run => return true,
                Choice::SimOnly => &sim_only,
                Choice::SandboxOnly => &sandbox,
                Choice::Out => return false,
            };
            skipped.fetch_add(1, Ordering::Relaxed);
            false
        })
        .await;

    let mut all = records.all();
    for problem in &step_problems {
        explain(&mut all, &features, problem);
    }
    all.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let write = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|e| RunError::Setup(format!("{}: {e}", path.display())))
    };
    write(&options.junit, crate::reports::junit::junit(&all))?;
    write(&options.report, crate::reports::html::report(&all))?;
    let files: Vec<_> = features.iter().filter_map(|f| f.path.clone()).collect();
    crate::reports::cucumber::write(options.cucumber_json.as_deref(), options.messages.as_deref(), &all, &files)
        .map_err(RunError::Setup)?;
    let skipped = [skipped_sim_only.load(Ordering::Relaxed), skipped_sandbox.load(Ordering::Relaxed)];
    let mut summary = Summary::of(all, skipped, recorder.read_errors());
    let mut seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    (summary.crashes, summary.consulted) = (std::mem::take(&mut seen.crashes), std::mem::take(&mut seen.consulted));
    Ok(summary)
}

/// The runner's options: the command line's, except that scenarios on a standalone sandbox run
/// one at a time. They share its one clock, and a scenario that moves it (days, for a
/// deadline) would expire another's payment under it.
fn runner_options(options: &Options, kind: TargetKind) -> cucumber::runner::basic::Cli {
    let mut runner = options.runner.clone();
    if kind == TargetKind::Sandbox {
        runner.concurrency = Some(1);
    }
    runner
}

/// The filter the options ask for, on a target of `kind`.
pub(crate) fn filter(options: &Options, kind: TargetKind) -> Filter {
    Filter {
        tags: options.tags.clone(),
        tags_text: options.tags.as_ref().map(tag_expression),
        name: options.name.clone(),
        input: options.input.clone(),
        kind,
        only: options.only.clone(),
    }
}

/// A scenario the run left out (it was not selected) that has a step the library cannot run
/// gets a record of its own, failed: it cannot run as written. (Those that ran have the
/// explanation on their step already.)
fn explain(records: &mut Vec<ScenarioRecord>, features: &[cucumber::gherkin::Feature], problem: &StepProblem) {
    let file = problem.file_name();
    for &line in &problem.scenarios {
        if records.iter().any(|r| r.file == file && r.line == line) {
            continue;
        }
        let found = selection::scenarios(features).find(|(f, _, s)| file_name(f) == file && s.position.line == line);
        let Some((feature, rule, scenario)) = found else { continue };
        records.push(ScenarioRecord {
            feature: feature.name.clone(),
            file: file.clone(),
            path: shown(&problem.feature),
            rule: rule.map(|r| r.name.clone()),
            scenario: scenario.name.clone(),
            line,
            steps: vec![StepRecord {
                text: problem.step.clone(),
                line: problem.line,
                status: StepStatus::Skipped,
                error: Some(problem.explanation()),
            }],
            not_run: true,
            ..ScenarioRecord::default()
        });
    }
}
