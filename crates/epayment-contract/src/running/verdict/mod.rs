//! What the harness finds once a scenario's steps have run: its exchanges checked against the
//! document and compared with its snapshot, the webhooks its receiver got, and its timeline.

pub(crate) mod exchanges;
pub(crate) mod snapshots;

use std::path::{Path, PathBuf};

use cucumber::event::ScenarioFinished;
use cucumber::gherkin;
use serde_json::Value;

use crate::reports::console::shown;
use crate::reports::record::{Problem, ProblemKind, ScenarioRecord, file_name};
use crate::running::verdict::exchanges::{comparable, contract_violations, redacted};
use crate::running::verdict::snapshots::{Outcome, Policy, Snapshot, snapshot_name};
use crate::world::PaymentWorld;
use crate::world::trail::Timeline;

/// A scenario's verdict, to be added to its record.
#[derive(Debug)]
pub struct Verdict {
    /// The feature's file name, as records are keyed.
    pub file: String,
    /// The scenario's line, as records are keyed.
    pub line: usize,
    problems: Vec<Problem>,
    snapshot_written: Option<String>,
    exchanges: Value,
    comparable: Value,
    deliveries: Vec<(String, u16)>,
    timeline: Timeline,
}

impl Verdict {
    /// Adds the verdict to the scenario's record.
    pub fn apply(self, record: &mut ScenarioRecord) {
        record.problems.extend(self.problems);
        record.snapshot_written = self.snapshot_written;
        record.exchanges = self.exchanges;
        record.comparable = self.comparable;
        record.deliveries = self.deliveries;
        record.timeline = self.timeline;
    }
}

/// Where the scenario is.
pub struct Place<'a> {
    /// Its feature.
    pub feature: &'a gherkin::Feature,
    /// The scenario.
    pub scenario: &'a gherkin::Scenario,
}

/// Judges a scenario once its steps have run (`None` when its world could not be made): on
/// the simulator its exchanges against the document and, when its steps passed, against its
/// snapshot in `snapshots` as `policy` says; when `comparing`, its exchanges kept in the form a
/// comparison reads.
pub fn judge(
    snapshots: &Path,
    policy: Policy,
    comparing: bool,
    place: Place<'_>,
    finished: &ScenarioFinished,
    world: Option<&mut PaymentWorld>,
) -> Option<Verdict> {
    let world = world?;
    let (exchanges, timeline) = world.finish_trail();
    let file = file_name(place.feature);
    let mut verdict = Verdict {
        file,
        line: place.scenario.position.line,
        problems: Vec::new(),
        snapshot_written: None,
        exchanges: Value::Null,
        comparable: Value::Null,
        deliveries: deliveries(world),
        timeline,
    };
    if !world.records_exchanges() {
        return Some(verdict);
    }
    verdict.problems = contract_violations(&exchanges)
        .into_iter()
        .map(|v| Problem {
            kind: ProblemKind::Contract,
            message: format!("contract: {v}"),
            changes: Vec::new(),
            diff: None,
            exchange: Some(v.exchange),
        })
        .collect();
    verdict.exchanges = redacted(&exchanges, &world.written_keys);
    // Calls sent at once are compared by their outcome alone: each side takes them in an order
    // of its own.
    if comparing && !world.sent_at_once {
        verdict.comparable = comparable(&exchanges, &world.written_keys);
    }
    // Snapshots hold the simulator's answers: a remote run makes references of its own, and a
    // real environment answers with its own ids, so only the contract checks apply there. Calls
    // sent at once come back in an order of the API's choosing, which no snapshot can hold.
    if world.is_embedded() && !world.sent_at_once && matches!(finished, ScenarioFinished::StepPassed) {
        let outline = (!place.scenario.examples.is_empty()).then_some(place.scenario.position.line);
        let path = place.feature.path.clone().unwrap_or_else(|| PathBuf::from("feature"));
        let name = snapshot_name(&path, &place.scenario.name, outline);
        let description = format!("{} / {}", verdict.file, place.scenario.name);
        let snapshot = Snapshot { dir: snapshots, name: &name, description: &description };
        match snapshot.check(&verdict.exchanges, policy) {
            Outcome::Matches | Outcome::Accepted(_) | Outcome::New(None) => {}
            Outcome::New(Some(written)) => verdict.snapshot_written = Some(shown(&written)),
            Outcome::Missing(committed) => verdict.problems.push(Problem {
                kind: ProblemKind::Snapshot,
                message: format!(
                    "it has no committed snapshot {} (with CI set, a snapshot nobody reviewed fails: run it \
                     locally, review the .snap.new and commit it)",
                    shown(&committed)
                ),
                changes: Vec::new(),
                diff: None,
                exchange: None,
            }),
            Outcome::Changed { count, changes, diff, written } => {
                let review = written.map(|w| format!("; review {}", shown(&w))).unwrap_or_default();
                let committed = snapshots.join(format!("{name}.snap"));
                let count = if count == 1 { "1 change".to_owned() } else { format!("{count} changes") };
                verdict.problems.push(Problem {
                    kind: ProblemKind::Snapshot,
                    message: format!("its exchanges differ from the snapshot {} ({count}{review})", shown(&committed)),
                    changes,
                    diff: Some(diff),
                    exchange: None,
                });
            }
        }
    }
    Some(verdict)
}

/// The webhooks the scenario's receiver got, by event name, with the status it answered.
fn deliveries(world: &PaymentWorld) -> Vec<(String, u16)> {
    let received = world.receiver().map(|r| r.server.received()).unwrap_or_default();
    received
        .into_iter()
        .map(|d| {
            let body: Value = serde_json::from_slice(&d.body).unwrap_or_default();
            (body["name"].as_str().unwrap_or("(unreadable)").to_owned(), d.status)
        })
        .collect()
}
