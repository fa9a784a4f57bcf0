//! `junit.xml`: one test suite per feature, one test case per scenario, failed when a step
//! failed or when its snapshot differs or its exchanges break the document (with the message
//! and the diff), so that a CI system reading JUnit shows what the run printed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::record::{ProblemKind, ScenarioRecord, StepStatus};
use crate::xml::xml;

/// The report for `records`.
pub fn junit(records: &[ScenarioRecord]) -> String {
    let mut features: BTreeMap<(&str, &str), Vec<&ScenarioRecord>> = BTreeMap::new();
    for r in records {
        features.entry((&r.file, &r.feature)).or_default().push(r);
    }
    let failures = records.iter().filter(|r| !r.passed()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"contract\" tests=\"{}\" failures=\"{failures}\">", records.len());
    for ((file, feature), scenarios) in features {
        let failed = scenarios.iter().filter(|r| !r.passed()).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">",
            xml(&format!("{feature} ({file})")),
            scenarios.len()
        );
        for r in scenarios {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(file),
                xml(&format!("{} (line {})", r.scenario, r.line))
            );
            if r.passed() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            let message = r.failure().unwrap_or_default();
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml(&message),
                kind(r),
                xml(&details(r))
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn kind(r: &ScenarioRecord) -> &'static str {
    if r.steps.iter().any(|s| s.status != StepStatus::Passed) {
        return "step";
    }
    match r.problems.first().map(|p| p.kind) {
        Some(ProblemKind::Snapshot) => "snapshot",
        _ => "contract",
    }
}

/// Everything that went wrong, with the snapshot diffs.
fn details(r: &ScenarioRecord) -> String {
    let mut out = String::new();
    for s in r.steps.iter().filter(|s| s.status != StepStatus::Passed) {
        let _ = writeln!(out, "{}: {}", s.text, s.error.as_deref().unwrap_or("skipped"));
    }
    for p in &r.problems {
        let _ = writeln!(out, "{}", p.message);
        if let Some(diff) = &p.diff {
            let _ = writeln!(out, "{diff}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Problem, StepRecord};

    fn record(name: &str, problems: Vec<Problem>) -> ScenarioRecord {
        ScenarioRecord {
            feature: "Refund".into(),
            file: "refund.feature".into(),
            scenario: name.into(),
            line: 4,
            steps: vec![StepRecord {
                line: 5,
                text: "When the merchant refunds 1.00 NOK".into(),
                status: StepStatus::Passed,
                error: None,
            }],
            problems,
            ..ScenarioRecord::default()
        }
    }

    #[test]
    fn snapshot_and_contract_failures_are_failed_test_cases_with_their_diff() {
        let records = [
            record("Refunding one øre more", Vec::new()),
            record(
                "A changed answer",
                vec![Problem {
                    kind: ProblemKind::Snapshot,
                    message: "snapshot refund__a_changed_answer differs".into(),
                    diff: Some("-  value: 100\n+  value: <101>".into()),
                    exchange: None,
                }],
            ),
            record(
                "A broken answer",
                vec![Problem {
                    kind: ProblemKind::Contract,
                    message: "exchange 2 refundPayment response 200 /amount/value: not an integer".into(),
                    diff: None,
                    exchange: Some(2),
                }],
            ),
        ];
        let xml = junit(&records);
        assert!(xml.contains("<testsuites name=\"contract\" tests=\"3\" failures=\"2\">"), "{xml}");
        assert!(
            xml.contains("<testcase classname=\"refund.feature\" name=\"Refunding one øre more (line 4)\"/>"),
            "{xml}"
        );
        assert!(
            xml.contains(
                "type=\"snapshot\">snapshot refund__a_changed_answer differs\n-  value: 100\n+  value: &lt;101&gt;"
            ),
            "{xml}"
        );
        assert!(
            xml.contains(
                "message=\"exchange 2 refundPayment response 200 /amount/value: not an integer\" type=\"contract\""
            ),
            "{xml}"
        );
    }
}
