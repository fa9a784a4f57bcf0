//! `cucumber.json`: the Cucumber JSON format (<https://github.com/cucumber/cucumber-json-schema>),
//! the one Xray's Cucumber import, Allure and Jenkins' cucumber reports read.
//!
//! One feature per file, one element per scenario (an outline's row is one, `;;N` in its id as
//! cucumber-jvm writes it), its steps with status, duration in nanoseconds, the error and each
//! exchange the step made as an `application/json` embedding. The format has no rules and no
//! Examples rows of its own: a scenario's rule and row are in its description, and its tags are
//! the feature's, the rule's and its own, as cucumber-jvm flattens them. The harness's verdict
//! after the steps (snapshot, contract) is an `after` hook's result.

use base64::Engine as _;
use serde_json::{Value, json};

use super::source::{Found, Source, tag};
use super::{Attachment, Status, is_setup, source_of, status, step_message, verdict_message};
use crate::reports::record::ScenarioRecord;

/// The whole file, one feature per feature file that has records, in the records' order;
/// `attached` holds each record's steps' exchanges.
pub fn json(records: &[ScenarioRecord], attached: &[Vec<Vec<Attachment>>], sources: &[Source]) -> String {
    let mut features: Vec<(String, Value)> = Vec::new();
    for (record, attached) in records.iter().zip(attached) {
        let source = source_of(sources, record);
        let element = element(record, attached, source);
        match features.iter_mut().find(|(file, _)| *file == record.file) {
            Some((_, feature)) => push(feature, element),
            None => {
                let mut feature = feature(record, source);
                push(&mut feature, element);
                features.push((record.file.clone(), feature));
            }
        }
    }
    let all: Vec<Value> = features.into_iter().map(|(_, f)| f).collect();
    serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".to_owned())
}

fn push(feature: &mut Value, element: Value) {
    if let Some(elements) = feature["elements"].as_array_mut() {
        elements.push(element);
    }
}

/// A feature, without its elements.
fn feature(record: &ScenarioRecord, source: Option<&Source>) -> Value {
    let f = source.map(|s| &s.feature);
    let line = f.map_or(1, |f| f.position.line);
    json!({
        "uri": source.map_or(record.path.as_str(), |s| s.uri.as_str()),
        "id": slug(&record.feature),
        "keyword": f.map_or("Feature", |f| f.keyword.as_str()),
        "name": record.feature,
        "description": f.and_then(|f| f.description.as_deref()).unwrap_or_default(),
        "line": line,
        "tags": tags(f.map(|f| f.tags.as_slice()).unwrap_or_default().iter(), line),
        "elements": [],
    })
}

/// A scenario (or an outline's row) with its steps and the verdict.
fn element(record: &ScenarioRecord, attached: &[Vec<Attachment>], source: Option<&Source>) -> Value {
    let found = source.and_then(|s| s.find(record));
    let feature_tags = source.map(|s| s.feature.tags.as_slice()).unwrap_or_default();
    let rule_tags = found.as_ref().and_then(|f| f.rule).map(|r| r.tags.as_slice()).unwrap_or_default();
    let all_tags = feature_tags.iter().chain(rule_tags).chain(&record.tags);
    let mut id = slug(&record.feature);
    if let Some(rule) = &record.rule {
        id = format!("{id};{}", slug(rule));
    }
    id = format!("{id};{}", slug(&record.scenario));
    if let Some(Found { row: Some((_, index)), .. }) = &found {
        id = format!("{id};;{}", index + 2);
    }
    let mut element = json!({
        "id": id,
        "keyword": found.as_ref().map_or("Scenario", |f| f.scenario.keyword.as_str()),
        "type": "scenario",
        "name": record.scenario,
        "description": description(record, found.as_ref()),
        "line": record.line,
        "tags": tags(all_tags, record.line),
        "steps": steps(record, attached, source),
    });
    if let Some(started) = record.started {
        element["start_timestamp"] = json!(chrono::DateTime::<chrono::Utc>::from(started).to_rfc3339());
    }
    let hooks: Vec<Value> = (0..record.steps.len())
        .filter(|&i| is_setup(source, record, i))
        .map(|i| hook(status(record, i), step_message(record, i), duration(record, i)))
        .collect();
    if !hooks.is_empty() {
        element["before"] = json!(hooks);
    }
    if record.not_run {
        return element;
    }
    let verdict = verdict_message(record);
    let verdict_status = if verdict.is_some() { Status::Failed } else { Status::Passed };
    element["after"] = json!([hook(verdict_status, verdict, 0)]);
    element
}

/// The scenario's rule, its Examples row and its own description, for a format without them.
fn description(record: &ScenarioRecord, found: Option<&Found<'_>>) -> String {
    let mut lines = Vec::new();
    if let Some(rule) = found.and_then(|f| f.rule) {
        lines.push(format!("{}: {}", rule.keyword.trim(), rule.name));
    }
    if let (Some((header, row)), Some(Found { row: Some((examples, _)), .. })) = (&record.example, found) {
        let values: Vec<String> = header.iter().zip(row).map(|(h, v)| format!("{h} = {v}")).collect();
        lines.push(format!("{}: {}", examples.keyword.trim(), values.join(", ")));
    }
    if let Some(own) = found.and_then(|f| f.scenario.description.as_deref()) {
        lines.push(own.trim().to_owned());
    }
    lines.join("\n")
}

/// The steps of the file (the harness's setting up is a `before` hook).
fn steps(record: &ScenarioRecord, attached: &[Vec<Attachment>], source: Option<&Source>) -> Vec<Value> {
    (0..record.steps.len())
        .filter(|&i| !is_setup(source, record, i))
        .map(|i| {
            let step = &record.steps[i];
            let keyword = source.and_then(|s| s.step(step.line)).map(|s| s.keyword.trim().to_owned());
            let keyword = keyword.unwrap_or_else(|| step.text.split(' ').next().unwrap_or_default().to_owned());
            let name = step.text.strip_prefix(keyword.as_str()).unwrap_or(&step.text).trim_start();
            let embeddings: Vec<Value> = attached
                .get(i)
                .into_iter()
                .flatten()
                .map(|a| {
                    json!({
                        "mime_type": "application/json",
                        "name": a.name,
                        "data": base64::engine::general_purpose::STANDARD.encode(&a.body),
                    })
                })
                .collect();
            let mut value = json!({
                "keyword": format!("{keyword} "),
                "name": name,
                "line": step.line,
                "match": { "location": format!("{}:{}", record.file, step.line) },
                "result": result(status(record, i), step_message(record, i), duration(record, i)),
            });
            if !embeddings.is_empty() {
                value["embeddings"] = json!(embeddings);
            }
            value
        })
        .collect()
}

fn hook(status: Status, message: Option<String>, nanos: u128) -> Value {
    json!({ "match": { "location": "epayment-contract" }, "result": result(status, message, nanos) })
}

fn result(status: Status, message: Option<String>, nanos: u128) -> Value {
    let mut result = json!({ "status": name(status), "duration": nanos });
    if let Some(message) = message {
        result["error_message"] = json!(message);
    }
    result
}

/// Step `index`'s time in nanoseconds.
fn duration(record: &ScenarioRecord, index: usize) -> u128 {
    record.step_runs.get(index).map_or(0, |r| r.duration.as_nanos())
}

fn name(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Skipped => "skipped",
        Status::Undefined => "undefined",
        Status::Ambiguous => "ambiguous",
    }
}

fn tags<'a>(names: impl Iterator<Item = &'a String>, line: usize) -> Vec<Value> {
    names.map(|n| json!({ "name": tag(n), "line": line })).collect()
}

/// An id as cucumber writes them: lowercase, spaces as dashes.
fn slug(text: &str) -> String {
    text.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("-").replace(';', "")
}
