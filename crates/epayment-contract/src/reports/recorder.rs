//! The run's one cucumber writer: it keeps each scenario's steps in [`Records`] as cucumber
//! reports them, and prints each feature and each scenario as it ends ([`Console`]).
//!
//! Cucumber runs the `after` hook (the harness's verdict on the scenario) before it reports
//! the scenario finished, so the line printed then tells the whole story.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use cucumber::event::{self, Cucumber, Feature, RetryableScenario, Rule, Scenario, Step, StepError};
use cucumber::{Event, World, cli, gherkin, parser};

use crate::reports::console::{Console, shown};
use crate::reports::record::{Records, StepRecord, StepRun, StepStatus, file_name, panic_message};
use crate::steps::hints::StepProblem;

/// Records and prints a run.
#[derive(Debug, Clone)]
pub struct Recorder {
    records: Records,
    read_errors: Arc<Mutex<Vec<String>>>,
    console: Console,
    /// Why each step the library cannot run cannot, with its hints, by (file name, line).
    unrunnable: Arc<HashMap<(String, usize), String>>,
}

impl Recorder {
    /// A recorder writing into `records`, printing on `console`, explaining the steps the
    /// library cannot run with `problems`.
    pub fn new(records: Records, console: Console, problems: &[StepProblem]) -> Self {
        let unrunnable = problems.iter().map(|p| ((p.file_name(), p.line), p.explanation())).collect();
        Self { records, read_errors: Arc::default(), console, unrunnable: Arc::new(unrunnable) }
    }

    /// The feature files cucumber could not read, one line each.
    pub fn read_errors(&self) -> Vec<String> {
        self.read_errors.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn scenario(
        &self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
        event: &Scenario<impl World>,
        retry: bool,
        at: std::time::SystemTime,
    ) {
        let file = file_name(feature);
        let line = scenario.position.line;
        let step = match event {
            Scenario::Started => {
                self.records.update(&file, line, |r| {
                    r.feature = feature.name.clone();
                    r.file = file.clone();
                    r.path = feature.path.as_deref().map_or_else(|| file.clone(), shown);
                    r.rule = rule.map(|r| r.name.clone());
                    r.scenario = scenario.name.clone();
                    r.line = line;
                    r.example = example_row(scenario);
                    r.start_attempt(retry);
                    r.tags =
                        scenario.tags.iter().chain(scenario.examples.iter().flat_map(|e| &e.tags)).cloned().collect();
                    r.started = Some(at);
                });
                return;
            }
            Scenario::Finished => {
                self.records.with(&file, line, |record| self.console.scenario(record));
                return;
            }
            Scenario::Step(s, ev) | Scenario::Background(s, ev) => step_record(s, ev).map(|mut step| {
                if let Some(why) =
                    self.unrunnable.get(&(file.clone(), step.line)).filter(|_| step.status != StepStatus::Passed)
                {
                    step.error = Some(why.clone());
                }
                step
            }),
            Scenario::Hook(_, event::Hook::Failed(_, info)) => Some(StepRecord {
                text: "(setting up the scenario)".into(),
                line,
                status: StepStatus::Failed,
                error: Some(panic_message(info.as_ref())),
            }),
            _ => None,
        };
        if let Scenario::Step(_, Step::Started) | Scenario::Background(_, Step::Started) = event {
            let run = StepRun { started: Some(at), duration: Default::default() };
            self.records.update(&file, line, |r| r.step_runs.push(run));
        }
        if let Some(step) = step {
            self.records.update(&file, line, |r| {
                // The run its `Started` began (a hook's failure has none: it gets one now).
                let started = r.step_runs.get(r.steps.len()).and_then(|run| run.started);
                let duration = started.and_then(|s| at.duration_since(s).ok()).unwrap_or_default();
                if r.step_runs.len() <= r.steps.len() {
                    r.step_runs.push(StepRun { started: Some(at), duration });
                } else if let Some(run) = r.step_runs.get_mut(r.steps.len()) {
                    run.duration = duration;
                }
                r.steps.push(step);
            });
        }
    }
}

/// Whether a scenario's event is of a retry, not its first attempt.
fn is_retry(retries: Option<event::Retries>) -> bool {
    retries.is_some_and(|r| r.current > 0)
}

/// A step's record once it has ended (`None` when it starts).
fn step_record<W>(s: &gherkin::Step, ev: &Step<W>) -> Option<StepRecord> {
    let (status, error) = match ev {
        Step::Started => return None,
        Step::Passed(..) => (StepStatus::Passed, None),
        Step::Skipped => (StepStatus::Skipped, Some("did not run: an earlier step failed".to_owned())),
        Step::Failed(_, _, _, err) => (StepStatus::Failed, Some(step_error(err))),
    };
    Some(StepRecord { text: format!("{} {}", s.keyword.trim(), s.value), line: s.position.line, status, error })
}

/// Why a step failed, as its own words: a panic's message without cucumber's wrapping.
fn step_error(err: &StepError) -> String {
    match err {
        StepError::Panic(info) => panic_message(info.as_ref()),
        StepError::NotFound => "matches no step of the library".to_owned(),
        StepError::AmbiguousMatch(_) => "matches more than one step of the library".to_owned(),
    }
}

/// An expanded outline's row: its Examples header and values.
fn example_row(scenario: &gherkin::Scenario) -> Option<(Vec<String>, Vec<String>)> {
    let table = scenario.examples.first()?.table.as_ref()?;
    let [header, row] = table.rows.as_slice() else { return None };
    Some((header.clone(), row.clone()))
}

impl<W: World> cucumber::Writer<W> for Recorder {
    type Cli = cli::Empty;

    async fn handle_event(&mut self, event: parser::Result<Event<Cucumber<W>>>, _: &Self::Cli) {
        let event = match event {
            Ok(event) => event,
            Err(e) => {
                self.read_errors.lock().unwrap_or_else(PoisonError::into_inner).push(e.to_string());
                return;
            }
        };
        let at = event.at;
        let Cucumber::Feature(feature, ev) = &event.value else { return };
        match ev {
            Feature::Started => self.console.feature(&feature.name, feature.path.as_deref()),
            Feature::Scenario(s, RetryableScenario { event, retries }) => {
                self.scenario(feature, None, s, event, is_retry(*retries), at)
            }
            Feature::Rule(rule, Rule::Scenario(s, RetryableScenario { event, retries })) => {
                self.scenario(feature, Some(rule), s, event, is_retry(*retries), at)
            }
            _ => {}
        }
    }
}
