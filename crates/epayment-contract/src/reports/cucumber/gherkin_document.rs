//! A feature file's `gherkinDocument` message (the Gherkin as written: rules, backgrounds,
//! outlines with their Examples), built from cucumber's parsed AST, and the ids by which pickles
//! and tags point into it.
//!
//! The ids are the file and line (`features/capture.feature:7`): every node the messages point
//! at starts a line of its own, and the same id comes out of a record without a lookup table.
//! The parser keeps no position for tags, cells or doc strings; they get their owner's line
//! (tags the line above it), which is where a reader shows them anyway.

use cucumber::gherkin::{self, StepType};
use serde_json::{Value, json};

use super::source::{Source, body_lines, tag};

/// The id of the node on `line` of `uri`.
pub fn node_id(uri: &str, line: usize) -> String {
    format!("{uri}:{line}")
}

/// The id of tag `name` of the node on `line` of `uri`.
pub fn tag_id(uri: &str, line: usize, name: &str) -> String {
    format!("{uri}:{line}:{}", tag(name))
}

/// The `gherkinDocument` message of `source`.
pub fn document(source: &Source) -> Value {
    let uri = source.uri.as_str();
    let f = &source.feature;
    let mut children: Vec<Value> = f.background.iter().map(|b| json!({ "background": background(uri, b) })).collect();
    children.extend(f.scenarios.iter().map(|s| json!({ "scenario": scenario(uri, s) })));
    children.extend(f.rules.iter().map(|r| json!({ "rule": rule(uri, r) })));
    json!({
        "uri": uri,
        "feature": {
            "location": location(f.position),
            "tags": tags(uri, &f.tags, f.position.line),
            "language": "en",
            "keyword": f.keyword,
            "name": f.name,
            "description": f.description.as_deref().unwrap_or_default(),
            "children": children,
        },
        "comments": [],
    })
}

fn rule(uri: &str, r: &gherkin::Rule) -> Value {
    let mut children: Vec<Value> = r.background.iter().map(|b| json!({ "background": background(uri, b) })).collect();
    children.extend(r.scenarios.iter().map(|s| json!({ "scenario": scenario(uri, s) })));
    json!({
        "id": node_id(uri, r.position.line),
        "location": location(r.position),
        "tags": tags(uri, &r.tags, r.position.line),
        "keyword": r.keyword,
        "name": r.name,
        "description": r.description.as_deref().unwrap_or_default(),
        "children": children,
    })
}

fn background(uri: &str, b: &gherkin::Background) -> Value {
    json!({
        "id": node_id(uri, b.position.line),
        "location": location(b.position),
        "keyword": b.keyword,
        "name": b.name,
        "description": b.description.as_deref().unwrap_or_default(),
        "steps": b.steps.iter().map(|s| step(uri, s)).collect::<Vec<_>>(),
    })
}

fn scenario(uri: &str, s: &gherkin::Scenario) -> Value {
    json!({
        "id": node_id(uri, s.position.line),
        "location": location(s.position),
        "tags": tags(uri, &s.tags, s.position.line),
        "keyword": s.keyword,
        "name": s.name,
        "description": s.description.as_deref().unwrap_or_default(),
        "steps": s.steps.iter().map(|st| step(uri, st)).collect::<Vec<_>>(),
        "examples": s.examples.iter().map(|e| examples(uri, e)).collect::<Vec<_>>(),
    })
}

fn examples(uri: &str, e: &gherkin::Examples) -> Value {
    let rows = e.table.as_ref().map(|t| t.rows.as_slice()).unwrap_or_default();
    let header_line = e.position.line + 1;
    let mut value = json!({
        "id": node_id(uri, e.position.line),
        "location": location(e.position),
        "tags": tags(uri, &e.tags, e.position.line),
        "keyword": e.keyword,
        "name": e.name.as_deref().unwrap_or_default(),
        "description": e.description.as_deref().unwrap_or_default(),
        "tableBody": rows.iter().skip(1).zip(body_lines(e)).map(|(r, line)| row(uri, r, line)).collect::<Vec<_>>(),
    });
    if let Some(header) = rows.first() {
        value["tableHeader"] = row(uri, header, header_line);
    }
    value
}

fn row(uri: &str, cells: &[String], line: usize) -> Value {
    json!({
        "id": node_id(uri, line),
        "location": { "line": line },
        "cells": cells.iter().map(|c| json!({ "location": { "line": line }, "value": c })).collect::<Vec<_>>(),
    })
}

fn step(uri: &str, s: &gherkin::Step) -> Value {
    let mut value = json!({
        "id": node_id(uri, s.position.line),
        "location": location(s.position),
        "keyword": s.keyword,
        "keywordType": keyword_type(s),
        "text": s.value,
    });
    let below = s.position.line + 1;
    if let Some(content) = &s.docstring {
        value["docString"] = json!({ "location": { "line": below }, "content": content, "delimiter": "\"\"\"" });
    }
    if let Some(table) = &s.table {
        let rows = table.rows.iter().enumerate().map(|(i, r)| row(uri, r, table.position.line + i));
        value["dataTable"] = json!({ "location": location(table.position), "rows": rows.collect::<Vec<_>>() });
    }
    value
}

/// The keyword's kind: a conjunction (`And`, `But`, `*`) continues the step before it.
fn keyword_type(s: &gherkin::Step) -> &'static str {
    match s.keyword.trim() {
        "And" | "But" | "*" => "Conjunction",
        _ => step_type(s),
    }
}

/// What the step is, conjunctions resolved (as pickles name it).
pub fn step_type(s: &gherkin::Step) -> &'static str {
    match s.ty {
        StepType::Given => "Context",
        StepType::When => "Action",
        StepType::Then => "Outcome",
    }
}

fn tags(uri: &str, names: &[String], line: usize) -> Vec<Value> {
    let above = line.saturating_sub(1).max(1);
    names.iter().map(|n| json!({ "id": tag_id(uri, line, n), "location": { "line": above }, "name": tag(n) })).collect()
}

fn location(at: gherkin::LineCol) -> Value {
    json!({ "line": at.line, "column": at.col })
}
