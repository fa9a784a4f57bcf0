//! What each scenario did, kept for the JUnit and HTML reports: its steps and how each ended
//! (from cucumber's events, through [`Recorder`]), and what the harness found after it ran
//! (snapshot and contract failures, its redacted exchanges and webhook deliveries).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use cucumber::event::{self, Cucumber, Feature, RetryableScenario, Rule, Scenario, Step};
use cucumber::{Event, World, cli, gherkin, parser};
use serde::Serialize;

/// How a step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// It ran and passed.
    Passed,
    /// It ran and failed.
    Failed,
    /// It did not run (an earlier step failed), or matched no step.
    Skipped,
}

/// One step as it ran.
#[derive(Clone, Debug, Serialize)]
pub struct StepRecord {
    /// Keyword and text, e.g. `When the merchant captures 2.50 NOK`.
    pub text: String,
    /// Its line in the feature file.
    pub line: usize,
    /// How it ended.
    pub status: StepStatus,
    /// Why it failed, or why no step matched it.
    pub error: Option<String>,
}

/// What kind of failure the harness found after the steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemKind {
    /// The exchanges differ from the committed snapshot.
    Snapshot,
    /// An exchange breaks the document.
    Contract,
}

/// A failure found after the steps ran.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// Snapshot or contract.
    pub kind: ProblemKind,
    /// One line.
    pub message: String,
    /// For a snapshot: the unified diff of committed and new.
    pub diff: Option<String>,
    /// For a contract violation: the number (from 1) of the exchange it concerns.
    pub exchange: Option<usize>,
}

/// One scenario: its steps, problems and exchanges.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ScenarioRecord {
    /// The feature's name.
    pub feature: String,
    /// The feature's file name.
    pub file: String,
    /// The scenario's name.
    pub scenario: String,
    /// Its line in the file (an outline's example row for outlines).
    pub line: usize,
    /// Its steps (background first) in order.
    pub steps: Vec<StepRecord>,
    /// Snapshot and contract failures.
    pub problems: Vec<Problem>,
    /// The exchanges as the snapshot shows them (redacted of secrets).
    pub exchanges: serde_json::Value,
    /// Webhook deliveries the scenario's receiver got: (event name, status it answered).
    pub deliveries: Vec<(String, u16)>,
}

impl ScenarioRecord {
    /// Whether it passed its steps, snapshot and contract check.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.steps.iter().all(|s| s.status == StepStatus::Passed)
    }

    /// The first failure, in one line: the failed step, else the first problem.
    pub fn failure(&self) -> Option<String> {
        if let Some(step) = self.steps.iter().find(|s| s.status != StepStatus::Passed) {
            let why = step.error.clone().unwrap_or_else(|| "skipped".into());
            return Some(format!("{}: {why}", step.text));
        }
        self.problems.first().map(|p| p.message.clone())
    }
}

/// Every scenario's record, by (file, line), shared by the recorder and the run's hooks.
#[derive(Clone, Debug, Default)]
pub struct Records(Arc<Mutex<BTreeMap<(String, usize), ScenarioRecord>>>);

impl Records {
    /// Changes (or starts) the record of a scenario.
    pub fn update(&self, file: &str, line: usize, change: impl FnOnce(&mut ScenarioRecord)) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        change(map.entry((file.to_owned(), line)).or_default());
    }

    /// Every record, by file then line.
    pub fn all(&self) -> Vec<ScenarioRecord> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).values().cloned().collect()
    }
}

/// A cucumber writer that keeps each step's outcome in [`Records`] (tee'd beside the console
/// writer).
#[derive(Debug, Clone)]
pub struct Recorder {
    records: Records,
}

impl Recorder {
    /// A recorder writing into `records`.
    pub fn new(records: Records) -> Self {
        Self { records }
    }

    fn scenario(&self, feature: &gherkin::Feature, scenario: &gherkin::Scenario, event: &Scenario<impl World>) {
        let file = file_name(feature);
        let line = scenario.position.line;
        let step = |s: &gherkin::Step, ev: &Step<_>| -> Option<StepRecord> {
            let text = format!("{} {}", s.keyword.trim(), s.value);
            let (status, error) = match ev {
                Step::Started => return None,
                Step::Passed(..) => (StepStatus::Passed, None),
                Step::Skipped => (StepStatus::Skipped, Some("matches no step, or an earlier step failed".to_owned())),
                Step::Failed(_, _, _, err) => (StepStatus::Failed, Some(err.to_string())),
            };
            Some(StepRecord { text, line: s.position.line, status, error })
        };
        let record = match event {
            Scenario::Started => {
                self.records.update(&file, line, |r| {
                    r.feature = feature.name.clone();
                    r.file = file.clone();
                    r.scenario = scenario.name.clone();
                    r.line = line;
                });
                return;
            }
            Scenario::Step(s, ev) | Scenario::Background(s, ev) => step(s, ev),
            Scenario::Hook(_, event::Hook::Failed(_, info)) => Some(StepRecord {
                text: "(setting up the scenario)".into(),
                line,
                status: StepStatus::Failed,
                error: Some(panic_message(info.as_ref())),
            }),
            _ => None,
        };
        if let Some(record) = record {
            self.records.update(&file, line, |r| r.steps.push(record));
        }
    }
}

/// The text of a panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// The feature's file name, as records are keyed.
pub fn file_name(feature: &gherkin::Feature) -> String {
    feature
        .path
        .as_deref()
        .and_then(std::path::Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| feature.name.clone())
}

impl<W: World> cucumber::Writer<W> for Recorder {
    type Cli = cli::Empty;

    async fn handle_event(&mut self, event: parser::Result<Event<Cucumber<W>>>, _: &Self::Cli) {
        let Ok(event) = event else { return };
        if let Cucumber::Feature(feature, ev) = &event.value {
            let scenario = match ev {
                Feature::Scenario(s, RetryableScenario { event, .. }) => Some((s, event)),
                Feature::Rule(_, Rule::Scenario(s, RetryableScenario { event, .. })) => Some((s, event)),
                _ => None,
            };
            if let Some((scenario, event)) = scenario {
                self.scenario(feature, scenario, event);
            }
        }
    }
}
