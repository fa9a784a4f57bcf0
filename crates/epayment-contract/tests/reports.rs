//! The reports of a run with failures, end to end: a scenario whose step fails, one whose
//! snapshot differs and one that passes, each scenario on a simulator of its own even with the
//! same payment reference at once. The JUnit report fails exactly the failed ones (with the
//! snapshot diff), and the HTML report, rendered by a real browser (headless Chromium, which
//! `.ci/run` installs; skipped with a note where it is missing), shows the failed scenario and
//! draws its exchanges. A screenshot is kept under `<target>/contract/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use epayment_contract::{Options, StepStatus, Target};

const PASSING: &str = "Capture the whole authorized amount";
const DIFFERING: &str = "Nothing is left to capture after a full capture";
const FAILING: &str = "A capture that does not add up";

/// A features folder with capture.feature's two scenarios (one snapshot tampered with) and a
/// third whose last step fails.
fn features(dir: &Path) -> (PathBuf, PathBuf) {
    let root = epayment_contract::workspace_root();
    let (features, snapshots) = (dir.join("features"), dir.join("snapshots"));
    std::fs::create_dir_all(&snapshots).expect("dirs");
    let mut text = std::fs::read_to_string(root.join("features/capture.feature")).expect("capture.feature");
    text.push_str(&format!(
        "\n  Scenario: {FAILING}\n    Given a payment of 10.00 NOK has been authorized\n    When the merchant captures 2.50 NOK\n    Then the captured amount is 3.00 NOK\n"
    ));
    std::fs::create_dir_all(&features).expect("dir");
    std::fs::write(features.join("capture.feature"), text).expect("write");
    for (name, tamper) in [
        ("capture__capture_the_whole_authorized_amount.snap", false),
        ("capture__nothing_is_left_to_capture_after_a_full_capture.snap", true),
    ] {
        let mut snap = std::fs::read_to_string(root.join("features/snapshots").join(name)).expect("snapshot");
        if tamper {
            snap = snap.replacen("value: 1000", "value: 999", 1);
        }
        std::fs::write(snapshots.join(name), snap).expect("write");
    }
    (features, snapshots)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_run_is_told_truthfully_in_junit_and_drawn_in_html() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (features, snapshots) = features(dir.path());
    let mut options = Options::new(Target::Sim);
    options.features = features;
    options.snapshots = snapshots;
    options.junit = dir.path().join("junit.xml");
    options.report = dir.path().join("report.html");
    // All three at once: they create the same reference (contract-order-0001) on their own
    // simulators, and none sees another's payment.
    options.runner.concurrency = Some(3);
    let summary = epayment_contract::run(&options).await.expect("the run");

    let by_name = |name: &str| summary.records.iter().find(|r| r.scenario == name).expect(name);
    assert!(by_name(PASSING).passed(), "{:?}", by_name(PASSING));
    assert!(by_name(DIFFERING).steps.iter().all(|s| s.status == StepStatus::Passed));
    assert!(!by_name(DIFFERING).passed(), "the tampered snapshot differs");
    let failing = by_name(FAILING);
    assert_eq!(failing.steps.last().map(|s| s.status), Some(StepStatus::Failed));
    for name in [PASSING, DIFFERING, FAILING] {
        let created = &by_name(name).exchanges[1]["request"]["body"]["reference"];
        assert_eq!(created, "contract-order-0001", "{name} used the shared reference");
    }
    assert_eq!((summary.passed, summary.failed), (1, 2));

    let junit = std::fs::read_to_string(&options.junit).expect("junit.xml");
    assert!(junit.contains("tests=\"3\" failures=\"2\""), "{junit}");
    assert!(junit.contains(&format!("name=\"{PASSING} (line 5)\"/>")), "{junit}");
    assert!(junit.contains("type=\"snapshot\""), "the snapshot failure is a failed test case: {junit}");
    assert!(junit.contains("-    value: 999") || junit.contains("-        value: 999"), "with its diff: {junit}");
    assert!(junit.contains("type=\"step\""), "{junit}");

    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("skipping the browser check: no chromium on this machine (.ci/run installs Debian's chromium)");
        return;
    };
    let url = format!("file://{}", options.report.display());
    let browser = |extra: &[&str]| {
        Command::new(chromium)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"])
            .args(extra)
            .arg(&url)
            .output()
            .expect("chromium runs")
    };
    let dom = String::from_utf8_lossy(&browser(&["--dump-dom"]).stdout).into_owned();
    assert!(dom.contains("<span id=\"failed\">2 failed</span>"), "{dom}");
    // The failed scenario is shown open, with its step's failure, and its diagram drawn by the
    // page's script: two arrows per exchange (request, answer).
    let at = dom.find(&format!("data-scenario=\"{FAILING}\"")).expect("the failed scenario is on the page");
    let scenario = &dom[at..];
    let head = &dom[dom[..at].rfind("<details").expect("its element")..at];
    assert!(head.contains("scenario failed") && head.contains("open"), "{head}");
    assert!(scenario.contains("Then the captured amount is 3.00 NOK"));
    let svg = &scenario[scenario.find("<svg").expect("a diagram drawn in the browser")..];
    let svg = &svg[..svg.find("</svg>").expect("the end of the diagram")];
    let exchanges = failing.exchanges.as_array().map_or(0, Vec::len);
    let deliveries = failing.deliveries.len();
    assert!(exchanges >= 3, "token, create, approve, capture, get: {exchanges}");
    assert_eq!(svg.matches("class=\"arrow").count(), 2 * (exchanges + deliveries), "{svg}");

    let shot = epayment_contract::target_dir().join("contract/report-failed-run.png");
    if let Some(parent) = shot.parent() {
        std::fs::create_dir_all(parent).expect("dir");
    }
    let out = browser(&["--window-size=1280,2400", &format!("--screenshot={}", shot.display())]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000), "a screenshot at {}", shot.display());
}
