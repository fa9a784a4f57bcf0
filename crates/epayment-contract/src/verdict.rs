//! What the harness finds once a scenario's steps have run: its exchanges checked against the
//! document and compared with its snapshot, and the webhooks its receiver got.

use std::path::{Path, PathBuf};

use cucumber::event::ScenarioFinished;
use cucumber::gherkin;
use serde_json::Value;

use crate::exchanges::{contract_violations, redacted};
use crate::record::{Problem, ProblemKind, ScenarioRecord, file_name};
use crate::snapshots::{check_snapshot, snapshot_diff, snapshot_name};
use crate::world::PaymentWorld;

/// A scenario's verdict, to be added to its record.
#[derive(Debug)]
pub struct Verdict {
    /// The feature's file name, as records are keyed.
    pub file: String,
    /// The scenario's line, as records are keyed.
    pub line: usize,
    /// Snapshot and contract failures.
    pub problems: Vec<Problem>,
    /// The exchanges as the snapshot shows them.
    pub exchanges: Value,
    /// The webhooks the receiver got: (event name, the status it answered).
    pub deliveries: Vec<(String, u16)>,
}

impl Verdict {
    /// Adds the verdict to the scenario's record.
    pub fn apply(self, record: &mut ScenarioRecord) {
        record.problems.extend(self.problems);
        record.exchanges = self.exchanges;
        record.deliveries = self.deliveries;
    }
}

/// Judges a scenario that ran on the simulator (`None` for one that ran elsewhere, or whose
/// world could not be made): its exchanges against the document, and, when its steps passed,
/// against its snapshot in `snapshots`.
pub fn judge(
    snapshots: &Path,
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    finished: &ScenarioFinished,
    world: Option<&PaymentWorld>,
) -> Option<Verdict> {
    let world = world?;
    let sim = world.sim.as_ref()?;
    let exchanges = sim.take_exchanges();
    let file = file_name(feature);
    let place = format!("{file} / {}", scenario.name);
    let mut problems: Vec<Problem> = contract_violations(&exchanges)
        .into_iter()
        .map(|v| Problem {
            kind: ProblemKind::Contract,
            message: format!("{place}: contract: {v}"),
            diff: None,
            exchange: Some(v.exchange),
        })
        .collect();
    let value = redacted(&exchanges, &world.written_keys);
    if matches!(finished, ScenarioFinished::StepPassed) {
        let outline = (!scenario.examples.is_empty()).then_some(scenario.position.line);
        let path = feature.path.clone().unwrap_or_else(|| PathBuf::from("feature"));
        let name = snapshot_name(&path, &scenario.name, outline);
        if let Err(why) = check_snapshot(snapshots, &name, &value, &place) {
            problems.push(Problem {
                kind: ProblemKind::Snapshot,
                message: format!("{place}: snapshot {name}: {why}"),
                diff: snapshot_diff(snapshots, &name, &value),
                exchange: None,
            });
        }
    }
    Some(Verdict { file, line: scenario.position.line, problems, exchanges: value, deliveries: deliveries(world) })
}

/// The webhooks the scenario's receiver got, by event name, with the status it answered.
fn deliveries(world: &PaymentWorld) -> Vec<(String, u16)> {
    let received = world.receiver.as_ref().map(|r| r.server.received()).unwrap_or_default();
    received
        .into_iter()
        .map(|d| {
            let body: Value = serde_json::from_slice(&d.body).unwrap_or_default();
            (body["name"].as_str().unwrap_or("(unreadable)").to_owned(), d.status)
        })
        .collect()
}
