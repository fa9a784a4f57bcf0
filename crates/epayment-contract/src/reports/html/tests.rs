//! The page as a reader meets it: what failed on top, linked to the exchange the step looked
//! at; each exchange under its step; the clock on the diagram; rules and example rows.

use std::time::Duration;

use super::*;
use crate::reports::record::{Problem, StepRecord};
use crate::world::trail::{Note, NoteKind, Timeline};

fn step(text: &str, status: StepStatus, error: Option<&str>) -> StepRecord {
    StepRecord { line: 5, text: text.into(), status, error: error.map(Into::into) }
}

fn refused_refund() -> ScenarioRecord {
    let exchange = |op: &str, method: &str, path: &str, status: u16| json!({"operation": op, "request": {"method": method, "path": path, "headers": {}}, "response": {"status": status, "body": {"title": "x"}}});
    ScenarioRecord {
        feature: "Refund".into(),
        file: "refund.feature".into(),
        rule: Some("Refunds are rate limited".into()),
        scenario: "Refunding one øre more than was captured is refused".into(),
        line: 16,
        example: Some((vec!["amount".into()], vec!["1.00 NOK".into()])),
        steps: vec![
            step("When the merchant refunds 1.00 NOK 6 times", StepStatus::Passed, None),
            step(
                "Then 0 calls got status 429",
                StepStatus::Failed,
                Some("expected no call to be refused with 429; refundPayment (exchange 2) was <x>"),
            ),
        ],
        problems: vec![Problem {
            kind: ProblemKind::Contract,
            message: "contract: exchange 1 refundPayment response 400 /: bad".into(),
            changes: Vec::new(),
            diff: None,
            exchange: Some(1),
        }],
        exchanges: json!([
            exchange("refundPayment", "POST", "/epayment/v1/payments/r/refund", 400),
            exchange("refundPayment", "POST", "/epayment/v1/payments/r/refund", 429),
        ]),
        deliveries: vec![("REFUNDED".into(), 200)],
        timeline: Timeline {
            made_by: vec![0, 0],
            notes: vec![
                Note {
                    after: 1,
                    kind: NoteKind::Clock,
                    text: "1 minute passes (now 2026-01-01 12:01:00 UTC)".into(),
                    status: None,
                },
                Note { after: 1, kind: NoteKind::Delivery, text: "REFUNDED".into(), status: Some(200) },
            ],
            looked_at: vec![2],
            last_step: Some(1),
            duration: Duration::from_millis(42),
        },
        ..ScenarioRecord::default()
    }
}

#[test]
fn the_page_is_self_contained_literal_utf8_and_points_at_the_cause() {
    let page = report(&[refused_refund()]);
    assert!(page.contains("Refunding one øre more than was captured is refused"), "literal UTF-8");
    assert!(!page.contains("<script src") && !page.contains("<link"), "nothing external");
    assert!(page.contains("<span id=\"failed\">1 failed</span>"));
    // The reason on top, linked to the exchange the failing step looked at, which is marked.
    assert!(page.contains("<div class=\"failure\"><p>`Then 0 calls got status 429` failed: expected no call to be refused with 429; refundPayment (exchange 2) was &lt;x&gt;</p>"), "{page}");
    assert!(page.contains("<p>The step looked at <a href=\"#s0-x2\">exchange 2: refundPayment POST /epayment/v1/payments/r/refund → 429</a>.</p>"));
    assert!(page.contains("<details class=\"exchange looked-at\" open id=\"s0-x2\">"));
    // Each exchange under the step that made it: both under the first step.
    let first = &page[page.find("When the merchant refunds 1.00 NOK 6 times").expect("the step")..];
    let first = &first[..first.find("</li>").expect("its end")];
    assert_eq!(first.matches("<details class=\"exchange").count(), 2, "{first}");
    // The contract violation on its exchange, and linked from its problem.
    assert!(page.contains("<details class=\"exchange broken\" open id=\"s0-x1\">"));
    assert!(
        page.contains("<div class=\"problem contract\">contract: exchange 1 refundPayment response 400 /: bad</div>")
    );
    assert!(page.contains("(<a href=\"#s0-x1\">exchange 1</a>)"));
    // The rule, the example row, the time (as a tooltip) and the clock on the diagram.
    assert!(page.contains("<h3 class=\"rule\">Rule: Refunds are rate limited</h3>"));
    assert!(page.contains("<table class=\"example\"><tr><th>amount</th></tr><tr><td>1.00 NOK</td></tr></table>"));
    assert!(page.contains("title=\"0.042 s\""));
    assert!(page.contains("{&quot;note&quot;:&quot;1 minute passes (now 2026-01-01 12:01:00 UTC)&quot;,&quot;kind&quot;:&quot;clock&quot;}"), "{page}");
    let data = &page[page.find("data-timeline=").expect("the diagram's data")..];
    let (first, note) = (data.find("&quot;n&quot;:1").expect("exchange 1"), data.find("note").expect("the note"));
    assert!(first < note && note < data.find("&quot;n&quot;:2").expect("exchange 2"), "the note between the two");
    let delivery = data.find("&quot;delivery&quot;:&quot;REFUNDED&quot;").expect("the delivery");
    assert!(note < delivery && delivery < data.find("&quot;n&quot;:2").expect("exchange 2"), "drawn where it came");
    assert_eq!(data.matches("&quot;delivery&quot;").count(), 1, "and not again at the end");
    assert!(page.contains("&quot;looked&quot;:true"));
}
