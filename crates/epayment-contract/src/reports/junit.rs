//! `junit.xml`: one test suite per feature, one test case per scenario, failed when a step
//! failed or when its snapshot differs or its exchanges break the document (with the message
//! and the diff), so that a CI system reading JUnit shows what the run printed.
//!
//! Hand-written rather than nextest's `quick-junit` (weighed in issue 34, not measured): 0.8
//! would bring four crates the build does not have (`newtype-uuid`, `quick-xml`,
//! `strip-ansi-escapes` and its `vte`), and its serializer writes its own attributes (`errors`,
//! `disabled`) and order, so the report, which must stay as it is, would change. These ~60
//! lines are pinned by the test below and by `tests/reports.rs`.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use crate::reports::record::{ScenarioRecord, StepStatus};
use crate::reports::text;
use crate::reports::xml::xml;

/// The report for `records`.
pub fn junit(records: &[ScenarioRecord]) -> String {
    text(|out| write_junit(out, records))
}

fn write_junit(out: &mut String, records: &[ScenarioRecord]) -> fmt::Result {
    let mut features: BTreeMap<(&str, &str), Vec<&ScenarioRecord>> = BTreeMap::new();
    for r in records {
        features.entry((&r.file, &r.feature)).or_default().push(r);
    }
    let failures = records.iter().filter(|r| !r.passed()).count();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    writeln!(
        out,
        "<testsuites name=\"contract\" tests=\"{}\" failures=\"{failures}\" time=\"{}\">",
        records.len(),
        seconds(records)
    )?;
    for ((file, feature), scenarios) in features {
        let failed = scenarios.iter().filter(|r| !r.passed()).count();
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" time=\"{}\">",
            xml(&format!("{feature} ({file})")),
            scenarios.len(),
            seconds(scenarios.iter().copied())
        )?;
        for r in scenarios {
            write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
                xml(file),
                xml(&format!("{} (line {})", r.scenario, r.line)),
                seconds([r])
            )?;
            if r.passed() && r.earlier_attempts.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            if !r.passed() {
                writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml(&r.failure().unwrap_or_default()),
                    r.failure_kind().unwrap_or("step"),
                    xml(&text(|details| write_details(details, r)))
                )?;
            }
            // Surefire's elements for the attempts before the last, which Jenkins, GitLab and
            // others show as a flaky test: `flakyFailure` beside a pass, `rerunFailure` beside
            // a failure.
            let earlier = if r.passed() { "flakyFailure" } else { "rerunFailure" };
            for why in &r.earlier_attempts {
                writeln!(out, "      <{earlier} message=\"{}\" type=\"step\"/>", xml(why))?;
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    Ok(())
}

/// The scenarios' time together, in seconds, as JUnit writes it.
fn seconds<'a>(records: impl IntoIterator<Item = &'a ScenarioRecord>) -> String {
    let total: std::time::Duration = records.into_iter().map(|r| r.timeline.duration).sum();
    format!("{:.3}", total.as_secs_f64())
}

/// Everything that went wrong, with the values that changed and the snapshot diffs.
fn write_details(out: &mut String, r: &ScenarioRecord) -> fmt::Result {
    for s in r.steps.iter().filter(|s| s.status != StepStatus::Passed) {
        writeln!(out, "{} (line {}): {}", s.text, s.line, s.error.as_deref().unwrap_or("did not run"))?;
    }
    for p in &r.problems {
        writeln!(out, "{}", p.message)?;
        for change in &p.changes {
            writeln!(out, "  {change}")?;
        }
        if let Some(diff) = &p.diff {
            writeln!(out, "{diff}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::reports::record::{Problem, ProblemKind, StepRecord};

    fn record(name: &str, problems: Vec<Problem>, millis: u64) -> ScenarioRecord {
        let mut r = ScenarioRecord {
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
        };
        r.timeline.duration = Duration::from_millis(millis);
        r
    }

    fn problem(kind: ProblemKind, message: &str) -> Problem {
        Problem { kind, message: message.into(), changes: Vec::new(), diff: None, exchange: None }
    }

    #[test]
    fn every_failure_is_a_failed_test_case_with_its_sentence_and_each_case_has_its_time() {
        let mut changed = problem(ProblemKind::Snapshot, "its exchanges differ from the snapshot x.snap in 1 value");
        changed.changes =
            vec!["exchange 2 (createPayment) request.body.amount.value: 100 in the snapshot, 101 now".into()];
        changed.diff = Some("-  value: 100\n+  value: <101>".into());
        let broken = problem(
            ProblemKind::Contract,
            "contract: exchange 2 refundPayment response 200 /amount/value: not an integer",
        );
        let mut failed_step = record("A step that fails", Vec::new(), 5);
        failed_step.steps[0].status = StepStatus::Failed;
        failed_step.steps[0].error = Some("expected the refunded amount to be 1.00 NOK, it is 0.00 NOK".into());
        let records = [
            record("Refunding one øre more", Vec::new(), 12),
            record("A changed answer", vec![changed], 20),
            record("A broken answer", vec![broken], 1000),
            failed_step,
        ];
        let xml = junit(&records);
        assert!(xml.contains("<testsuites name=\"contract\" tests=\"4\" failures=\"3\" time=\"1.037\">"), "{xml}");
        assert!(
            xml.contains(
                "<testcase classname=\"refund.feature\" name=\"Refunding one øre more (line 4)\" time=\"0.012\"/>"
            ),
            "{xml}"
        );
        assert!(
            xml.contains(
                "type=\"snapshot\">its exchanges differ from the snapshot x.snap in 1 value\n  exchange 2 (createPayment) \
                 request.body.amount.value: 100 in the snapshot, 101 now\n-  value: 100\n+  value: &lt;101&gt;"
            ),
            "{xml}"
        );
        assert!(
            xml.contains("message=\"contract: exchange 2 refundPayment response 200 /amount/value: not an integer\" type=\"contract\""),
            "{xml}"
        );
        assert!(
            xml.contains(
                "message=\"`When the merchant refunds 1.00 NOK` failed: expected the refunded amount to be 1.00 NOK, it is 0.00 NOK\" type=\"step\""
            ),
            "{xml}"
        );
    }
}
