//! `epayment-go-live` (`cargo xtask go-live`) as a team runs it: against a sandbox on loopback
//! (the test set, and the production verification a person approves), with what it writes read
//! back: every endpoint row with a reference and a dated request and response, an item failed
//! when the sandbox breaks its rule, and nothing secret in any file. Usage errors run nothing.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use epayment_sim::{Market, SalesUnit, Simulator, SimulatorBuilder, TestCredentials};
use serde_json::Value;

const MSN: &str = "123456";
const CLIENT_SECRET: &str = "go-live-client-secret-7f3a";
const SUBSCRIPTION_KEY: &str = "go-live-subscription-key-91bc";

/// A sandbox on loopback, served by `runtime` while the command runs as a process of its own.
fn sandbox(runtime: &tokio::runtime::Runtime, builder: SimulatorBuilder) -> Simulator {
    let credentials = TestCredentials {
        client_id: "go-live-client".into(),
        client_secret: CLIENT_SECRET.into(),
        subscription_key: SUBSCRIPTION_KEY.into(),
    };
    runtime.block_on(builder.credentials(credentials).start())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime")
}

/// The command with the sandbox's keys in its environment.
fn go_live(sim: Option<&Simulator>, out: &Path, args: &[&str]) -> Command {
    let target = sim.map_or_else(|| "http://127.0.0.1:9".to_owned(), Simulator::uri);
    go_live_at(&target, out, args)
}

/// The command against `target`, with the sandbox's keys in its environment.
fn go_live_at(target: &str, out: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_epayment-go-live"));
    command
        .args(["--target", target, "--out"])
        .arg(out)
        .args(args)
        .env("VIPPS_CLIENT_ID", "go-live-client")
        .env("VIPPS_CLIENT_SECRET", CLIENT_SECRET)
        .env("VIPPS_SUBSCRIPTION_KEY", SUBSCRIPTION_KEY)
        .env("VIPPS_MERCHANT_SERIAL_NUMBER", MSN)
        .env_remove("VIPPS_SYSTEM_NAME")
        .env_remove("VIPPS_SYSTEM_VERSION");
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("the go-live binary runs")
}

fn checklist(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("checklist.json")).expect("checklist.json written");
    serde_json::from_str(&text).expect("checklist.json is JSON")
}

fn item<'a>(checklist: &'a Value, id: &str) -> &'a Value {
    let items = checklist["items"].as_array().expect("items");
    items.iter().find(|i| i["id"] == id).unwrap_or_else(|| panic!("no item {id} in {checklist:#}"))
}

/// Every file under `dir`, read as text.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the folder is there") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
            out.push((path.display().to_string(), text));
        }
    }
    out
}

fn assert_nothing_secret(out: &Path) {
    let written = files(out);
    assert!(written.len() >= 3, "the checklist and the run's reports: {written:?}");
    for (path, text) in &written {
        for secret in [CLIENT_SECRET, SUBSCRIPTION_KEY] {
            assert!(!text.contains(secret), "{path} shows a configured secret");
        }
        for (at, _) in text.match_indices("Bearer ") {
            assert!(text[at..].starts_with("Bearer [token]"), "{path} shows a token: {}", &text[at..at + 40]);
        }
    }
    for name in ["checklist.md", "checklist.html", "checklist.json"] {
        let text = std::fs::read_to_string(out.join(name)).expect("written");
        assert!(!text.contains("4712345678"), "{name} shows a phone number unmasked");
    }
}

#[test]
fn against_a_sandbox_every_endpoint_is_evidenced_with_a_reference_and_a_dated_exchange() {
    let runtime = runtime();
    let sim = sandbox(&runtime, Simulator::builder());
    let out = tempfile::tempdir().expect("a temporary folder");
    let output =
        run(&mut go_live(Some(&sim), out.path(), &["--system-name", "acme-shop", "--system-version", "2.1.0"]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let checklist = checklist(out.path());
    let today = chrono::Utc::now().date_naive();
    let a_month_on = today.checked_add_months(chrono::Months::new(1)).expect("a day").to_string();
    assert_eq!(checklist["evidence_valid_until"], a_month_on.as_str());
    let markdown = std::fs::read_to_string(out.path().join("checklist.md")).expect("checklist.md");
    for id in [
        "create-payment",
        "get-payment",
        "get-event-log",
        "cancel",
        "capture-full",
        "capture-partial",
        "refund-full",
        "refund-partial",
    ] {
        let row = item(&checklist, id);
        assert_eq!(row["status"], "evidenced", "{row:#}");
        let reference = row["references"][0].as_str().unwrap_or_else(|| panic!("{id} has no reference: {row:#}"));
        let evidence = &row["evidence"];
        let at = evidence["at"].as_str().unwrap_or_default();
        assert!(at.starts_with(&today.to_string()), "{id}'s exchange is dated today: {at}");
        assert!(evidence["response"]["status"].as_u64().is_some_and(|s| (200..300).contains(&s)), "{evidence:#}");
        let text = row["text"].as_str().unwrap_or_default();
        let line =
            markdown.lines().find(|l| l.starts_with(&format!("| {text}"))).unwrap_or_else(|| panic!("{id}'s row"));
        assert!(line.contains("| evidenced |") && line.contains(reference) && line.contains(at), "{line}");
    }
    for id in [
        "states",
        "events",
        "system-headers",
        "insufficient-funds",
        "expired-card",
        "aborted-payment",
        "expired-payment",
    ] {
        assert_eq!(item(&checklist, id)["status"], "evidenced", "{id}");
    }
    assert_eq!(item(&checklist, "return-url")["status"], "needs-a-person");
    assert!(
        checklist["warnings"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w.as_str().is_some_and(|w| w.contains("webhook"))))
    );
    assert!(stdout.contains("0 failed"), "{stdout}");
    assert_nothing_secret(out.path());
}

#[test]
fn a_sandbox_that_breaks_a_rule_fails_its_item_and_the_run() {
    let runtime = runtime();
    let full_only = SalesUnit::new(Market::Norway).full_capture_only(true);
    let sim = sandbox(&runtime, Simulator::builder().sales_unit(MSN, full_only));
    let out = tempfile::tempdir().expect("a temporary folder");
    let output = run(&mut go_live(Some(&sim), out.path(), &[]));
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    let checklist = checklist(out.path());
    assert_eq!(item(&checklist, "capture-partial")["status"], "failed");
    assert_eq!(item(&checklist, "capture-full")["status"], "evidenced");
    // No Vipps-System-* headers configured: warned before the run, failed after it.
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("warning: Vipps-System-Name and -Version are not configured")
    );
    assert_eq!(item(&checklist, "system-headers")["status"], "failed");
    assert!(String::from_utf8_lossy(&output.stdout).contains("failed: Partial capture"));
}

#[test]
fn usage_errors_exit_2_and_run_nothing() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let written = out.path().join("go-live");
    let cases: [(&[&str], &str); 4] = [
        (&["--production"], "--confirm-real-money"),
        (&["--production", "--confirm-real-money", "--amount", "1.00 NOK"], "not 1"),
        (&["--production", "--confirm-real-money", "--amount", "1.51 NOK"], "below 2.00"),
        (&["--amount", "5.00 NOK"], "with --production"),
    ];
    for (args, says) in cases {
        let output = run(&mut go_live(None, &written, args));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!written.exists(), "{args:?} wrote something");
    }
    let mut no_target = Command::new(env!("CARGO_BIN_EXE_epayment-go-live"));
    assert_eq!(run(no_target.arg("--out").arg(&written)).status.code(), Some(2));
    let targets = [
        ("https://api.vipps.no", "is production"),
        ("https://API.vipps.no.", "is production"),
        ("https://someone@api.vipps.no", "the host root alone"),
        ("http://127.0.0.1:9/epayment", "the host root alone"),
    ];
    for (target, says) in targets {
        let output = run(&mut go_live_at(target, &written, &[]));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{target}: {stderr}");
        assert!(stderr.contains(says), "{target}: {stderr}");
    }
    let output = run(&mut go_live(None, &written, &["--production", "--confirm-real-money", "--approve-within", "0"]));
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!written.exists());
    let file = out.path().join("a-file");
    std::fs::write(&file, "").expect("a file");
    let output = run(&mut go_live(None, &file, &[]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("a file, not a folder"));
}

#[test]
fn the_production_verification_waits_for_a_person_and_never_force_approves() {
    let runtime = runtime();
    let sim = sandbox(&runtime, Simulator::builder().like_production(true));
    let out = tempfile::tempdir().expect("a temporary folder");
    let mut command = go_live(
        Some(&sim),
        out.path(),
        &[
            "--production",
            "--confirm-real-money",
            "--approve-within",
            "60",
            "--system-name",
            "acme-shop",
            "--system-version",
            "2.1.0",
        ],
    );
    let mut child = command.stderr(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("the go-live binary runs");
    let stderr = child.stderr.take().expect("its stderr");
    let (prompt, prompted) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut seen = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("approve payment ") {
                let _ = prompt.send(rest.split_whitespace().next().unwrap_or_default().to_owned());
            }
            seen.push_str(&line);
            seen.push('\n');
        }
        seen
    });
    let reference = prompted.recv_timeout(Duration::from_secs(120)).expect("the run asks a person to approve");
    // The person, in the app: the sandbox's customer endpoint.
    sim.approve(MSN, &reference).expect("the customer approves");
    let output = child.wait_with_output().expect("the run ends");
    let stderr = reader.join().expect("stderr read");
    assert_eq!(output.status.code(), Some(0), "{}\n{stderr}", String::from_utf8_lossy(&output.stdout));
    assert!(stderr.contains("is not production: this is a rehearsal"), "{stderr}");
    let checklist = checklist(out.path());
    assert_eq!(checklist["production"], true);
    let order = item(&checklist, "production-order");
    assert_eq!(order["status"], "evidenced", "{order:#}");
    assert_eq!(order["references"][0], reference.as_str());
    let ran = std::fs::read_to_string(out.path().join("run/features/production.feature")).expect("the order as it ran");
    assert!(ran.contains("Given a payment of 2.00 NOK has been authorized"), "{ran}");
    for (path, text) in files(out.path()) {
        assert!(!text.contains("/test/payments/"), "{path}: force approve was called");
    }
    assert_nothing_secret(out.path());
}

#[test]
fn a_production_order_nobody_approves_in_time_is_cancelled_and_fails_its_item() {
    let runtime = runtime();
    let sim = sandbox(&runtime, Simulator::builder().like_production(true));
    let out = tempfile::tempdir().expect("a temporary folder");
    let args = [
        "--production",
        "--confirm-real-money",
        "--approve-within",
        "2",
        "--system-name",
        "a",
        "--system-version",
        "1",
    ];
    let output = run(&mut go_live(Some(&sim), out.path(), &args));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let reference = stderr
        .lines()
        .find_map(|l| l.strip_prefix("approve payment ")?.split_whitespace().next())
        .expect("the run asked a person to approve");
    assert!(stderr.contains("was not approved in time, and is cancelled"), "{stderr}");
    let payment = sim.payment(MSN, reference).expect("the sandbox has the payment");
    assert_eq!(payment.state.to_string(), "TERMINATED", "nothing is left for a late approval to reserve");
    assert_eq!(item(&checklist(out.path()), "production-order")["status"], "failed");
}
