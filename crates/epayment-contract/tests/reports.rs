//! The reports of a run with failures, end to end: a scenario whose step fails, one whose
//! snapshot differs, one whose failing step looked at a refund answered 429, and one that
//! passes, each on a simulator of its own even with the same payment reference at once. The
//! JUnit report fails exactly the failed ones (with the snapshot diff and each case's time),
//! and the HTML report, rendered by a real browser (headless Chromium, which `.ci/run`
//! installs; skipped with a note where it is missing), shows the failed scenarios, marks the
//! exchange the failing step looked at, and draws the exchanges, the customer and the clock.
//!
//! The second test keeps `docs/report.png` (the README's picture of a report) the picture of
//! the report as the code draws it now.

use std::path::{Path, PathBuf};
use std::process::Command;

use epayment_contract::{Options, SnapshotPolicy, StepStatus, Target};

const PASSING: &str = "Capture the whole authorized amount";
const DIFFERING: &str = "Nothing is left to capture after a full capture";
const FAILING: &str = "A capture that does not add up";
const RATE_LIMITED: &str = "A refund the API rate limits";

/// A features folder with capture.feature's two scenarios (one snapshot tampered with), a
/// third whose last step fails, and a fourth that fails on a refund answered 429.
fn features(dir: &Path) -> (PathBuf, PathBuf) {
    let root = epayment_contract::workspace_root();
    let (features, snapshots) = (dir.join("features"), dir.join("snapshots"));
    std::fs::create_dir_all(&snapshots).expect("dirs");
    let mut text = std::fs::read_to_string(root.join("features/capture.feature")).expect("capture.feature");
    text.push_str(&format!(
        "\n  Scenario: {FAILING}\n    Given a payment of 10.00 NOK has been authorized\n    When the merchant captures 2.50 NOK\n    Then the captured amount is 3.00 NOK\n"
    ));
    text.push_str(&format!(
        "\n  Scenario: {RATE_LIMITED}\n    Given a payment of 10.00 NOK has been authorized\n    When the merchant captures 10.00 NOK\n    And the merchant refunds 1.00 NOK 6 times\n    Then 0 calls got status 429\n"
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

/// Headless Chromium, if this machine has it.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// Runs Chromium headless on the page at `path`, with `extra` options.
fn browse(chromium: &str, path: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--hide-scrollbars"])
        .args(extra)
        .arg(format!("file://{}", path.display()))
        .output()
        .expect("chromium runs")
}

/// The part of `dom` that is the scenario named `name`: from its box's start to the next.
fn scenario<'a>(dom: &'a str, name: &str) -> (&'a str, &'a str) {
    let at = dom.find(&format!("data-scenario=\"{name}\"")).expect("the scenario is on the page");
    let head = &dom[dom[..at].rfind("<details").expect("its element")..at];
    let rest = &dom[at..];
    let end = rest.find("<details class=\"scenario").unwrap_or(rest.len());
    (head, &rest[..end])
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
    options.snapshot_policy = SnapshotPolicy::Ci;
    // All four at once: they create the same reference (contract-order-0001) on their own
    // simulators, and none sees another's payment.
    options.runner.concurrency = Some(4);
    let summary = epayment_contract::run(&options).await.expect("the run");

    let by_name = |name: &str| summary.records.iter().find(|r| r.scenario == name).expect(name);
    assert!(by_name(PASSING).passed(), "{:?}", by_name(PASSING));
    assert!(by_name(DIFFERING).steps.iter().all(|s| s.status == StepStatus::Passed));
    assert!(!by_name(DIFFERING).passed(), "the tampered snapshot differs");
    let failing = by_name(FAILING);
    assert_eq!(failing.steps.last().map(|s| s.status), Some(StepStatus::Failed));
    for name in [PASSING, DIFFERING, FAILING, RATE_LIMITED] {
        let created = &by_name(name).exchanges[1]["request"]["body"]["reference"];
        assert_eq!(created, "contract-order-0001", "{name} used the shared reference");
    }
    assert_eq!((summary.passed, summary.failed), (1, 3));

    let junit = std::fs::read_to_string(&options.junit).expect("junit.xml");
    assert!(junit.contains("tests=\"4\" failures=\"3\""), "{junit}");
    let passed = format!("<testcase classname=\"capture.feature\" name=\"{PASSING} (line 5)\" time=\"");
    assert!(junit.contains(&passed), "{junit}");
    assert!(junit.contains("type=\"snapshot\""), "the snapshot failure is a failed test case: {junit}");
    assert!(junit.contains("-    value: 999") || junit.contains("-        value: 999"), "with its diff: {junit}");
    assert!(junit.contains("type=\"step\""), "{junit}");
    let times = junit.matches("<testcase ").count();
    assert_eq!(junit.matches("\" time=\"0.").count() + junit.matches("\" time=\"1.").count(), times + 2, "{junit}");

    let Some(chromium) = chromium() else {
        epayment_devkit::skip_outside_ci(
            "the browser check: no chromium on this machine (.ci/run installs Debian's chromium)",
        );
        return;
    };
    let dom = String::from_utf8_lossy(&browse(chromium, &options.report, &["--dump-dom"]).stdout).into_owned();
    assert!(dom.contains("<span id=\"failed\">3 failed</span>"), "{dom}");
    // The failed scenario is shown open, with its step's failure, and its diagram drawn by the
    // page's script: two arrows per exchange (request, answer), each with its head.
    let (head, failed) = scenario(&dom, FAILING);
    assert!(head.contains("scenario failed") && head.contains("open"), "{head}");
    assert!(failed.contains("Then the captured amount is 3.00 NOK"));
    let svg = &failed[failed.find("<svg").expect("a diagram drawn in the browser")..];
    let svg = &svg[..svg.find("</svg>").expect("the end of the diagram")];
    let exchanges = failing.exchanges.as_array().map_or(0, Vec::len);
    let deliveries = failing.deliveries.len();
    assert!(exchanges >= 3, "token, create, capture, get: {exchanges}");
    assert_eq!(svg.matches("class=\"arrow").count(), 2 * (exchanges + deliveries), "{svg}");
    assert_eq!(svg.matches("class=\"head").count(), 2 * (exchanges + deliveries), "an arrowhead each: {svg}");
    assert!(svg.contains("the customer approves the payment (now 2026-01-01 12:00:00 UTC)"), "{svg}");

    // The refund the API refused with 429 is the exchange the failing step looked at: named and
    // linked from the failure on top, marked (and open) under the step that made it, and drawn
    // in the marked colour.
    let limited = by_name(RATE_LIMITED);
    let looked = limited.exchanges.as_array().expect("exchanges").iter().position(|e| e["response"]["status"] == 429);
    let n = looked.expect("a refund answered 429") + 1;
    let (_, refused) = scenario(&dom, RATE_LIMITED);
    assert!(
        refused.contains(&format!("expected no call to be refused with 429; refundPayment (exchange {n}) was")),
        "{refused}"
    );
    let id = refused[refused.find("id=\"s").expect("an anchor") + 4..]
        .split('-')
        .next()
        .expect("the scenario's id")
        .to_owned();
    assert!(
        refused.contains(&format!("The step looked at <a href=\"#{id}-x{n}\">exchange {n}: refundPayment POST")),
        "{refused}"
    );
    assert!(
        refused.contains(&format!("<details class=\"exchange looked-at\" open=\"\" id=\"{id}-x{n}\">")),
        "{refused}"
    );
    let made_by_refunds = &refused[refused.find("the merchant refunds 1.00 NOK 6 times").expect("the step")..];
    let made_by_refunds = &made_by_refunds[..made_by_refunds.find("</li>").expect("its end")];
    assert_eq!(
        made_by_refunds.matches("refundPayment POST").count(),
        7,
        "six refunds and one retry: {made_by_refunds}"
    );
    assert_eq!(refused.matches("class=\"arrow looked").count(), 2, "{refused}");

    let shot = epayment_contract::target_dir().join("contract/report-failed-run.png");
    if let Some(parent) = shot.parent() {
        std::fs::create_dir_all(parent).expect("dir");
    }
    let out =
        browse(chromium, &options.report, &["--window-size=1280,2400", &format!("--screenshot={}", shot.display())]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000), "a screenshot at {}", shot.display());
}

/// What `docs/report.png` is a picture of: the code that lays the report out and styles it,
/// and the scenarios it shows. A picture made from other sources is stale.
fn picture_source() -> String {
    let sources = [
        include_str!("../src/reports/html/mod.rs"),
        include_str!("../src/reports/html/assets.rs"),
        include_str!("report-demo/refunds.feature"),
    ];
    // FNV-1a: stable everywhere, and enough to tell sources apart.
    let hash = sources
        .iter()
        .flat_map(|s| s.bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("report source {hash:016x}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picture_of_the_report_in_docs_is_of_the_report_as_it_is_drawn_now() {
    let picture = epayment_contract::workspace_root().join("docs/report.png");
    let source = picture_source();
    let committed = std::fs::read(&picture).ok().and_then(|png| png_text(&png, "Source"));
    if committed.as_deref() == Some(source.as_str()) {
        // The picture is of the report as it is drawn now: checked, nothing to draw.
        return;
    }
    assert!(
        !epayment_devkit::in_ci(),
        "docs/report.png is a picture of another report ({committed:?}, now {source:?}): run \
         `cargo test -p epayment-contract --test reports` where chromium is, and commit docs/report.png"
    );
    let Some(chromium) = chromium() else {
        epayment_devkit::skip_outside_ci("docs/report.png is stale, and there is no chromium here to draw it again");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = Options::new(Target::Sim);
    options.features = epayment_contract::workspace_root().join("crates/epayment-contract/tests/report-demo");
    options.snapshots = dir.path().to_path_buf();
    options.snapshot_policy = SnapshotPolicy::WriteNothing;
    options.junit = dir.path().join("junit.xml");
    options.report = dir.path().join("report.html");
    let summary = epayment_contract::run(&options).await.expect("the run");
    assert_eq!((summary.passed, summary.failed), (1, 1), "the walk-through's run: one failure to show");
    let shot = dir.path().join("report.png");
    let out =
        browse(chromium, &options.report, &["--window-size=1100,1700", &format!("--screenshot={}", shot.display())]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&shot).expect("the screenshot");
    std::fs::create_dir_all(picture.parent().expect("docs/")).expect("docs/");
    std::fs::write(&picture, with_png_text(&png, "Source", &source)).expect("docs/report.png");
    eprintln!("drew docs/report.png again ({source}): commit it");
}

/// The PNG with a `tEXt` chunk `keyword: text` after its header.
fn with_png_text(png: &[u8], keyword: &str, text: &str) -> Vec<u8> {
    // The 8-byte signature, then the IHDR chunk: 4 length, 4 type, 13 data, 4 CRC.
    let header_end = 8 + 4 + 4 + 13 + 4;
    let mut data = keyword.as_bytes().to_vec();
    data.push(0);
    data.extend_from_slice(text.as_bytes());
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    let typed: Vec<u8> = b"tEXt".iter().chain(&data).copied().collect();
    chunk.extend_from_slice(&typed);
    chunk.extend_from_slice(&crc32(&typed).to_be_bytes());
    [&png[..header_end], &chunk, &png[header_end..]].concat()
}

/// The text of the PNG's `tEXt` chunk `keyword`, if it has one.
fn png_text(png: &[u8], keyword: &str) -> Option<String> {
    let mut at = 8;
    while at + 8 <= png.len() {
        let length = u32::from_be_bytes(png[at..at + 4].try_into().ok()?) as usize;
        let data = png.get(at + 8..at + 8 + length)?;
        if &png[at + 4..at + 8] == b"tEXt" {
            let (name, text) = data.split_at(data.iter().position(|b| *b == 0)?);
            if name == keyword.as_bytes() {
                return String::from_utf8(text[1..].to_vec()).ok();
            }
        }
        at += 12 + length;
    }
    None
}

/// The CRC-32 a PNG chunk ends with.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn a_png_keeps_the_text_it_is_given() {
    let signature = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let header = [&[0, 0, 0, 13][..], b"IHDR", &[0; 13], &[0; 4]].concat();
    let png = [&signature[..], &header, b"\0\0\0\0IEND\xae\x42\x60\x82"].concat();
    let marked = with_png_text(&png, "Source", "report source 1");
    assert_eq!(png_text(&marked, "Source").as_deref(), Some("report source 1"));
    assert_eq!(png_text(&png, "Source"), None);
    assert_eq!(crc32(b"IEND"), 0xae42_6082, "the CRC of PNG's own IEND chunk");
}
