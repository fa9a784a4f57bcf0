//! `--compare` against a standalone sandbox started as a process of its own, as a team would
//! compare with the test environment: once as it is (no difference, exit 0); with the rate
//! limits off (exactly the rate-limit scenario differs, each difference naming FIDELITY.md's
//! `rate-limits`, exit 1); paid by Mastercard (a capture guaranteed for 30 days, not 7: every
//! difference names `capture-guarantee`); with full capture only (a part capture's 6140 names
//! `capture-full-only`, the second capture's 6140 against the simulator's 6090
//! `capture-after-full-capture`, and what follows each is filed under it); against nothing
//! (exit 2, and the files say it could not run). Mistakes in the command line or the keys exit
//! 2 before anything runs, and a plain run removes a comparison's files. No report names a key.
//! (That a difference in a normalized field is not reported: `src/compare/diff.rs`.)

mod common;

use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

/// The scenario whose outcome the rate limits decide.
const RATE_LIMITED: &str = "A sixth capture within a minute waits for the rate limit";

/// The scenario that captures again after a full capture.
const AFTER_FULL_CAPTURE: &str = "capture.feature:17";

const KEY_NAMES: [&str; 5] = [
    "VIPPS_CLIENT_ID",
    "VIPPS_CLIENT_SECRET",
    "VIPPS_SUBSCRIPTION_KEY",
    "VIPPS_MERCHANT_SERIAL_NUMBER",
    "VIPPS_TEST_PHONE_NUMBER",
];

fn main() {
    let keys = common::sandbox_keys(String::new());
    let reports = tempfile::tempdir().expect("a folder for the reports");
    usage_mistakes_exit_2_before_anything_runs(&keys, reports.path());
    // SAFETY: set before this test starts any thread (the runs above stopped at their options);
    // the harness reads the keys from the environment, as a team's run would.
    unsafe {
        std::env::set_var("VIPPS_CLIENT_ID", &keys.client_id);
        std::env::set_var("VIPPS_CLIENT_SECRET", &keys.client_secret);
        std::env::set_var("VIPPS_SUBSCRIPTION_KEY", &keys.subscription_key);
        std::env::set_var("VIPPS_MERCHANT_SERIAL_NUMBER", &keys.msn);
    }

    let (sandbox, url) = common::start_sandbox(&[]);
    let same = reports.path().join("same");
    assert_eq!(compare(&url, &same), ExitCode::SUCCESS, "a sandbox as it is: no difference");
    a_plain_run_removes_a_comparisons_files(&url, &same);
    drop(sandbox);
    let found = differences(&same);
    // Both sides write the result formats for QA tools, the simulator's under simulator/.
    for file in ["cucumber.json", "messages.ndjson", "simulator/cucumber.json", "simulator/messages.ndjson"] {
        let text = std::fs::read_to_string(same.join(file)).unwrap_or_default();
        assert!(text.contains("Refund before the payment is authorized"), "{file} tells the compared scenarios");
    }
    assert_eq!(found["summary"]["differences"], 0, "{:#}", found["summary"]);
    let compared = found["summary"]["scenarios_compared"].as_u64().unwrap_or_default();
    assert_eq!(compared, 53, "every scenario a sandbox can run is compared (the scenarios guide says 53)");
    assert!(found["summary"]["exchanges_compared"].as_u64().unwrap_or_default() > 150);
    let not_compared = found["not_compared"].as_array().cloned().unwrap_or_default();
    assert!(!not_compared.is_empty() && not_compared.iter().all(|n| n["tag"] == "@sim-only"), "{not_compared:#?}");
    assert!(not_compared.iter().all(|n| n["reason"].as_str().is_some_and(|r| r.contains("embedded simulator"))));
    assert!(not_compared.iter().any(|n| n["tagged_on"] == "scenario"), "where the tag is: {not_compared:#?}");
    let made_equal = found["made_equal"].as_array().cloned().unwrap_or_default();
    assert!(made_equal.iter().any(|m| m["what"].as_str().is_some_and(|w| w.starts_with("date-times"))));

    let limits_off = reports.path().join("limits-off");
    rate_limits_off_differ_in_one_scenario(&limits_off);
    let mastercard = reports.path().join("mastercard");
    a_longer_capture_guarantee_differs_under_its_row(&mastercard);
    let full_only = reports.path().join("full-capture-only");
    full_capture_only_names_the_rule_each_side_refused_by(&full_only);

    let closed = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a port");
    let nowhere = format!("http://{}", closed.local_addr().expect("its address"));
    drop(closed);
    let unreachable = reports.path().join("nowhere");
    stale(&unreachable);
    assert_eq!(compare(&nowhere, &unreachable), ExitCode::from(2), "a target nobody answers");
    let said = std::fs::read_to_string(unreachable.join("differences.md")).expect("differences.md");
    assert!(said.contains("could not run") && said.contains("cannot be reached"), "{said}");
    assert!(differences(&unreachable)["could_not_run"].as_str().is_some_and(|why| why.contains("cannot be reached")));

    for dir in [&same, &limits_off, &mastercard, &full_only, &unreachable] {
        no_key_or_token_in_the_reports(dir, &keys);
    }
    println!(
        "compare: a sandbox as it is compared equal; its rate limits, card network and sales unit were told apart"
    );
}

/// Two targets, a word for a URL, a key missing, a merchant serial number that is not one, and
/// `--help` (exit 0): told at once, before anything runs or is written.
fn usage_mistakes_exit_2_before_anything_runs(keys: &epayment_contract::Remote, dir: &Path) {
    // SAFETY: no thread has started yet.
    unsafe {
        for name in KEY_NAMES {
            std::env::remove_var(name);
        }
    }
    let junit = dir.join("usage/junit.xml").display().to_string();
    let run = |args: &[&str]| {
        let reports = ["--junit", junit.as_str()];
        let all = ["contract"].iter().chain(args).chain(&reports).map(|a| (*a).to_owned());
        epayment_contract::main(all.collect::<Vec<_>>())
    };
    assert_eq!(run(&["--compare", "http://127.0.0.1:1"]), ExitCode::from(2), "no keys");
    assert_eq!(run(&["--compare", "http://127.0.0.1:1", "--target", "http://127.0.0.1:2"]), ExitCode::from(2));
    assert_eq!(run(&["--compare", "not-a-url"]), ExitCode::from(2));
    assert_eq!(run(&["--help"]), ExitCode::SUCCESS);
    // SAFETY: as above.
    unsafe {
        std::env::set_var("VIPPS_CLIENT_ID", &keys.client_id);
        std::env::set_var("VIPPS_CLIENT_SECRET", &keys.client_secret);
        std::env::set_var("VIPPS_SUBSCRIPTION_KEY", &keys.subscription_key);
        std::env::set_var("VIPPS_MERCHANT_SERIAL_NUMBER", "12");
    }
    assert_eq!(run(&["--compare", "http://127.0.0.1:1"]), ExitCode::from(2), "a merchant serial number of 2 digits");
    assert!(!dir.join("usage").exists(), "nothing ran, so nothing was written");
}

/// With the rate limits off, only the rate-limit scenario differs: the sixth capture is 429 on
/// the simulator and passes on the target, and what follows is filed under `rate-limits`.
fn rate_limits_off_differ_in_one_scenario(dir: &Path) {
    let (sandbox, url) = common::start_sandbox(&["--no-rate-limits"]);
    assert_eq!(compare(&url, dir), ExitCode::FAILURE, "the rate limits off: differences");
    drop(sandbox);
    let found = differences(dir);
    let differing = differing(&found);
    let names: Vec<&str> = differing.iter().filter_map(|s| s["scenario"].as_str()).collect();
    assert_eq!(names, [RATE_LIMITED], "only the scenario the rate limits decide differs");
    let list = differing[0]["differences"].as_array().cloned().unwrap_or_default();
    let kinds: Vec<&str> = list.iter().filter_map(|d| d["kind"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"status"), "the sixth capture: 429 on the simulator, 200 on the target");
    assert_eq!(list[0]["simulator"].as_str().map(|s| s.ends_with("-> 429")), Some(true), "{:#}", list[0]);
    assert_eq!(kinds.last(), Some(&"outcome"), "and the step that counts 429s fails on the target");
    for d in &list {
        assert_eq!(d["rule"], "rate-limits", "each difference names its FIDELITY.md row: {d:#}");
    }
    let follows: Vec<bool> = list.iter().map(|d| d["follows"] == true).collect();
    assert_eq!(follows.iter().filter(|f| !**f).count(), 1, "one cause, the rest follow: {follows:?}");
    let markdown = std::fs::read_to_string(dir.join("differences.md")).expect("differences.md");
    assert!(markdown.contains(&format!("rate_limits.feature:7 {RATE_LIMITED}")), "{markdown}");
    assert!(markdown.contains("| `rate-limits` | facts | high | 4 | 1 | rate_limits.feature:7 | 0 |"), "{markdown}");
    let html = std::fs::read_to_string(dir.join("report.html")).expect("the HTML report");
    assert!(html.contains("difference(s) from the simulator") && html.contains("class=\"sides\""), "both sides shown");
    assert!(html.contains(&format!("<title>Comparison: the simulator and {url}</title>")), "named as a comparison");
    assert!(html.contains("scenarios that differ: 1") && html.contains("Not compared: 25"), "its summary");
}

/// Paid by Mastercard, a payment's capture is guaranteed 30 days after approval on the
/// target and 7 on the simulator: a difference of durations, which the servers' clocks do not
/// hide, in every scenario that reads a payment, each named `capture-guarantee`.
fn a_longer_capture_guarantee_differs_under_its_row(dir: &Path) {
    let (sandbox, url) = common::start_sandbox(&["--card-network", "mastercard"]);
    assert_eq!(compare(&url, dir), ExitCode::FAILURE, "another card network: differences");
    drop(sandbox);
    let found = differences(dir);
    let differing = differing(&found);
    assert!(differing.len() >= 15, "every scenario that reads an authorized payment: {}", differing.len());
    for scenario in &differing {
        let first = &scenario["differences"][0];
        assert_eq!(first["field"], "/response/body/captureGuaranteedUntil", "{first:#}");
        assert_eq!(
            (first["simulator"].as_str(), first["target"].as_str()),
            (Some("\"[t0+168h]\""), Some("\"[t0+720h]\""))
        );
        assert_eq!(scenario["simulator"], "passed", "a scenario can pass on both sides and still differ");
    }
    let rows = found["summary"]["by_row"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["rule"], "capture-guarantee");
    assert!(rows[0]["authority"].as_str().is_some_and(|a| a.starts_with("facts")), "read from FIDELITY.md");
    assert_eq!(rows[0]["sure"], "medium");
    assert_eq!(rows[0]["scenarios"].as_array().map(Vec::len), Some(differing.len()));
}

/// A sales unit with full capture only: a part capture is refused (6140) where the simulator
/// takes it, and a capture after a full capture is 6140 there and the simulator's own choice,
/// 6090, here. Each cause names the row of the rule that refused; what follows takes it.
fn full_capture_only_names_the_rule_each_side_refused_by(dir: &Path) {
    let (sandbox, url) = common::start_sandbox(&["--full-capture-only", "123456"]);
    assert_eq!(compare(&url, dir), ExitCode::FAILURE, "full capture only: differences");
    drop(sandbox);
    let found = differences(dir);
    let differing = differing(&found);
    assert!(differing.len() >= 10, "every scenario with a part capture: {}", differing.len());
    for scenario in &differing {
        let list = scenario["differences"].as_array().cloned().unwrap_or_default();
        let cause = &list[0];
        let expected = if scenario["place"] == AFTER_FULL_CAPTURE {
            assert_eq!(cause["kind"], "error-code", "{cause:#}");
            assert!(cause["simulator"].as_str().is_some_and(|s| s.ends_with("(6090)")), "{cause:#}");
            assert!(cause["target"].as_str().is_some_and(|s| s.ends_with("(6140)")), "{cause:#}");
            assert_eq!(scenario["sim_choice"], true, "it asserts the simulator's choice");
            "capture-after-full-capture"
        } else {
            assert!(cause["target"].as_str().is_some_and(|s| s.ends_with("(6140)")), "{cause:#}");
            "capture-full-only"
        };
        assert_eq!((cause["rule"].as_str(), cause["follows"].as_bool()), (Some(expected), Some(false)), "{cause:#}");
        for d in &list[1..] {
            assert_eq!((d["rule"].as_str(), d["follows"].as_bool()), (Some(expected), Some(true)), "{d:#}");
        }
    }
    assert!(differing.iter().any(|s| s["place"] == AFTER_FULL_CAPTURE), "the capture after a full capture differs");
    let rows: Vec<(String, String)> = found["summary"]["by_row"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| (r["rule"].as_str().unwrap_or("none").to_owned(), r["authority"].as_str().unwrap_or("").to_owned()))
        .collect();
    let expected = [("capture-full-only", "facts"), ("capture-after-full-capture", "our choice")];
    assert_eq!(rows, expected.map(|(r, a)| (r.to_owned(), a.to_owned())), "by row, most differences first");
    let ending = std::fs::read_to_string(dir.join("differences.md")).expect("differences.md");
    assert!(ending.contains(&format!("scenarios that differ: {} (1 tagged @sim-choice", differing.len())), "{ending}");
}

/// A plain run of one scenario on `url`, its reports beside `dir` where a comparison left its
/// files: it removes them, for they do not describe it.
fn a_plain_run_removes_a_comparisons_files(url: &str, dir: &Path) {
    let elsewhere = dir.parent().expect("a parent").join("plain");
    stale(&elsewhere);
    let junit = elsewhere.join("junit.xml").display().to_string();
    let args = ["contract", "--target", url, "--name", "^Refund before the payment is authorized$", "--junit", &junit];
    assert_eq!(epayment_contract::main(args.map(str::to_owned)), ExitCode::SUCCESS, "the plain run passes");
    assert!(elsewhere.join("junit.xml").exists(), "it wrote its reports");
    for name in ["differences.md", "differences.json"] {
        assert!(!elsewhere.join(name).exists(), "{name} of another run is left beside the plain run's reports");
    }
}

/// Files a previous comparison left in `dir`.
fn stale(dir: &Path) {
    std::fs::create_dir_all(dir).expect("a folder");
    std::fs::write(dir.join("differences.md"), "# a previous comparison\n").expect("differences.md");
    std::fs::write(dir.join("differences.json"), "{\"summary\": {\"differences\": 79}}\n").expect("differences.json");
}

fn no_key_or_token_in_the_reports(dir: &Path, keys: &epayment_contract::Remote) {
    for file in ["differences.md", "differences.json", "report.html", "messages.ndjson", "simulator/messages.ndjson"] {
        let Ok(text) = std::fs::read_to_string(dir.join(file)) else { continue };
        for secret in [&keys.client_secret, &keys.subscription_key] {
            assert!(!text.contains(secret.as_str()), "{file} shows a key");
        }
        // Every token shown is the placeholder.
        for (at, _) in text.match_indices("Bearer ") {
            assert!(text[at + 7..].starts_with("[token]"), "{file} shows a token: {}", &text[at..at + 20]);
        }
        for (at, _) in text.match_indices("access_token") {
            let after = text[at + 12..].trim_start_matches(['"', ':', ' ', '\\']);
            assert!(after.starts_with("[token]") || !after.starts_with(char::is_alphanumeric), "{file} shows a token");
        }
    }
}

/// `contract --compare URL`, its reports in `dir`.
fn compare(url: &str, dir: &Path) -> ExitCode {
    let junit = dir.join("junit.xml").display().to_string();
    let args = ["contract", "--compare", url, "--junit", &junit];
    epayment_contract::main(args.into_iter().map(str::to_owned))
}

fn differences(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("differences.json")).expect("differences.json");
    serde_json::from_str(&text).expect("differences.json is JSON")
}

/// The scenarios of a comparison with a difference.
fn differing(found: &Value) -> Vec<Value> {
    found["scenarios"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["differences"].as_array().is_some_and(|d| !d.is_empty()))
        .cloned()
        .collect()
}
