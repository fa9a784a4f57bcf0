//! Every option `cargo xtask contract --help` lists, observed doing what it says: a table names
//! the test that watches each one work (a test holds the table to `--help`), and the tests
//! here watch those no other test did: --tags, --concurrency, the retries (--retry,
//! --retry-after, --retry-tag-filter against a sandbox whose faults this test injects), -v,
//! --color, --check-steps, --write-steps, and where the reports and snapshots go.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use epayment_sim::{Endpoint, Simulator};

/// Each option of `--help`, and the test that sees it take effect.
const OBSERVED: &[(&str, &str)] = &[
    ("--name", "qa_runs.rs: fail_fast_stops_at_the_first_failure_and_retry_verbosity_colour_are_taken"),
    ("--tags", "options.rs: tags_and_the_places_of_features_reports_and_snapshots"),
    ("--input", "qa_runs.rs: input_selects_the_files_its_glob_matches_and_an_empty_selection_exits_2"),
    ("--concurrency", "options.rs: concurrency_one_runs_the_scenarios_one_after_the_other"),
    ("--fail-fast", "qa_runs.rs: fail_fast_stops_at_the_first_failure_and_retry_verbosity_colour_are_taken"),
    ("--retry", "options.rs: a_scenario_that_fails_once_passes_when_retried"),
    ("--retry-after", "options.rs: a_scenario_that_fails_once_passes_when_retried"),
    ("--retry-tag-filter", "options.rs: only_the_tagged_scenarios_are_retried"),
    ("--color", "options.rs: verbosity_and_colour_change_what_the_console_prints"),
    ("--target", "remote.rs (the features against a standalone sandbox)"),
    ("--compare", "compare.rs"),
    ("--features", "options.rs: tags_and_the_places_of_features_reports_and_snapshots"),
    ("--snapshots", "options.rs: tags_and_the_places_of_features_reports_and_snapshots"),
    ("--junit", "options.rs: tags_and_the_places_of_features_reports_and_snapshots"),
    ("--report", "options.rs: tags_and_the_places_of_features_reports_and_snapshots"),
    ("--cucumber-json", "options.rs: tags_and_the_places_of_features_reports_and_snapshots"),
    ("--no-cucumber-json", "options.rs: tags_and_the_places_of_features_reports_and_snapshots"),
    ("--messages", "options.rs: tags_and_the_places_of_features_reports_and_snapshots"),
    ("--no-messages", "options.rs: tags_and_the_places_of_features_reports_and_snapshots"),
    ("--check-steps", "options.rs: check_steps_names_the_slip_and_runs_nothing"),
    ("--allow-no-scenarios", "qa_runs.rs: a_filter_that_selects_nothing_is_an_error_naming_it_unless_asked_for"),
    ("--write-steps", "options.rs: write_steps_writes_the_step_list_from_the_catalogue"),
    ("--mutate", "mutate.rs"),
    ("--min-score", "mutate.rs"),
    ("--help", "cli/args.rs: help_is_the_harnesss_own_under_the_name_people_type_and_exits_0"),
    ("-v", "options.rs: verbosity_and_colour_change_what_the_console_prints"),
];

#[test]
fn every_option_of_help_is_observed_by_a_test() {
    let help = epayment_contract::usage();
    let option = regex::Regex::new(r"^\s+(?:-[a-zA-Z](?:, |\.\.\.)|)(--[a-z][a-z-]*)?").expect("a regex");
    let mut listed: Vec<&str> = Vec::new();
    for line in help.lines() {
        if line.trim_start().starts_with("-v...") {
            listed.push("-v");
        } else if let Some(flag) = option.captures(line).and_then(|c| c.get(1)) {
            listed.push(flag.as_str());
        }
    }
    assert!(listed.len() > 20, "the options of --help: {listed:?}");
    for flag in &listed {
        assert!(OBSERVED.iter().any(|(o, _)| o == flag), "`{flag}` is in --help: name the test that observes it");
    }
    for (flag, _) in OBSERVED {
        assert!(listed.contains(flag), "{flag} is not in --help any more");
    }
}

/// The harness's binary, run with `args` in `dir` (no CI in its environment: local snapshots).
fn harness(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_epayment-contract"));
    command.args(args).current_dir(dir).env_remove("CI").env_remove("CUCUMBER_FILTER_TAGS").env("NO_COLOR", "1");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the harness runs")
}

/// A folder with `features/` holding `files`.
fn features(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::create_dir_all(dir.path().join("features")).expect("features");
    for (name, text) in files {
        std::fs::write(dir.path().join("features").join(name), text).expect("a feature");
    }
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const TWO: &str = "Feature: Two\n\n  @first\n  Scenario: first\n    Given a payment of 10.00 NOK has been authorized\n    \
    Then the payment state is AUTHORIZED\n\n  Scenario: second\n    Given a payment of 10.00 NOK has been created\n    \
    Then the payment state is CREATED\n";

#[test]
fn tags_and_the_places_of_features_reports_and_snapshots() {
    let dir = features(&[("two.feature", TWO)]);
    let at = |name: &str| dir.path().join(name).display().to_string();
    let args = ["--features", "features", "--tags", "@first", "--snapshots", "snaps", "--junit", "out/j.xml"];
    let more = ["--report", "out/r.html", "--cucumber-json", "out/c.json", "--messages", "out/m.ndjson"];
    let ran = harness(dir.path(), &[&args[..], &more[..]].concat(), &[]);
    assert!(ran.status.success(), "{}", stdout(&ran));
    let junit = std::fs::read_to_string(at("out/j.xml")).expect("--junit places the JUnit report");
    assert!(junit.contains("tests=\"1\"") && junit.contains("first") && !junit.contains("\"second\""), "{junit}");
    assert!(std::fs::read_to_string(at("out/r.html")).is_ok_and(|html| html.contains("first")), "--report");
    assert!(std::fs::read_to_string(at("out/c.json")).is_ok_and(|json| json.contains("first")), "--cucumber-json");
    assert!(std::fs::read_to_string(at("out/m.ndjson")).is_ok_and(|m| m.contains("testCaseStarted")), "--messages");
    // A folder that did not exist: it is made (it was not, and the snapshot went nowhere).
    assert!(dir.path().join("snaps/two__first.snap.new").exists(), "--snapshots: the new snapshot goes there");
    let quiet = ["--features", "features", "--junit", "none/j.xml", "--no-cucumber-json", "--no-messages"];
    let quiet = harness(dir.path(), &quiet, &[]);
    assert!(quiet.status.success(), "{}", stdout(&quiet));
    assert!(dir.path().join("none/j.xml").exists() && dir.path().join("none/report.html").exists());
    assert!(!dir.path().join("none/cucumber.json").exists() && !dir.path().join("none/messages.ndjson").exists());
    assert!(harness(dir.path(), &["--features", "features", "--junit", "none/j.xml"], &[]).status.success());
    assert!(dir.path().join("none/cucumber.json").exists(), "beside the JUnit report unless turned off");
}

/// Each step's start in `messages.ndjson`, in nanoseconds, by scenario (test case) in order.
fn step_starts(messages: &str) -> Vec<Vec<i128>> {
    let mut by_case: Vec<(String, Vec<i128>)> = Vec::new();
    for line in messages.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        let Some(step) = value.get("testStepStarted") else { continue };
        let case = step["testCaseStartedId"].as_str().unwrap_or_default().to_owned();
        let at = &step["timestamp"];
        let nanos = i128::from(at["seconds"].as_i64().unwrap_or_default()) * 1_000_000_000
            + i128::from(at["nanos"].as_i64().unwrap_or_default());
        match by_case.iter_mut().find(|(c, _)| *c == case) {
            Some((_, starts)) => starts.push(nanos),
            None => by_case.push((case, vec![nanos])),
        }
    }
    by_case.into_iter().map(|(_, starts)| starts).collect()
}

/// Two scenarios that each wait for a late answer (200 ms of real time).
const LATE: &str = "Feature: Late\n\n  Scenario: one\n    Given a payment of 10.00 NOK has been authorized\n    \
    And the API answers the next capture only after 200 ms\n    When the merchant captures 2.50 NOK\n    \
    Then the capture succeeds\n\n  Scenario: two\n    Given a payment of 10.00 NOK has been authorized\n    \
    And the API answers the next capture only after 200 ms\n    When the merchant captures 2.50 NOK\n    \
    Then the capture succeeds\n";

#[test]
fn concurrency_one_runs_the_scenarios_one_after_the_other() {
    let dir = features(&[("late.feature", LATE)]);
    let overlap = |concurrency: &str| {
        let args = ["--features", "features", "--junit", "out/j.xml", "--concurrency", concurrency];
        assert!(harness(dir.path(), &args, &[]).status.success());
        let messages = std::fs::read_to_string(dir.path().join("out/messages.ndjson")).expect("messages");
        let [a, b] = <[Vec<i128>; 2]>::try_from(step_starts(&messages)).expect("two scenarios");
        let span = |s: &[i128]| (s.iter().min().copied().unwrap_or(0), s.iter().max().copied().unwrap_or(0));
        let ((a0, a1), (b0, b1)) = (span(&a), span(&b));
        a0 < b1 && b0 < a1
    };
    assert!(!overlap("1"), "--concurrency 1: one scenario's steps all start before the other's");
    assert!(overlap("2"), "--concurrency 2: both run at once");
}

#[test]
fn verbosity_and_colour_change_what_the_console_prints() {
    let dir = features(&[("two.feature", TWO)]);
    let run = |extra: &[&str]| {
        let out = harness(dir.path(), &[&["--features", "features", "--junit", "out/j.xml"][..], extra].concat(), &[]);
        assert!(out.status.success(), "{}", stdout(&out));
        stdout(&out)
    };
    let plain = run(&[]);
    assert!(!plain.contains("Then the payment state is AUTHORIZED"), "without -v a passing step is not printed");
    assert!(!plain.contains('\u{1b}'), "NO_COLOR and no terminal: no colour");
    let verbose = run(&["-v"]);
    assert!(verbose.contains("Then the payment state is AUTHORIZED"), "-v prints every step: {verbose}");
    assert!(run(&["--color", "always"]).contains("\u{1b}["), "--color always paints");
    assert!(!run(&["--color", "never", "-v"]).contains('\u{1b}'), "--color never does not");
}

#[test]
fn check_steps_names_the_slip_and_runs_nothing() {
    let slip = "Feature: Slip\n\n  Scenario: slip\n    Given a payment of 10 NOK has been authorized\n";
    let dir = features(&[("slip.feature", slip)]);
    let out = harness(dir.path(), &["--features", "features", "--junit", "out/j.xml", "--check-steps"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let said = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("slip.feature:4") && said.contains("{money} has two decimals: `10.00 NOK`"), "{said}");
    assert!(!dir.path().join("out/j.xml").exists(), "nothing ran, so no report");
}

#[test]
fn write_steps_writes_the_step_list_from_the_catalogue() {
    let path = epayment_contract::workspace_root().join("features/STEPS.md");
    let committed = std::fs::read_to_string(&path).expect("STEPS.md");
    let dir = tempfile::tempdir().expect("a folder");
    let out = harness(dir.path(), &["--write-steps"], &[]);
    assert!(out.status.success(), "{}", stdout(&out));
    let written = std::fs::read_to_string(&path).expect("STEPS.md");
    assert_eq!(written, committed, "the committed list is the catalogue's (else run `cargo xtask steps`)");
    assert!(written.contains("`When the merchant captures {money} and cancels the payment at the same time`"));
}

/// The keys of `sim`, for a run that targets it as a sandbox.
fn keys(sim: &Simulator) -> Vec<(&'static str, String)> {
    let c = sim.credentials();
    vec![
        ("VIPPS_CLIENT_ID", c.client_id),
        ("VIPPS_CLIENT_SECRET", c.client_secret),
        ("VIPPS_SUBSCRIPTION_KEY", c.subscription_key),
        ("VIPPS_MERCHANT_SERIAL_NUMBER", "123456".to_owned()),
    ]
}

/// Runs the harness against `sim` (a sandbox: scenarios one at a time), off the runtime's
/// threads so that `sim` keeps answering; the output and how long it took.
async fn against(sim: &Simulator, dir: &Path, extra: &[&str]) -> (Output, Duration) {
    let (url, env, dir) = (sim.uri(), keys(sim), dir.to_owned());
    let mut args: Vec<String> =
        ["--target", &url, "--features", "features", "--junit", "out/j.xml"].map(str::to_owned).to_vec();
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = harness(&dir, &refs, &env);
        (out, started.elapsed())
    })
    .await
    .expect("the run")
}

/// How many creates `sim` answered.
fn creates(sim: &Simulator) -> usize {
    sim.exchanges().iter().filter(|e| e.operation == "createPayment").count()
}

const CREATES: &str = "Feature: Flaky\n\n  @flaky\n  Scenario: creates\n    Given a payment of 10.00 NOK has been created\n    \
    Then the payment state is CREATED\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenario_that_fails_once_passes_when_retried() {
    let sim = Simulator::start().await;
    let dir = features(&[("flaky.feature", CREATES)]);
    sim.fail_next(Endpoint::Create, 1, 400);
    let (once, _) = against(&sim, dir.path(), &[]).await;
    assert_eq!(once.status.code(), Some(1), "not retried, the injected 400 fails it: {}", stdout(&once));
    assert_eq!(creates(&sim), 1);
    sim.fail_next(Endpoint::Create, 1, 400);
    let (retried, _) = against(&sim, dir.path(), &["--retry", "1"]).await;
    assert!(retried.status.success(), "--retry 1: the second attempt passes: {}", stdout(&retried));
    assert_eq!(creates(&sim), 3, "the retry ran the scenario again");
    // A green run says it took a retry: on the console, in its ending, in JUnit and HTML.
    let said = stdout(&retried);
    assert!(
        said.contains("↻ passed on attempt 2; attempt 1: `Given a payment of 10.00 NOK has been created` failed"),
        "{said}"
    );
    assert!(said.contains("PASSED ON A RETRY flaky.feature:4 creates: passed on attempt 2"), "{said}");
    let junit = std::fs::read_to_string(dir.path().join("out/j.xml")).expect("junit");
    assert!(junit.contains("failures=\"0\"") && junit.contains("<flakyFailure message=\"`Given a payment"), "{junit}");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).expect("the HTML report");
    assert!(html.contains("<span class=\"status\">passed on a retry</span>"), "the HTML report says so too");
    let messages = std::fs::read_to_string(dir.path().join("out/messages.ndjson")).expect("the Messages report");
    assert!(messages.contains("\"attempt\":1"), "Messages number the attempt that passed: {messages}");
    sim.fail_next(Endpoint::Create, 2, 400);
    let (twice, _) = against(&sim, dir.path(), &["--retry", "1"]).await;
    assert_eq!(twice.status.code(), Some(1), "both attempts fail: {}", stdout(&twice));
    let junit = std::fs::read_to_string(dir.path().join("out/j.xml")).expect("junit");
    assert!(junit.contains("<failure ") && junit.contains("<rerunFailure message=\"`Given a payment"), "{junit}");
    assert!(stdout(&twice).contains("↻ failed on attempt 2; attempt 1: "), "{}", stdout(&twice));
    sim.fail_next(Endpoint::Create, 1, 400);
    let (waited, took) = against(&sim, dir.path(), &["--retry", "1", "--retry-after", "2s"]).await;
    assert!(waited.status.success(), "{}", stdout(&waited));
    assert!(took >= Duration::from_secs(2), "--retry-after 2s waits before the retry: the run took {took:?}");
}

const TWO_FLAKY: &str = "Feature: Flaky\n\n  @flaky\n  Scenario: creates\n    Given a payment of 10.00 NOK has been created\n    \
    Then the payment state is CREATED\n\n  Scenario: captures\n    Given a payment of 10.00 NOK has been authorized\n    \
    When the merchant captures 2.50 NOK\n    Then the capture succeeds\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_tagged_scenarios_are_retried() {
    let sim = Simulator::start().await;
    let dir = features(&[("flaky.feature", TWO_FLAKY)]);
    let faults = || {
        sim.fail_next(Endpoint::Create, 1, 400);
        sim.fail_next(Endpoint::Capture, 1, 400);
    };
    faults();
    let (filtered, _) = against(&sim, dir.path(), &["--retry", "1", "--retry-tag-filter", "@flaky"]).await;
    assert_eq!(filtered.status.code(), Some(1), "{}", stdout(&filtered));
    let junit = std::fs::read_to_string(dir.path().join("out/j.xml")).expect("junit");
    assert!(junit.contains("tests=\"2\" failures=\"1\""), "the untagged one was not retried: {junit}");
    assert!(stdout(&filtered).contains("FAILED flaky.feature:8 captures"), "{}", stdout(&filtered));
    sim.clear_faults();
    faults();
    let (all, _) = against(&sim, dir.path(), &["--retry", "1"]).await;
    assert!(all.status.success(), "without the filter both are retried: {}", stdout(&all));
}
