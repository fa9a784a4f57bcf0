//! `messages.ndjson`: Cucumber Messages (<https://github.com/cucumber/messages>), one envelope a
//! line, as cucumber's HTML formatter, its JUnit formatter and ReportPortal read them.
//!
//! In order: `meta`; per feature file its `source`, `gherkinDocument` and a `pickle` per
//! scenario run (an outline's row is one, pointing at its row); the harness's two hooks (its
//! setting up, and its verdict after the steps: snapshot and contract); then the run:
//! `testRunStarted`, per scenario its `testCase`, `testCaseStarted`, each step's
//! `testStepStarted`, its exchanges as `attachment`s, `testStepFinished`, then
//! `testCaseFinished`, and `testRunFinished`. Times are cucumber's events' (a scenario left out
//! of the run gets the run's start and no time).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::gherkin_document::{document, node_id, step_type, tag_id};
use super::source::{Found, Source};
use super::{Attachment, Status, is_setup, source_of, status, step_message, verdict_message};
use crate::reports::record::ScenarioRecord;

/// The id of the harness's hook that sets a scenario up.
const SETUP: &str = "setup";
/// The id of the harness's hook that judges a scenario after its steps.
const VERDICT: &str = "verdict";

/// The whole file; `attached` holds each record's steps' exchanges.
pub fn ndjson(records: &[ScenarioRecord], attached: &[Vec<Vec<Attachment>>], sources: &[Source]) -> String {
    let mut out = Lines::default();
    out.push(json!({ "meta": meta() }));
    for source in sources {
        out.push(json!({ "source": {
            "uri": source.uri,
            "data": source.text,
            "mediaType": "text/x.cucumber.gherkin+plain",
        }}));
        out.push(json!({ "gherkinDocument": document(source) }));
        for record in records.iter().filter(|r| r.file == source.file) {
            out.push(json!({ "pickle": pickle(record, source) }));
        }
    }
    out.push(json!({ "hook": { "id": SETUP, "name": "the harness sets the scenario up", "type": "BEFORE_TEST_CASE", "sourceReference": {} } }));
    out.push(json!({ "hook": { "id": VERDICT, "name": "the harness's verdict: snapshot and contract", "type": "AFTER_TEST_CASE", "sourceReference": {} } }));
    let run_start = records.iter().filter_map(|r| r.started).min().unwrap_or_else(SystemTime::now);
    out.push(json!({ "testRunStarted": { "id": "run", "timestamp": timestamp(run_start) } }));
    let mut run_end = run_start;
    for (record, attached) in records.iter().zip(attached) {
        let source = source_of(sources, record);
        let end = test_case(&mut out, record, attached, source, run_start);
        run_end = run_end.max(end);
    }
    let success = records.iter().all(ScenarioRecord::passed);
    out.push(json!({ "testRunFinished": { "success": success, "timestamp": timestamp(run_end), "testRunStartedId": "run" } }));
    out.0
}

/// The envelopes, a line each.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn push(&mut self, envelope: Value) {
        self.0.push_str(&envelope.to_string());
        self.0.push('\n');
    }
}

fn meta() -> Value {
    json!({
        "protocolVersion": "27.0.0",
        "implementation": { "name": "epayment-contract", "version": env!("CARGO_PKG_VERSION") },
        "runtime": { "name": "rust" },
        "os": { "name": std::env::consts::OS },
        "cpu": { "name": std::env::consts::ARCH },
    })
}

fn pickle_id(record: &ScenarioRecord) -> String {
    format!("pickle:{}:{}", record.file, record.line)
}

fn case_id(record: &ScenarioRecord) -> String {
    format!("case:{}:{}", record.file, record.line)
}

/// The scenario as it ran: its steps with the outline's values in, and its tags (the feature's,
/// the rule's, its own and its Examples').
fn pickle(record: &ScenarioRecord, source: &Source) -> Value {
    let uri = source.uri.as_str();
    let found = source.find(record);
    let row_id = found.as_ref().and_then(|f| f.row).map(|_| node_id(uri, record.line));
    let steps: Vec<Value> = (0..record.steps.len())
        .filter(|&i| !is_setup(Some(source), record, i))
        .map(|i| {
            let step = &record.steps[i];
            let written = source.step(step.line);
            let keyword = written.map_or("", |s| s.keyword.trim());
            let text = step.text.strip_prefix(keyword).unwrap_or(&step.text).trim_start();
            let mut ast = vec![node_id(uri, step.line)];
            ast.extend(row_id.clone());
            let mut value = json!({ "id": format!("{}:{i}", pickle_id(record)), "text": text, "astNodeIds": ast });
            if let Some(written) = written {
                value["type"] = json!(step_type(written));
            }
            value
        })
        .collect();
    let mut ast = vec![node_id(uri, found.as_ref().map_or(record.line, |f| f.scenario.position.line))];
    ast.extend(row_id);
    json!({
        "id": pickle_id(record),
        "uri": uri,
        "location": { "line": record.line },
        "name": record.scenario,
        "language": "en",
        "steps": steps,
        "tags": pickle_tags(record, source, found.as_ref()),
        "astNodeIds": ast,
    })
}

fn pickle_tags(record: &ScenarioRecord, source: &Source, found: Option<&Found<'_>>) -> Vec<Value> {
    let uri = source.uri.as_str();
    let f = &source.feature;
    let mut owned: Vec<(usize, &String)> = f.tags.iter().map(|t| (f.position.line, t)).collect();
    match found {
        Some(found) => {
            owned.extend(found.rule.iter().flat_map(|r| r.tags.iter().map(|t| (r.position.line, t))));
            owned.extend(found.scenario.tags.iter().map(|t| (found.scenario.position.line, t)));
            owned.extend(found.row.iter().flat_map(|(e, _)| e.tags.iter().map(|t| (e.position.line, t))));
        }
        None => owned.extend(record.tags.iter().map(|t| (record.line, t))),
    }
    owned
        .into_iter()
        .map(|(line, name)| json!({ "name": super::source::tag(name), "astNodeId": tag_id(uri, line, name) }))
        .collect()
}

/// A scenario's test case and its run; returns when it ended.
fn test_case(
    out: &mut Lines,
    record: &ScenarioRecord,
    attached: &[Vec<Attachment>],
    source: Option<&Source>,
    run_start: SystemTime,
) -> SystemTime {
    let case = case_id(record);
    let step_id = |i: usize| format!("{case}:{i}");
    let mut steps: Vec<Value> = (0..record.steps.len())
        .map(|i| match is_setup(source, record, i) {
            true => json!({ "id": step_id(i), "hookId": SETUP }),
            false => json!({
                "id": step_id(i),
                "pickleStepId": format!("{}:{i}", pickle_id(record)),
                "stepDefinitionIds": [],
                "stepMatchArgumentsLists": [],
            }),
        })
        .collect();
    let judged = !record.not_run;
    if judged {
        steps.push(json!({ "id": format!("{case}:{VERDICT}"), "hookId": VERDICT }));
    }
    out.push(json!({ "testCase": { "id": case, "pickleId": pickle_id(record), "testSteps": steps, "testRunStartedId": "run" } }));
    let started_id = format!("started:{}:{}", record.file, record.line);
    let mut now = record.started.unwrap_or(run_start);
    // The last attempt's steps are the ones kept; its number says how many came before it.
    let attempt = record.earlier_attempts.len();
    out.push(json!({ "testCaseStarted": { "id": started_id, "testCaseId": case, "attempt": attempt, "timestamp": timestamp(now) } }));
    for i in 0..record.steps.len() {
        let run = record.step_runs.get(i);
        let start = run.and_then(|r| r.started).unwrap_or(now);
        let took = run.map_or(Duration::ZERO, |r| r.duration);
        let id = step_id(i);
        out.push(json!({ "testStepStarted": { "testCaseStartedId": started_id, "testStepId": id, "timestamp": timestamp(start) } }));
        for a in attached.get(i).into_iter().flatten() {
            out.push(json!({ "attachment": {
                "testCaseStartedId": started_id,
                "testStepId": id,
                "body": a.body,
                "contentEncoding": "IDENTITY",
                "mediaType": "application/json",
                "fileName": a.file_name,
                "timestamp": timestamp(start + took),
            }}));
        }
        now = start + took;
        let result = result(status(record, i), step_message(record, i), took);
        out.push(json!({ "testStepFinished": { "testCaseStartedId": started_id, "testStepId": id, "testStepResult": result, "timestamp": timestamp(now) } }));
    }
    if judged {
        let id = format!("{case}:{VERDICT}");
        let verdict = verdict_message(record);
        let verdict_status = if verdict.is_some() { Status::Failed } else { Status::Passed };
        out.push(json!({ "testStepStarted": { "testCaseStartedId": started_id, "testStepId": id, "timestamp": timestamp(now) } }));
        let result = result(verdict_status, verdict, Duration::ZERO);
        out.push(json!({ "testStepFinished": { "testCaseStartedId": started_id, "testStepId": id, "testStepResult": result, "timestamp": timestamp(now) } }));
    }
    out.push(json!({ "testCaseFinished": { "testCaseStartedId": started_id, "timestamp": timestamp(now), "willBeRetried": false } }));
    now
}

fn result(status: Status, message: Option<String>, took: Duration) -> Value {
    let name = match status {
        Status::Passed => "PASSED",
        Status::Failed => "FAILED",
        Status::Skipped => "SKIPPED",
        Status::Undefined => "UNDEFINED",
        Status::Ambiguous => "AMBIGUOUS",
    };
    let mut value = json!({ "status": name, "duration": duration(took) });
    if let Some(message) = message {
        value["message"] = json!(message);
    }
    value
}

fn duration(d: Duration) -> Value {
    json!({ "seconds": d.as_secs(), "nanos": d.subsec_nanos() })
}

fn timestamp(at: SystemTime) -> Value {
    duration(at.duration_since(UNIX_EPOCH).unwrap_or_default())
}
