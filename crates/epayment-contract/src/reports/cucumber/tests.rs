//! The result formats from records: a rule, an outline's row, tags, the failure sentence, the
//! verdict after the steps, and each exchange attached to the step that made it.

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{Value, json};

use super::*;
use crate::reports::record::{Problem, ProblemKind, StepRecord, StepRun};

const FEATURE: &str = "@billing
Feature: Refunds
  Background:
    Given a payment of 10.00 NOK has been authorized

  Scenario: A refund of nothing
    When the merchant refunds 0.00 NOK
    Then the refund is refused

  Rule: Refunds add up
    @sim-only
    Scenario Outline: Refunding <amount>
      When the merchant refunds <amount>
      Then the refunded amount is <amount>

      @rows
      Examples:
        | amount   |
        | 1.00 NOK |
        | 2.00 NOK |
";

fn step(line: usize, text: &str, status: StepStatus, error: Option<&str>) -> StepRecord {
    StepRecord { line, text: text.into(), status, error: error.map(Into::into) }
}

/// The feature file, and two records: the first scenario failed on its last step; the
/// outline's second row passed its steps and failed its snapshot.
fn fixture() -> (tempfile::TempDir, PathBuf, Vec<ScenarioRecord>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("refunds.feature");
    std::fs::write(&path, FEATURE).expect("write");
    let exchange = json!({
        "operation": "refundPayment",
        "request": { "method": "POST", "path": "/epayment/v1/payments/x/refund", "headers": { "client_secret": "[client-secret]" } },
        "response": { "status": 200 },
    });
    let given = step(4, "Given a payment of 10.00 NOK has been authorized", StepStatus::Passed, None);
    let runs = |n: usize| {
        (0..n)
            .map(|i| StepRun {
                started: Some(UNIX_EPOCH + Duration::from_secs(1_000 + i as u64)),
                duration: Duration::from_millis(250),
            })
            .collect::<Vec<_>>()
    };
    let mut failed = ScenarioRecord {
        feature: "Refunds".into(),
        file: "refunds.feature".into(),
        scenario: "A refund of nothing".into(),
        line: 6,
        steps: vec![
            given.clone(),
            step(7, "When the merchant refunds 0.00 NOK", StepStatus::Passed, None),
            step(8, "Then the refund is refused", StepStatus::Failed, Some("it was not refused\nstatus 200")),
        ],
        exchanges: json!([exchange.clone(), exchange.clone()]),
        step_runs: runs(3),
        started: Some(UNIX_EPOCH + Duration::from_secs(1_000)),
        ..ScenarioRecord::default()
    };
    failed.timeline.made_by = vec![0, 1];
    let mut row = ScenarioRecord {
        feature: "Refunds".into(),
        file: "refunds.feature".into(),
        rule: Some("Refunds add up".into()),
        scenario: "Refunding 2.00 NOK".into(),
        line: 20,
        example: Some((vec!["amount".into()], vec!["2.00 NOK".into()])),
        steps: vec![
            given,
            step(13, "When the merchant refunds 2.00 NOK", StepStatus::Passed, None),
            step(14, "Then the refunded amount is 2.00 NOK", StepStatus::Passed, None),
        ],
        problems: vec![Problem {
            kind: ProblemKind::Snapshot,
            message: "its exchanges differ from the snapshot r.snap in 1 value".into(),
            changes: vec!["exchange 1 response.status: 201 in the snapshot, 200 now".into()],
            diff: None,
            exchange: None,
        }],
        exchanges: json!([exchange]),
        tags: vec!["sim-only".into(), "rows".into()],
        step_runs: runs(3),
        ..ScenarioRecord::default()
    };
    row.timeline.made_by = vec![1];
    (dir, path, vec![failed, row])
}

fn written(records: &[ScenarioRecord], path: &Path) -> (Value, Vec<Value>) {
    let out = path.with_file_name("out");
    let (json_path, ndjson_path) = (out.join("cucumber.json"), out.join("messages.ndjson"));
    write(Some(&json_path), Some(&ndjson_path), records, &[path.to_path_buf()]).expect("written");
    let json = serde_json::from_str(&std::fs::read_to_string(json_path).expect("json")).expect("valid JSON");
    let ndjson = std::fs::read_to_string(ndjson_path).expect("ndjson");
    let lines = ndjson.lines().map(|l| serde_json::from_str(l).expect("one envelope a line")).collect();
    (json, lines)
}

#[test]
fn cucumber_json_has_each_scenario_its_row_rule_tags_failure_sentence_and_exchanges() {
    let (_dir, path, records) = fixture();
    let (json, _) = written(&records, &path);
    let feature = &json[0];
    assert_eq!(feature["name"], "Refunds");
    assert_eq!(feature["tags"][0]["name"], "@billing");
    let [failed, row] = [&feature["elements"][0], &feature["elements"][1]];
    assert_eq!(failed["steps"][2]["result"]["status"], "failed");
    let message = failed["steps"][2]["result"]["error_message"].as_str().expect("a message");
    let sentence = records[0].failure().expect("failed");
    assert!(message.starts_with(&format!("{sentence}\n")), "the console's sentence first: {message}");
    assert_eq!(failed["steps"][1]["result"]["duration"], 250_000_000);
    assert_eq!(failed["after"][0]["result"]["status"], "passed", "no verdict failure after a failed step");
    let embedded = &failed["steps"][1]["embeddings"][0];
    assert_eq!(embedded["mime_type"], "application/json");
    let data = base64::engine::general_purpose::STANDARD.decode(embedded["data"].as_str().expect("data")).expect("b64");
    let exchange: Value = serde_json::from_slice(&data).expect("the exchange");
    assert_eq!(exchange["request"]["headers"]["client_secret"], "[client-secret]", "as redacted");
    assert!(failed["steps"][2].get("embeddings").is_none(), "the step that made none has none");

    assert_eq!(row["id"], "refunds;refunds-add-up;refunding-2.00-nok;;3", "the second row, as cucumber-jvm counts");
    assert_eq!(row["keyword"], "Scenario Outline");
    assert_eq!(row["description"], "Rule: Refunds add up\nExamples: amount = 2.00 NOK");
    let tags: Vec<&str> = row["tags"].as_array().expect("tags").iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(tags, ["@billing", "@sim-only", "@rows"]);
    assert_eq!(row["steps"][1]["keyword"], "When ");
    assert_eq!(row["steps"][1]["name"], "the merchant refunds 2.00 NOK");
    assert_eq!(row["after"][0]["result"]["status"], "failed", "the snapshot verdict is an after hook");
    let verdict = row["after"][0]["result"]["error_message"].as_str().expect("why");
    assert!(verdict.starts_with(&records[1].failure().expect("failed")), "{verdict}");
    assert!(verdict.contains("201 in the snapshot, 200 now"), "{verdict}");
}

#[test]
fn messages_point_pickles_at_the_row_and_attach_each_exchange_to_its_step() {
    let (_dir, path, records) = fixture();
    let (_, lines) = written(&records, &path);
    let of = |kind: &str| lines.iter().filter(|l| l.get(kind).is_some()).map(|l| &l[kind]).collect::<Vec<_>>();
    assert!(lines[0].get("meta").is_some(), "meta first");
    assert!(lines.last().is_some_and(|l| l["testRunFinished"]["success"] == false));
    let document = of("gherkinDocument")[0];
    let rule = &document["feature"]["children"][2]["rule"];
    assert_eq!(rule["name"], "Refunds add up");
    let outline = &rule["children"][0]["scenario"];
    assert_eq!(outline["examples"][0]["tableBody"][1]["id"], "refunds.feature:20".replace("refunds", &uri(&path)));
    let pickles = of("pickle");
    assert_eq!(pickles.len(), 2);
    let row = pickles[1];
    let ids: Vec<&str> = row["astNodeIds"].as_array().expect("ids").iter().filter_map(Value::as_str).collect();
    assert_eq!(
        ids,
        [outline["id"].as_str().expect("id"), outline["examples"][0]["tableBody"][1]["id"].as_str().expect("id")]
    );
    assert_eq!(row["steps"][1]["text"], "the merchant refunds 2.00 NOK");
    let tags: Vec<&str> = row["tags"].as_array().expect("tags").iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(tags, ["@billing", "@sim-only", "@rows"]);
    // Every pickle step and tag points at a node of the document.
    let text = document.to_string();
    for id in row["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .flat_map(|s| s["astNodeIds"].as_array().cloned().unwrap_or_default())
    {
        assert!(text.contains(&format!("\"id\":{id}")), "{id} is in the document");
    }
    for tag in row["tags"].as_array().expect("tags") {
        assert!(text.contains(&format!("\"id\":{}", tag["astNodeId"])), "{tag} is in the document");
    }

    let attachments = of("attachment");
    assert_eq!(attachments.len(), 3);
    assert_eq!(attachments[1]["testStepId"], "case:refunds.feature:6:1", "the second exchange, the When's");
    assert_eq!(attachments[1]["mediaType"], "application/json");
    let finished = of("testStepFinished");
    let failed = finished.iter().find(|f| f["testStepResult"]["status"] == "FAILED").expect("a failed step");
    let message = failed["testStepResult"]["message"].as_str().expect("a message");
    assert!(message.starts_with(&records[0].failure().expect("failed")), "{message}");
    assert_eq!(failed["testStepResult"]["duration"], json!({ "seconds": 0, "nanos": 250_000_000 }));
    let verdict = finished.iter().find(|f| f["testStepId"] == "case:refunds.feature:20:verdict").expect("verdict");
    assert_eq!(verdict["testStepResult"]["status"], "FAILED");
    assert_eq!(of("testCase").len(), 2);
    assert_eq!(of("testCaseFinished").len(), 2);
}

#[test]
fn nothing_is_written_when_both_are_off_and_a_missing_feature_file_is_an_error() {
    let (_dir, path, records) = fixture();
    assert_eq!(write(None, None, &records, &[path.with_file_name("gone.feature")]), Ok(()));
    let out = path.with_file_name("x.json");
    assert!(
        write(Some(&out), None, &records, &[path.with_file_name("gone.feature")]).is_err_and(|e| e.contains("gone"))
    );
    assert!(!out.exists());
}

/// The uri the writers give a file outside the workspace: its path as given.
fn uri(path: &Path) -> String {
    path.with_extension("").display().to_string()
}
