//! `report.html`: a run as a page people can look at. One self-contained file (no network, no
//! CDN; its text literal UTF-8): features, their rules and scenarios with their status (an
//! outline's example row shown); each step with the exchanges it made, the bodies a click
//! away; a failed scenario's reason on top, linked to the exchange its failing step looked at
//! (marked), then a sequence diagram of everything in order (the clock, the customer and
//! faults included); snapshot changes and contract violations where they happened.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde_json::{Value, json};

use crate::reports::coverage::Coverage;
use crate::reports::record::{ProblemKind, ScenarioRecord, StepStatus};
use crate::reports::text;
use crate::reports::xml::xml as escape;

mod assets;
mod rules;

/// What a comparison (`--compare`) shows above the target's run.
#[derive(Clone, Debug, Default)]
pub struct Comparing {
    /// The page's title and heading, naming both sides.
    pub title: String,
    /// A sentence on what the page shows.
    pub about: String,
    /// The comparison's counts, a line each.
    pub summary: Vec<String>,
    /// The scenarios not compared (place and name), each with why.
    pub not_compared: Vec<(String, String)>,
}

/// The report for `records`.
pub fn report(records: &[ScenarioRecord]) -> String {
    text(|out| page(out, records, None, None))
}

/// The report of a mutation run: the rule coverage on top, then the unmutated run's `records`.
pub fn with_rules(records: &[ScenarioRecord], coverage: &Coverage) -> String {
    text(|out| page(out, records, None, Some(coverage)))
}

/// The report of the target's side of a comparison: headed as one, with its counts and what
/// was not compared, then `records` (each with what differs from the simulator).
pub fn compared(records: &[ScenarioRecord], comparing: &Comparing) -> String {
    text(|out| page(out, records, Some(comparing), None))
}

fn page(
    out: &mut String,
    records: &[ScenarioRecord],
    comparing: Option<&Comparing>,
    coverage: Option<&Coverage>,
) -> fmt::Result {
    let failed = records.iter().filter(|r| !r.passed()).count();
    let title = comparing.map_or("Contract run", |c| c.title.as_str());
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    write!(out, "<title>{}</title>\n<style>", escape(title))?;
    out.push_str(assets::STYLE);
    writeln!(out, "</style>\n</head>\n<body>\n<h1>{}</h1>", escape(title))?;
    if let Some(c) = comparing {
        comparison(out, c)?;
    }
    if let Some(coverage) = coverage {
        rules::section(out, coverage)?;
    }
    writeln!(
        out,
        "<p class=\"summary\"><span id=\"passed\">{} passed</span><span id=\"failed\">{failed} failed</span><span>{} scenarios</span></p>",
        records.len() - failed,
        records.len()
    )?;
    let mut features: BTreeMap<(&str, &str), Vec<(usize, &ScenarioRecord)>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        features.entry((&r.file, &r.feature)).or_default().push((i, r));
    }
    for ((file, feature), scenarios) in features {
        writeln!(out, "<h2>{} <small>{}</small></h2>", escape(feature), escape(file))?;
        let mut rule: Option<&str> = None;
        for (i, r) in scenarios {
            if r.rule.as_deref() != rule {
                rule = r.rule.as_deref();
                if let Some(name) = rule {
                    writeln!(out, "<h3 class=\"rule\">Rule: {}</h3>", escape(name))?;
                }
            }
            scenario(out, i, r)?;
        }
    }
    out.push_str("<script>");
    out.push_str(assets::SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    Ok(())
}

/// A comparison's summary and what it did not compare, above the target's run.
fn comparison(out: &mut String, c: &Comparing) -> fmt::Result {
    write!(out, "<section class=\"comparison\"><p>{}</p><ul>", escape(&c.about))?;
    for line in &c.summary {
        write!(out, "<li>{}</li>", escape(line.trim_start()))?;
    }
    out.push_str("</ul>");
    if !c.not_compared.is_empty() {
        write!(out, "<details><summary>Not compared: {} scenario(s)</summary><ul>", c.not_compared.len())?;
        for (scenario, why) in &c.not_compared {
            write!(out, "<li>{}: {}</li>", escape(scenario), escape(why))?;
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</section>\n<h2>The target's run</h2>\n");
    Ok(())
}

/// Scenario `i`'s box.
fn scenario(out: &mut String, i: usize, r: &ScenarioRecord) -> fmt::Result {
    let (class, open) = if r.passed() { ("passed", "") } else { ("failed", " open") };
    let status = if r.passed_on_retry() { "passed on a retry" } else { class };
    writeln!(
        out,
        "<details class=\"scenario {class}\"{open} id=\"s{i}\" data-scenario=\"{}\">\n<summary><span class=\"status\">{status}</span> {} <small title=\"{:.3} s\">line {}</small></summary>",
        escape(&r.scenario),
        escape(&r.scenario),
        r.timeline.duration.as_secs_f64(),
        r.line
    )?;
    if let Some((header, row)) = &r.example {
        out.push_str("<table class=\"example\"><tr>");
        for name in header {
            write!(out, "<th>{}</th>", escape(name))?;
        }
        out.push_str("</tr><tr>");
        for value in row {
            write!(out, "<td>{}</td>", escape(value))?;
        }
        out.push_str("</tr></table>\n");
    }
    failure(out, i, r)?;
    differences(out, r)?;
    writeln!(out, "<div class=\"diagram\" data-timeline=\"{}\"></div>", escape(&timeline(r).to_string()))?;
    if let Some(path) = &r.snapshot_written {
        writeln!(out, "<p class=\"written\">New snapshot written for review: {}</p>", escape(path))?;
    }
    if let Some(attempts) = r.attempts_sentence() {
        writeln!(out, "<p class=\"written\">Retried: {}</p>", escape(&attempts))?;
    }
    out.push_str("<ol class=\"steps\">\n");
    let mut listed = 0;
    for (index, s) in r.steps.iter().enumerate() {
        let class = match s.status {
            StepStatus::Passed => "step-passed",
            StepStatus::Failed => "step-failed",
            StepStatus::Skipped => "step-skipped",
        };
        write!(out, "<li class=\"{class}\"><span class=\"text\">{}</span>", escape(&s.text))?;
        if let Some(error) = s.error.as_deref().filter(|_| s.status != StepStatus::Passed) {
            write!(out, "<pre class=\"error\">{}</pre>", escape(error))?;
        }
        for n in r.exchanges_of(index) {
            exchange(out, i, n, r)?;
            listed += 1;
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    if listed < r.exchange_count() {
        // Exchanges of no step the report lists (a scenario whose setup failed).
        for n in (1..=r.exchange_count()).filter(|n| r.timeline.made_by.get(n - 1).is_none_or(|s| *s >= r.steps.len()))
        {
            exchange(out, i, n, r)?;
        }
    }
    problems(out, i, r)?;
    out.push_str("</details>\n");
    Ok(())
}

/// A failed scenario's reason on top, with the exchanges its failing step looked at.
fn failure(out: &mut String, i: usize, r: &ScenarioRecord) -> fmt::Result {
    let Some(reason) = r.failure() else { return Ok(()) };
    write!(out, "<div class=\"failure\"><p>{}</p>", escape(&reason))?;
    for (index, _) in r.steps.iter().enumerate() {
        for n in r.looked_at(index) {
            write!(
                out,
                "<p>The step looked at <a href=\"#s{i}-x{n}\">exchange {}</a>.</p>",
                escape(&r.exchange_line(*n))
            )?;
        }
    }
    out.push_str("</div>\n");
    Ok(())
}

/// What differs from the simulator (`--compare`), each with its FIDELITY.md row, then both
/// sides of every exchange that differs, side by side.
fn differences(out: &mut String, r: &ScenarioRecord) -> fmt::Result {
    let Some(c) = r.comparison.as_ref().filter(|c| !c.differences.is_empty()) else { return Ok(()) };
    write!(out, "<div class=\"differences\"><p>{} difference(s) from the simulator</p><ul>", c.differences.len())?;
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    for d in &c.differences {
        let field = d.field.as_deref().map(|f| format!(" at {f}")).unwrap_or_default();
        let rule = d.rule.as_deref().map(|r| format!(" (FIDELITY.md {r})")).unwrap_or_default();
        let role = if d.follows { "follows from the cause: " } else { "cause: " };
        write!(
            out,
            "<li>{}{} {}{}{}: simulator <code>{}</code>, target <code>{}</code></li>",
            role,
            escape(d.kind.label()),
            escape(&d.operation),
            escape(&field),
            escape(&rule),
            escape(&d.simulator),
            escape(&d.target)
        )?;
        if d.exchange != (None, None) && !pairs.contains(&d.exchange) {
            pairs.push(d.exchange);
        }
    }
    out.push_str("</ul>");
    let pretty = |v: Option<&Value>| {
        v.map_or_else(|| "no such exchange".to_owned(), |v| serde_json::to_string_pretty(v).unwrap_or_default())
    };
    for (a, b) in pairs {
        let side = |list: &'_ Vec<Value>, n: Option<usize>| n.and_then(|n| list.get(n - 1)).cloned();
        let number = |n: Option<usize>| n.map(|n| format!(", exchange {n}")).unwrap_or_default();
        write!(
            out,
            "<div class=\"sides\"><div><p>simulator{}</p><pre>{}</pre></div><div><p>target{}</p><pre>{}</pre></div></div>",
            number(a),
            escape(&pretty(side(&c.simulator, a).as_ref())),
            number(b),
            escape(&pretty(side(&c.target, b).as_ref()))
        )?;
    }
    out.push_str("</div>\n");
    Ok(())
}

/// Exchange `n`, its bodies a click away; open when it is broken or what the failing step
/// looked at.
fn exchange(out: &mut String, i: usize, n: usize, r: &ScenarioRecord) -> fmt::Result {
    let violations: Vec<&str> = r
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Contract && p.exchange == Some(n))
        .map(|p| p.message.as_str())
        .collect();
    let looked = r.steps.iter().enumerate().any(|(index, _)| r.looked_at(index).contains(&n));
    let class = match (violations.is_empty(), looked) {
        (false, _) => " broken",
        (true, true) => " looked-at",
        (true, false) => "",
    };
    let open = if class.is_empty() { "" } else { " open" };
    writeln!(
        out,
        "<details class=\"exchange{class}\"{open} id=\"s{i}-x{n}\"><summary>{}</summary>",
        escape(&r.exchange_line(n))
    )?;
    for v in violations {
        writeln!(out, "<div class=\"problem contract\">{}</div>", escape(v))?;
    }
    let e = &r.exchanges[n - 1];
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    writeln!(out, "<p>request</p><pre>{}</pre>", escape(&pretty(&e["request"])))?;
    writeln!(out, "<p>answer</p><pre>{}</pre>", escape(&pretty(&e["response"])))?;
    out.push_str("</details>\n");
    Ok(())
}

/// Snapshot problems, with the values that changed and the whole diff a click away; contract
/// violations linked to their exchange.
fn problems(out: &mut String, i: usize, r: &ScenarioRecord) -> fmt::Result {
    for p in &r.problems {
        write!(out, "<div class=\"problem {}\"><p>{}", kind(p.kind), escape(&p.message))?;
        if let Some(n) = p.exchange {
            write!(out, " (<a href=\"#s{i}-x{n}\">exchange {n}</a>)")?;
        }
        out.push_str("</p>");
        if !p.changes.is_empty() {
            out.push_str("<ul>");
            for change in &p.changes {
                write!(out, "<li>{}</li>", escape(change))?;
            }
            out.push_str("</ul>");
        }
        if let Some(diff) = &p.diff {
            out.push_str("<details><summary>the whole diff</summary><pre class=\"diff\">");
            for line in diff.lines() {
                let class = match line.chars().next() {
                    Some('+') => "diff-add",
                    Some('-') => "diff-del",
                    _ => "",
                };
                writeln!(out, "<span class=\"{class}\">{}</span>", escape(line))?;
            }
            out.push_str("</pre></details>");
        }
        out.push_str("</div>\n");
    }
    Ok(())
}

fn kind(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::Snapshot => "snapshot",
        ProblemKind::Contract => "contract",
    }
}

/// The diagram's items in the order they happened: each exchange (only its method, path and
/// status: the bodies are in the page once, above), each note and webhook delivery where it
/// fell among them (deliveries at the end only for a trail that did not draw them).
fn timeline(r: &ScenarioRecord) -> Value {
    let broken: Vec<usize> = r.problems.iter().filter_map(|p| p.exchange).collect();
    let looked: Vec<usize> = (0..r.steps.len()).flat_map(|index| r.looked_at(index).to_vec()).collect();
    let mut items = Vec::new();
    let note = |n: &crate::world::trail::Note| match n.status {
        Some(status) => json!({"delivery": n.text, "status": status}),
        None => json!({"note": n.text, "kind": n.kind}),
    };
    for (index, e) in r.exchanges.as_array().into_iter().flatten().enumerate() {
        items.extend(r.timeline.notes.iter().filter(|n| n.after == index).map(note));
        let n = index + 1;
        items.push(json!({
            "n": n,
            "method": e["request"]["method"],
            "path": e["request"]["path"],
            "status": e["response"]["status"],
            "broken": broken.contains(&n),
            "looked": looked.contains(&n),
        }));
    }
    let count = r.exchange_count();
    items.extend(r.timeline.notes.iter().filter(|n| n.after >= count).map(note));
    // A trail that drew its deliveries where they happened has them already.
    if !r.timeline.notes.iter().any(|n| n.status.is_some()) {
        items.extend(r.deliveries.iter().map(|(name, status)| json!({"delivery": name, "status": status})));
    }
    Value::Array(items)
}

#[cfg(test)]
mod tests;
