//! `--compare` against a standalone sandbox started as a process of its own, as a team would
//! compare with the test environment: once as it is (no difference, exit 0), once with the
//! rate limits off (exactly the rate-limit scenario differs, each difference naming
//! FIDELITY.md's `rate-limits`, exit 1), and once against nothing (exit 2). No report names a
//! key. (That a difference in a normalized field is not reported: `src/compare/diff.rs`.)

mod common;

use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

/// The scenario whose outcome the rate limits decide.
const RATE_LIMITED: &str = "A sixth capture within a minute waits for the rate limit";

fn main() {
    let keys = common::sandbox_keys(String::new());
    // SAFETY: set before this test starts any thread; the harness reads the keys from the
    // environment, as a team's run would.
    unsafe {
        std::env::set_var("VIPPS_CLIENT_ID", &keys.client_id);
        std::env::set_var("VIPPS_CLIENT_SECRET", &keys.client_secret);
        std::env::set_var("VIPPS_SUBSCRIPTION_KEY", &keys.subscription_key);
        std::env::set_var("VIPPS_MERCHANT_SERIAL_NUMBER", &keys.msn);
    }
    let reports = tempfile::tempdir().expect("a folder for the reports");

    let (sandbox, url) = common::start_sandbox(&[]);
    let same = reports.path().join("same");
    assert_eq!(compare(&url, &same), ExitCode::SUCCESS, "a sandbox as it is: no difference");
    drop(sandbox);
    let found = differences(&same);
    assert_eq!(found["summary"]["differences"], 0, "{:#}", found["summary"]);
    let compared = found["summary"]["scenarios_compared"].as_u64().unwrap_or_default();
    assert!(compared >= 35, "every scenario a sandbox can run is compared: {compared}");
    assert!(found["summary"]["exchanges_compared"].as_u64().unwrap_or_default() > 150);
    let not_compared = found["not_compared"].as_array().cloned().unwrap_or_default();
    assert!(!not_compared.is_empty() && not_compared.iter().all(|n| n["tag"] == "@sim-only"), "{not_compared:#?}");
    assert!(not_compared.iter().all(|n| n["reason"].as_str().is_some_and(|r| r.contains("embedded simulator"))));

    let (sandbox, url) = common::start_sandbox(&["--no-rate-limits"]);
    let limits_off = reports.path().join("limits-off");
    assert_eq!(compare(&url, &limits_off), ExitCode::FAILURE, "the rate limits off: differences");
    drop(sandbox);
    let found = differences(&limits_off);
    let differing: Vec<&Value> = found["scenarios"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["differences"].as_array().is_some_and(|d| !d.is_empty()))
        .collect();
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
    let markdown = std::fs::read_to_string(limits_off.join("differences.md")).expect("differences.md");
    assert!(markdown.contains(&format!("rate_limits.feature:7 {RATE_LIMITED}")), "{markdown}");
    let html = std::fs::read_to_string(limits_off.join("report.html")).expect("the HTML report");
    assert!(html.contains("difference(s) from the simulator") && html.contains("class=\"sides\""), "both sides shown");

    let closed = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a port");
    let nowhere = format!("http://{}", closed.local_addr().expect("its address"));
    drop(closed);
    assert_eq!(compare(&nowhere, &reports.path().join("nowhere")), ExitCode::from(2), "a target nobody answers");

    for dir in [&same, &limits_off] {
        for file in ["differences.md", "differences.json", "report.html"] {
            let text = std::fs::read_to_string(dir.join(file)).expect("a report");
            for secret in [&keys.client_secret, &keys.subscription_key] {
                assert!(!text.contains(secret.as_str()), "{file} shows a key");
            }
            // Every token shown is the placeholder.
            for (at, _) in text.match_indices("Bearer ") {
                assert!(text[at + 7..].starts_with("[token]"), "{file} shows a token: {}", &text[at..at + 20]);
            }
            for (at, _) in text.match_indices("access_token") {
                let after = text[at + 12..].trim_start_matches(['"', ':', ' ', '\\']);
                assert!(
                    after.starts_with("[token]") || !after.starts_with(char::is_alphanumeric),
                    "{file} shows a token"
                );
            }
        }
    }
    println!("compare: a sandbox as it is compared equal; with the rate limits off only {RATE_LIMITED:?} differed");
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
