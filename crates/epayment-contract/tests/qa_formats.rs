//! The result formats for QA tools, read by readers nobody here wrote: `messages.ndjson` by
//! cucumber's own HTML formatter and its JUnit XML formatter (whose query resolves every
//! pickle, step, rule and Examples row the messages point at, and throws on one it cannot
//! find), `cucumber.json` by cucumber-html-reporter. A run with a Rule, an outline, tags, a
//! scenario whose step fails and one whose snapshot is missing: both readers take the files
//! without error and show every scenario, the failures' sentences and the exchanges.
//!
//! The readers are npm packages pinned in `tests/qa-tools/package-lock.json`, which `.ci/run`
//! installs into `<target>/qa-tools`. Where they (or node) are missing the test says so and
//! passes; under `CI` it fails instead, so that CI cannot pass without reading the files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use epayment_contract::{Options, SnapshotPolicy, Summary, Target};

const FEATURE: &str = "@qa-formats
Feature: Results for QA tools
  Background:
    Given a payment of 10.00 NOK has been authorized

  Scenario: A capture that adds up
    When the merchant captures 2.50 NOK
    Then the captured amount is 2.50 NOK

  Scenario: A capture that does not add up
    When the merchant captures 2.50 NOK
    Then the captured amount is 3.00 NOK

  Rule: Captures add up in any amount
    @sim-only
    Scenario Outline: Capturing <amount>
      When the merchant captures <amount>
      Then the captured amount is <amount>

      Examples:
        | amount   |
        | 1.00 NOK |
        | 2.00 NOK |
";

/// Added after the snapshots are written, so that it has none.
const UNSNAPPED: &str = "
  Scenario: A capture nobody has reviewed
    When the merchant captures 1.50 NOK
";

const NAMES: [&str; 5] = [
    "A capture that adds up",
    "A capture that does not add up",
    "Capturing 1.00 NOK",
    "Capturing 2.00 NOK",
    "A capture nobody has reviewed",
];

/// The run: the snapshots written by a first run, then the unreviewed scenario added and the
/// whole run again as CI runs it.
async fn run(dir: &Path) -> (Options, Summary) {
    let features = dir.join("features");
    std::fs::create_dir_all(&features).expect("dir");
    std::fs::create_dir_all(dir.join("snapshots")).expect("dir");
    std::fs::write(features.join("qa.feature"), FEATURE).expect("write");
    let mut options = Options::new(Target::Sim);
    options.features = features.clone();
    options.snapshots = dir.join("snapshots");
    options.junit = dir.join("junit.xml");
    options.report = dir.join("report.html");
    options.cucumber_json = Some(dir.join("cucumber.json"));
    options.messages = Some(dir.join("messages.ndjson"));
    options.quiet = true;
    options.snapshot_policy = SnapshotPolicy::Accept;
    epayment_contract::run(&options).await.expect("the first run");
    std::fs::write(features.join("qa.feature"), format!("{FEATURE}{UNSNAPPED}")).expect("write");
    options.snapshot_policy = SnapshotPolicy::Ci;
    let summary = epayment_contract::run(&options).await.expect("the run");
    (options, summary)
}

/// The installed readers, or why there are none.
fn tools() -> Result<PathBuf, String> {
    let dir = epayment_contract::target_dir().join("qa-tools");
    let node = Command::new("node").arg("--version").stdout(Stdio::null()).status();
    if !node.is_ok_and(|s| s.success()) {
        return Err("no node on this machine".into());
    }
    for package in ["@cucumber/html-formatter", "@cucumber/junit-xml-formatter", "cucumber-html-reporter"] {
        if !dir.join("node_modules").join(package).is_dir() {
            return Err(format!("{package} is not installed in {}", dir.display()));
        }
    }
    Ok(dir)
}

/// Runs `script` (from tests/qa-tools/) with node in `tools`, `stdin` on its input.
fn node(tools: &Path, script: &str, args: &[&Path], stdin: Option<&Path>) -> String {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/qa-tools").join(script);
    // Node finds packages from the script's folder: the script goes beside them.
    let copy = tools.join(script);
    std::fs::copy(&here, &copy).expect("the script");
    let input = stdin.map_or_else(Stdio::null, |path| Stdio::from(std::fs::File::open(path).expect("the input")));
    let out = Command::new("node").arg(&copy).args(args).stdin(input).output().expect("node runs");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{script} failed on the harness's file:\n{said}");
    said
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cucumbers_own_readers_take_the_messages_and_the_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (options, summary) = run(dir.path()).await;
    assert_eq!((summary.passed, summary.failed), (3, 2), "{:?}", summary.records);
    let failing = summary.records.iter().find(|r| r.scenario == NAMES[1]).and_then(|r| r.failure()).expect("failed");
    let unsnapped = summary.records.iter().find(|r| r.scenario == NAMES[4]).and_then(|r| r.failure()).expect("failed");

    let tools = match tools() {
        Ok(tools) => tools,
        Err(why) => {
            epayment_devkit::skip_outside_ci(&format!(
                "the readers' check: {why} (.ci/run installs them with npm into target/qa-tools)"
            ));
            return;
        }
    };
    let messages = options.messages.as_deref().expect("messages");
    let (html, junit) = (dir.path().join("messages.html"), dir.path().join("messages-junit.xml"));
    node(&tools, "messages.mjs", &[&html, &junit], Some(messages));
    let html = std::fs::read_to_string(html).expect("the formatter's HTML");
    let junit = std::fs::read_to_string(junit).expect("the formatter's JUnit");
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..200.min(html.len())]);
    assert!(junit.contains("tests=\"5\"") && junit.contains("failures=\"2\""), "{junit}");
    for name in NAMES {
        assert!(html.contains(name), "{name} is in cucumber's HTML");
        assert!(junit.contains(name), "{name} is in cucumber's JUnit: {junit}");
    }
    assert!(junit.contains("Captures add up in any amount"), "the row's rule is found: {junit}");
    let escaped =
        |text: &str| text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;");
    for sentence in [&failing, &unsnapped] {
        assert!(junit.contains(&escaped(sentence)) || junit.contains(sentence.as_str()), "{sentence}: {junit}");
    }

    let json = options.cucumber_json.as_deref().expect("json");
    let report = dir.path().join("cucumber-json.html");
    node(&tools, "cucumber-json.mjs", &[json, &report], None);
    let report = std::fs::read_to_string(report).expect("the reporter's HTML");
    for name in NAMES {
        assert!(report.contains(name), "{name} is in cucumber-html-reporter's report");
    }
    assert!(report.contains("\"operation\": \"capturePayment\""), "the exchanges are shown, decoded");
    assert!(report.contains(&escaped(&failing)) || report.contains(failing.as_str()), "{failing}");
}
