//! Running the features: cucumber with the step library, a fresh world per scenario on the
//! run's target, each scenario judged after its steps ([`crate::verdict`]), then the JUnit
//! and HTML reports.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cucumber::tag::Ext as _;
use cucumber::{World as _, WriterExt as _, cli, writer};

use crate::hints::{self, StepProblem};
use crate::options::{Args, Cli, Options};
use crate::record::{Recorder, Records, ScenarioRecord};
use crate::world::{PaymentWorld, Target};

/// How a run went.
#[derive(Debug, Default)]
pub struct Summary {
    /// Scenarios that passed their steps, snapshot and contract check.
    pub passed: usize,
    /// Scenarios that failed any of them.
    pub failed: usize,
    /// `@sim-only` scenarios left out of a remote run.
    pub skipped_sim_only: usize,
    /// Snapshot and contract failures, one line each.
    pub problems: Vec<String>,
    /// Steps that match no step of the library, or more than one, with hints.
    pub step_problems: Vec<StepProblem>,
    /// Whether cucumber itself reported a failure (a step, a parse error, a skipped step).
    pub steps_failed: bool,
    /// Every scenario as it ran.
    pub records: Vec<ScenarioRecord>,
}

impl Summary {
    /// Whether the run failed.
    pub fn failed(&self) -> bool {
        self.failed > 0 || self.steps_failed || !self.problems.is_empty() || !self.step_problems.is_empty()
    }
}

/// Runs the features, then writes the JUnit and HTML reports.
pub async fn run(options: &Options) -> Result<Summary, String> {
    // Steps that cannot run are explained before the run, where cucumber only says that they
    // match nothing.
    let step_problems = hints::check_features(&options.features)?;
    if !step_problems.is_empty() {
        println!("Steps the library cannot run as written:\n{}", hints::render(&step_problems));
    }
    for path in [&options.junit, &options.report] {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }

    let records = Records::default();
    let writer = writer::Basic::raw(io::stdout(), writer::Coloring::Auto, 0)
        .summarized()
        .tee::<PaymentWorld, _>(Recorder::new(records.clone()).discard_stats_writes().discard_arbitrary_writes())
        .normalized();
    let cli = Cli {
        re_filter: None,
        tags_filter: None,
        parser: cucumber::parser::basic::Cli::default(),
        runner: options.runner.clone(),
        writer: cli::Compose { left: options.console, right: cli::Empty },
        custom: Args::default(),
    };
    let target = options.target.clone();
    let (judged, snapshots) = (records.clone(), options.snapshots.clone());
    let cucumber = PaymentWorld::cucumber()
        .steps(crate::steps::collection()?)
        .with_writer(writer)
        .fail_on_skipped()
        .with_cli(cli)
        .before(move |_, _, _, world| {
            let target = target.clone();
            Box::pin(async move { world.start(&target).await })
        })
        .after(move |feature, _rule, scenario, finished, world| {
            let verdict = crate::verdict::judge(&snapshots, feature, scenario, finished, world.as_deref());
            if let Some(verdict) = verdict {
                judged.update(&verdict.file.clone(), verdict.line, |record| verdict.apply(record));
            }
            Box::pin(std::future::ready(()))
        });

    let skipped_sim_only = Arc::new(AtomicUsize::new(0));
    let skipped = skipped_sim_only.clone();
    let (tags, name) = (options.tags.clone(), options.name.clone());
    let remote = matches!(options.target, Target::Remote(_));
    let written = cucumber
        .filter_run(options.features.clone(), move |feature, rule, scenario| {
            // Tags are inherited: a feature's and a rule's apply to each of their scenarios.
            let scenario_tags = || {
                feature
                    .tags
                    .iter()
                    .chain(rule.into_iter().flat_map(|r| r.tags.iter()))
                    .chain(scenario.tags.iter())
                    .map(|t| t.trim_start_matches('@').to_owned())
            };
            if remote && scenario_tags().any(|t| t == "sim-only") {
                skipped.fetch_add(1, Ordering::Relaxed);
                return false;
            }
            name.as_ref().is_none_or(|re| re.is_match(&scenario.name))
                && tags.as_ref().is_none_or(|expr| expr.eval(scenario_tags().collect::<Vec<_>>()))
        })
        .await;
    use cucumber::writer::Stats as _;
    let steps_failed = written.execution_has_failed();

    let mut all = records.all();
    for problem in &step_problems {
        attach_hint(&mut all, problem);
    }
    let write = |path: &Path, text: String| std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()));
    write(&options.junit, crate::junit::junit(&all))?;
    write(&options.report, crate::html::report(&all))?;
    let problems = all.iter().flat_map(|r| r.problems.iter().map(|p| p.message.clone())).collect();
    Ok(Summary {
        passed: all.iter().filter(|r| r.passed()).count(),
        failed: all.iter().filter(|r| !r.passed()).count(),
        skipped_sim_only: skipped_sim_only.load(Ordering::Relaxed),
        problems,
        step_problems,
        steps_failed,
        records: all,
    })
}

/// Puts a step's hints where the reports show that step.
fn attach_hint(records: &mut [ScenarioRecord], problem: &StepProblem) {
    let file = problem.feature.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for record in records.iter_mut().filter(|r| r.file == file) {
        for step in record.steps.iter_mut().filter(|s| s.line == problem.line) {
            step.error = Some(problem.to_string());
        }
    }
}
