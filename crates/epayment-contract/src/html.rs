//! `report.html`: a run as a page people can look at. One self-contained file (no network, no
//! CDN; its text literal UTF-8): features and scenarios with their status, each scenario's
//! exchanges as a sequence diagram (client, API, webhook receiver) drawn by a small inline
//! script, the bodies a click away, and a failed scenario's snapshot diff or contract
//! violation where it happened.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::record::{ProblemKind, ScenarioRecord, StepStatus};
use crate::xml::xml as escape;

const STYLE: &str = r#"
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.summary span { margin-right: 1.5em; font-weight: 600; }
.passed > summary .status { color: #17692b; } .failed > summary .status { color: #b3261e; }
details.scenario { border: 1px solid #ddd; border-radius: 6px; margin: .6em 0; padding: .3em .8em; }
details.scenario.failed { border-color: #b3261e; }
details.scenario > summary { cursor: pointer; font-weight: 600; }
ol.steps { margin: .4em 0; } .step-failed { color: #b3261e; } .step-skipped { color: #888; }
.problem { background: #fdecea; border-left: 4px solid #b3261e; padding: .4em .8em; margin: .5em 0; }
pre { background: #f6f8fa; padding: .6em; overflow-x: auto; font-size: 12px; }
.diff-add { color: #17692b; } .diff-del { color: #b3261e; }
svg.sequence { display: block; margin: .6em 0; }
svg.sequence text { font: 12px system-ui, sans-serif; }
svg .lifeline { stroke: #999; stroke-dasharray: 4 3; } svg .actor { font-weight: 600; }
svg .arrow { stroke: #333; stroke-width: 1.4; } svg .arrow.broken { stroke: #b3261e; stroke-width: 2.2; }
svg .label.broken { fill: #b3261e; font-weight: 600; }
"#;

/// Draws each scenario's diagram from its `data-exchanges` JSON: a request arrow and an answer
/// arrow per exchange (red where the contract check found a violation), and a delivery arrow
/// and its answer per webhook.
const SCRIPT: &str = r#"
(function () {
  var NS = 'http://www.w3.org/2000/svg';
  var X = { client: 90, api: 380, receiver: 670 };
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  document.querySelectorAll('[data-exchanges]').forEach(function (holder) {
    var data = JSON.parse(holder.getAttribute('data-exchanges'));
    var rows = [];
    data.exchanges.forEach(function (ex, i) {
      var broken = data.broken.indexOf(i + 1) >= 0;
      rows.push({ from: 'client', to: 'api', label: (i + 1) + '. ' + ex[0] + ' ' + ex[1], broken: broken });
      rows.push({ from: 'api', to: 'client', label: ex[2] === 0 ? 'connection dropped' : String(ex[2]), broken: broken });
    });
    data.deliveries.forEach(function (d) {
      rows.push({ from: 'api', to: 'receiver', label: 'webhook ' + d[0], broken: false });
      rows.push({ from: 'receiver', to: 'api', label: String(d[1]), broken: false });
    });
    var height = 50 + rows.length * 34;
    var svg = el('svg', { 'class': 'sequence', width: 760, height: height, viewBox: '0 0 760 ' + height });
    var defs = el('defs', {});
    var marker = el('marker', { id: 'head', markerWidth: 10, markerHeight: 10, refX: 9, refY: 5, orient: 'auto', markerUnits: 'userSpaceOnUse' });
    marker.appendChild(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#333' }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    [['client', 'client'], ['api', 'ePayment API'], ['receiver', 'webhook receiver']].forEach(function (a) {
      svg.appendChild(el('text', { x: X[a[0]], y: 18, 'text-anchor': 'middle', 'class': 'actor' }, a[1]));
      svg.appendChild(el('line', { x1: X[a[0]], y1: 26, x2: X[a[0]], y2: height - 6, 'class': 'lifeline' }));
    });
    rows.forEach(function (r, i) {
      var y = 52 + i * 34;
      var cls = r.broken ? ' broken' : '';
      svg.appendChild(el('line', { x1: X[r.from], y1: y, x2: X[r.to], y2: y, 'class': 'arrow' + cls, 'marker-end': 'url(#head)' }));
      svg.appendChild(el('text', { x: (X[r.from] + X[r.to]) / 2, y: y - 6, 'text-anchor': 'middle', 'class': 'label' + cls }, r.label));
    });
    holder.appendChild(svg);
  });
})();
"#;

/// The report for `records`.
pub fn report(records: &[ScenarioRecord]) -> String {
    let failed = records.iter().filter(|r| !r.passed()).count();
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<title>Contract run</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>Contract run</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"summary\"><span id=\"passed\">{} passed</span><span id=\"failed\">{failed} failed</span><span>{} scenarios</span></p>",
        records.len() - failed,
        records.len()
    );
    let mut features: BTreeMap<(&str, &str), Vec<&ScenarioRecord>> = BTreeMap::new();
    for r in records {
        features.entry((&r.file, &r.feature)).or_default().push(r);
    }
    for ((file, feature), scenarios) in features {
        let _ = writeln!(out, "<h2>{} <small>{}</small></h2>", escape(feature), escape(file));
        for r in scenarios {
            scenario(&mut out, r);
        }
    }
    out.push_str("<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

fn scenario(out: &mut String, r: &ScenarioRecord) {
    let (class, status) = if r.passed() { ("passed", "passed") } else { ("failed", "failed") };
    let open = if r.passed() { "" } else { " open" };
    let _ = writeln!(
        out,
        "<details class=\"scenario {class}\"{open} data-scenario=\"{}\">\n<summary><span class=\"status\">{status}</span> {} <small>line {}</small></summary>",
        escape(&r.scenario),
        escape(&r.scenario),
        r.line
    );
    out.push_str("<ol class=\"steps\">\n");
    for s in &r.steps {
        let class = match s.status {
            StepStatus::Passed => "step-passed",
            StepStatus::Failed => "step-failed",
            StepStatus::Skipped => "step-skipped",
        };
        let _ = write!(out, "<li class=\"{class}\">{}", escape(&s.text));
        if let Some(error) = s.error.as_deref().filter(|_| s.status != StepStatus::Passed) {
            let _ = write!(out, "<pre>{}</pre>", escape(error));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    for p in r.problems.iter().filter(|p| p.kind == ProblemKind::Snapshot) {
        let _ = writeln!(out, "<div class=\"problem snapshot\"><p>{}</p>", escape(&p.message));
        if let Some(diff) = &p.diff {
            out.push_str("<pre class=\"diff\">");
            for line in diff.lines() {
                let class = match line.chars().next() {
                    Some('+') => "diff-add",
                    Some('-') => "diff-del",
                    _ => "",
                };
                let _ = writeln!(out, "<span class=\"{class}\">{}</span>", escape(line));
            }
            out.push_str("</pre>");
        }
        out.push_str("</div>\n");
    }
    let broken: Vec<usize> = r.problems.iter().filter_map(|p| p.exchange).collect();
    // The diagram needs only each exchange's method, path and status; the bodies are in the
    // page once, below it.
    let arrows: Vec<Value> = r
        .exchanges
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| json!([e["request"]["method"], e["request"]["path"], e["response"]["status"]]))
        .collect();
    let data = json!({"exchanges": arrows, "deliveries": r.deliveries, "broken": broken});
    let _ = writeln!(out, "<div class=\"diagram\" data-exchanges=\"{}\"></div>", escape(&data.to_string()));
    for (i, exchange) in r.exchanges.as_array().into_iter().flatten().enumerate() {
        exchange_details(out, i + 1, exchange, r);
    }
    out.push_str("</details>\n");
}

fn exchange_details(out: &mut String, number: usize, exchange: &Value, r: &ScenarioRecord) {
    let violations: Vec<&str> = r
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Contract && p.exchange == Some(number))
        .map(|p| p.message.as_str())
        .collect();
    let request = &exchange["request"];
    let response = &exchange["response"];
    let _ = writeln!(
        out,
        "<details class=\"exchange\"{}><summary>{number}. {} {} {} → {}</summary>",
        if violations.is_empty() { "" } else { " open" },
        escape(exchange["operation"].as_str().unwrap_or_default()),
        escape(request["method"].as_str().unwrap_or_default()),
        escape(request["path"].as_str().unwrap_or_default()),
        response["status"]
    );
    for v in violations {
        let _ = writeln!(out, "<div class=\"problem contract\">{}</div>", escape(v));
    }
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let _ = writeln!(out, "<p>request</p><pre>{}</pre>", escape(&pretty(request)));
    let _ = writeln!(out, "<p>answer</p><pre>{}</pre>", escape(&pretty(response)));
    out.push_str("</details>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Problem, StepRecord};

    #[test]
    fn the_page_is_self_contained_literal_utf8_and_marks_where_it_failed() {
        let exchanges = json!([
            {"operation": "refundPayment", "request": {"method": "POST", "path": "/epayment/v1/payments/r/refund", "headers": {}},
             "response": {"status": 400, "body": {"title": "Bad Request"}}}
        ]);
        let record = ScenarioRecord {
            feature: "Refund".into(),
            file: "refund.feature".into(),
            scenario: "Refunding one øre more than was captured is refused".into(),
            line: 16,
            steps: vec![StepRecord {
                line: 5,
                text: "Then the refund is rejected with error code 6150".into(),
                status: StepStatus::Failed,
                error: Some("got 6151 <x>".into()),
            }],
            problems: vec![Problem {
                kind: ProblemKind::Contract,
                message: "exchange 1 refundPayment response 400 /: bad".into(),
                diff: None,
                exchange: Some(1),
            }],
            exchanges,
            deliveries: vec![("epayments.payment.refunded.v1".into(), 200)],
        };
        let page = report(&[record]);
        assert!(page.contains("Refunding one øre more than was captured is refused"), "literal UTF-8");
        assert!(!page.contains("http://") || !page.contains("<script src"), "no external script");
        assert!(!page.contains("<link"), "no external stylesheet");
        assert!(page.contains("got 6151 &lt;x&gt;"));
        assert!(page.contains("<span id=\"failed\">1 failed</span>"));
        assert!(page.contains("&quot;broken&quot;:[1]"), "the broken exchange is marked for the diagram");
        assert!(page.contains("<div class=\"problem contract\">exchange 1 refundPayment response 400 /: bad</div>"));
    }
}
