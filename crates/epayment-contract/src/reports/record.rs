//! What each scenario did, as the console, the JUnit report and the HTML report tell it: its
//! steps and how each ended (from cucumber's events, through `crate::reports::recorder`), and what the
//! harness found after it ran (`crate::running::verdict`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use crate::world::trail::Timeline;

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
    /// Why it failed, or why no step matched it: a sentence, then any details.
    pub error: Option<String>,
}

/// What kind of failure the harness found after the steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemKind {
    /// The exchanges differ from the committed snapshot, or there is none (under `CI`).
    Snapshot,
    /// An exchange breaks the document.
    Contract,
}

/// A failure found after the steps ran.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// Snapshot or contract.
    pub kind: ProblemKind,
    /// One sentence. A contract violation's starts `contract: ` (spec-update reads it so).
    pub message: String,
    /// For a snapshot: the values that changed, one line each.
    pub changes: Vec<String>,
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
    /// The feature file as given (for places such as `/tmp/qa/capture.feature:7`).
    pub path: String,
    /// The rule the scenario is under, if any.
    pub rule: Option<String>,
    /// The scenario's name.
    pub scenario: String,
    /// Its line in the file (an outline's example row for outlines).
    pub line: usize,
    /// An outline's row: the header and this row's values.
    pub example: Option<(Vec<String>, Vec<String>)>,
    /// Its steps (background first) in order.
    pub steps: Vec<StepRecord>,
    /// Snapshot and contract failures.
    pub problems: Vec<Problem>,
    /// A snapshot written for review rather than compared (a local run's new scenario).
    pub snapshot_written: Option<String>,
    /// The exchanges as the snapshot shows them (redacted of secrets).
    pub exchanges: serde_json::Value,
    /// The exchanges as a comparison reads them (`--compare` only; redacted of secrets, with
    /// the servers' times and the simulator's rules kept): see `crate::running::verdict::exchanges::comparable`.
    #[serde(skip)]
    pub comparable: serde_json::Value,
    /// Webhook deliveries the scenario's receiver got: (event name, status it answered).
    pub deliveries: Vec<(String, u16)>,
    /// Which step made each exchange, the moments between them, what the last step looked
    /// at, and how long the scenario took.
    pub timeline: Timeline,
    /// Whether it was left out of the run (not selected) although it cannot run as written.
    pub not_run: bool,
    /// How it compared with the simulator (`--compare`).
    pub comparison: Option<crate::compare::diff::Comparison>,
    /// Its own tags and its Examples' (without `@`; the feature's and rule's are on the
    /// parsed feature), for the result formats (`crate::reports::cucumber`).
    pub tags: Vec<String>,
    /// When it started, by cucumber's clock, for the result formats' timestamps.
    #[serde(skip)]
    pub started: Option<std::time::SystemTime>,
    /// For each of [`Self::steps`]: when it ran and how long, from cucumber's events.
    #[serde(skip)]
    pub step_runs: Vec<StepRun>,
    /// Why each earlier attempt failed, oldest first, when `--retry` ran it again: a scenario
    /// that passed with any passed only on a retry, which the reports say.
    pub earlier_attempts: Vec<String>,
}

/// When a step ran and how long: what the result formats tell beside a [`StepRecord`] (kept
/// apart so that the records' other readers and their literals are unchanged).
#[derive(Clone, Debug, Default)]
pub struct StepRun {
    /// When it started (none for a step that never started).
    pub started: Option<std::time::SystemTime>,
    /// How long it ran.
    pub duration: std::time::Duration,
}

impl ScenarioRecord {
    /// Whether it passed its steps, snapshot and contract check.
    pub fn passed(&self) -> bool {
        !self.not_run && self.problems.is_empty() && self.steps.iter().all(|s| s.status == StepStatus::Passed)
    }

    /// Whether it passed, but only on a retry (`--retry`).
    pub fn passed_on_retry(&self) -> bool {
        self.passed() && !self.earlier_attempts.is_empty()
    }

    /// An attempt starts; `retry` when it is not the first (cucumber's `--retry`). A retry
    /// keeps why the attempt before failed in [`Self::earlier_attempts`] and starts its steps
    /// afresh, so that a pass on a retry is told as one. The problems found after the steps
    /// stay: an earlier attempt's contract violation is a finding all the same (and a verdict
    /// can reach the record before cucumber's events do, so clearing them here could lose the
    /// very attempt's own).
    pub fn start_attempt(&mut self, retry: bool) {
        if retry {
            // The attempt's own words, from its steps: its verdict may not have reached the
            // record yet, and a problem found there could be the next attempt's.
            let step_failed = self.steps.iter().any(|s| s.status != StepStatus::Passed);
            let why = step_failed.then(|| self.failure()).flatten();
            self.earlier_attempts.push(why.unwrap_or_else(|| "it failed".to_owned()));
        }
        self.steps.clear();
        self.step_runs.clear();
    }

    /// The retries, in one sentence: `passed on attempt 2; attempt 1: <why>`.
    pub fn attempts_sentence(&self) -> Option<String> {
        if self.earlier_attempts.is_empty() {
            return None;
        }
        let attempt = self.earlier_attempts.len() + 1;
        let ended = if self.passed() { "passed" } else { "failed" };
        let earlier: Vec<String> =
            self.earlier_attempts.iter().enumerate().map(|(i, why)| format!("attempt {}: {why}", i + 1)).collect();
        Some(format!("{ended} on attempt {attempt}; {}", earlier.join("; ")))
    }

    /// The first failure, in one sentence: the failed step, else the first problem.
    pub fn failure(&self) -> Option<String> {
        if let Some(step) = self.steps.iter().find(|s| s.status != StepStatus::Passed) {
            let why = step.error.as_deref().and_then(|e| e.lines().next()).unwrap_or("did not run");
            let not_run = if self.not_run { " (the scenario was not selected, so it did not run)" } else { "" };
            return Some(match self.failure_kind() {
                Some("unrunnable") => format!("`{}` {why}{not_run}", step.text),
                _ => format!("`{}` failed: {why}", step.text),
            });
        }
        let first = self.problems.first()?;
        Some(match first.changes.first() {
            Some(change) => format!("{}: {change}", first.message),
            None => first.message.clone(),
        })
    }

    /// What kind its first failure is, as the JUnit report's `type` names it: `step`,
    /// `unrunnable` (a step the library cannot run), `snapshot` or `contract`.
    pub fn failure_kind(&self) -> Option<&'static str> {
        if let Some(step) = self.steps.iter().find(|s| s.status != StepStatus::Passed) {
            let unmatched = step.error.as_deref().is_some_and(|e| e.starts_with("matches "));
            return Some(if self.not_run || unmatched { "unrunnable" } else { "step" });
        }
        self.problems.first().map(|p| match p.kind {
            ProblemKind::Snapshot => "snapshot",
            ProblemKind::Contract => "contract",
        })
    }

    /// Where it is: `capture.feature:7`.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// The exchanges (numbered from 1) the step at `index` of [`Self::steps`] made.
    pub fn exchanges_of(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let made_by = &self.timeline.made_by;
        made_by.iter().enumerate().filter(move |(_, step)| **step == index).map(|(i, _)| i + 1)
    }

    /// The exchanges the failed step looked at (none when no step failed).
    pub fn looked_at(&self, index: usize) -> &[usize] {
        let failed = self.steps.get(index).is_some_and(|s| s.status == StepStatus::Failed);
        if failed && self.timeline.last_step == Some(index) { &self.timeline.looked_at } else { &[] }
    }

    /// Exchange `n` in one line: `8: refundPayment POST /epayment/v1/payments/x/refund → 429`.
    pub fn exchange_line(&self, n: usize) -> String {
        let e = &self.exchanges[n - 1];
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        format!(
            "{n}: {} {} {} → {}",
            text(&e["operation"]),
            text(&e["request"]["method"]),
            text(&e["request"]["path"]),
            e["response"]["status"]
        )
    }

    /// The number of exchanges.
    pub fn exchange_count(&self) -> usize {
        self.exchanges.as_array().map_or(0, Vec::len)
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

    /// Looks at one scenario's record, if there is one.
    pub fn with(&self, file: &str, line: usize, look: impl FnOnce(&ScenarioRecord)) {
        if let Some(record) = self.0.lock().unwrap_or_else(PoisonError::into_inner).get(&(file.to_owned(), line)) {
            look(record);
        }
    }

    /// Every record, by file then line.
    pub fn all(&self) -> Vec<ScenarioRecord> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).values().cloned().collect()
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
pub fn file_name(feature: &cucumber::gherkin::Feature) -> String {
    feature
        .path
        .as_deref()
        .and_then(std::path::Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| feature.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(status: StepStatus, error: Option<&str>) -> StepRecord {
        StepRecord { text: "Given a payment".into(), line: 4, status, error: error.map(str::to_owned) }
    }

    #[test]
    fn a_retry_starts_its_steps_afresh_and_keeps_why_the_attempt_before_failed() {
        let mut record = ScenarioRecord::default();
        record.start_attempt(false);
        assert!(record.earlier_attempts.is_empty(), "the first attempt has none before it");
        record.steps.push(step(StepStatus::Failed, Some("answered 400")));
        record.start_attempt(true);
        assert!(record.steps.is_empty(), "the retry's steps are its own");
        assert_eq!(record.earlier_attempts, ["`Given a payment` failed: answered 400"]);
        record.steps.push(step(StepStatus::Passed, None));
        assert!(record.passed() && record.passed_on_retry());
        assert_eq!(
            record.attempts_sentence().as_deref(),
            Some("passed on attempt 2; attempt 1: `Given a payment` failed: answered 400")
        );
        // A verdict's problems stay whatever the order they arrive in.
        record.problems.push(Problem {
            kind: ProblemKind::Contract,
            message: "contract: exchange 1".into(),
            changes: Vec::new(),
            diff: None,
            exchange: Some(1),
        });
        record.start_attempt(false);
        assert_eq!(record.problems.len(), 1, "a first attempt's start clears no verdict");
        let first_time = ScenarioRecord { steps: vec![step(StepStatus::Passed, None)], ..ScenarioRecord::default() };
        assert!(first_time.passed() && !first_time.passed_on_retry() && first_time.attempts_sentence().is_none());
    }
}
