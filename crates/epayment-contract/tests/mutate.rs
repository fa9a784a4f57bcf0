//! `--mutate` on a feature of its own: the rule its scenario pins is noticed, the others are
//! listed as noticed by no scenario, the score and `--min-score` follow (the binary's exit
//! code), and no snapshot is written.

const PINS_CAPTURE_AMOUNT: &str = "Feature: Too much\n\n  Scenario: Capturing more than was authorized\n    \
    Given a payment of 10.00 NOK has been authorized\n    When the merchant captures 10.01 NOK\n    \
    Then the capture is rejected with error code 6090\n";

#[test]
fn a_mutation_run_names_the_scenario_that_notices_each_rule_and_scores_them() {
    let dir = tempfile::tempdir().expect("a folder");
    let features = dir.path().join("features");
    let snapshots = dir.path().join("snapshots");
    std::fs::create_dir_all(&features).expect("features");
    std::fs::create_dir_all(&snapshots).expect("snapshots");
    std::fs::write(features.join("too_much.feature"), PINS_CAPTURE_AMOUNT).expect("a feature");
    let junit = dir.path().join("reports/junit.xml");
    // The harness's binary, as `cargo xtask contract --mutate` runs it.
    let run = |extra: &[&str]| {
        let harness = env!("CARGO_BIN_EXE_epayment-contract");
        std::process::Command::new(harness)
            .arg("--mutate")
            .arg("--features")
            .arg(&features)
            .arg("--snapshots")
            .arg(&snapshots)
            .arg("--junit")
            .arg(&junit)
            .args(extra)
            .output()
            .unwrap_or_else(|e| panic!("{harness}: {e}"))
    };
    let first = run(&[]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(0), "{stderr}");
    // A failing step under a mutant is the verdict, not news: runs at once keep it quiet.
    assert!(!stderr.contains("panicked"), "{stderr}");
    let markdown = std::fs::read_to_string(dir.path().join("reports/rules.md")).expect("rules.md");
    // Each mutant of a row with who noticed it: the swap and the one øre over by the scenario,
    // switched off by it too (the capture goes through).
    let pinned = "| `capture-amount` | swap (its refusal answers with another error code (or status)): \
        too_much.feature:3 Capturing more than was authorized<br>off (switched off: the call goes on as if the \
        rule held): too_much.feature:3 Capturing more than was authorized<br>boundary (one øre more than is left \
        may be captured): too_much.feature:3 Capturing more than was authorized |";
    assert!(markdown.contains(pinned), "{markdown}");
    let unreached = "| `refund-amount` | swap (its refusal answers with another error code (or status)): **no scenario \
        notices this (none goes through its check)**<br>";
    assert!(markdown.contains(unreached), "{markdown}");
    // Every capture asks whether it follows a cancel; none of these fails when that is off.
    let reached = "| `capture-after-cancel` | swap (its refusal answers with another error code (or status)): **no \
        scenario notices this (1 goes through its check, none fails)**<br>";
    assert!(markdown.contains(reached), "{markdown}");
    assert!(markdown.contains("| `webhook-signature` | no mutant"), "{markdown}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("reports/rules.json")).expect("rules.json"))
            .expect("JSON");
    let (noticed, mutants) = (json["noticed"].as_u64().unwrap_or(0), json["mutants"].as_u64().unwrap_or(0));
    assert!(noticed >= 1 && noticed < mutants, "{noticed} of {mutants}");
    assert!(markdown.contains(&format!("**{noticed} of {mutants} rule mutants noticed**")), "{markdown}");
    assert!(!markdown.contains("Defect of the tool"), "no mutant crashes the model: {markdown}");
    let below = run(&["--min-score", "0.9"]);
    assert_eq!(below.status.code(), Some(1), "below the minimum");
    let needed = (0.9 * mutants as f64).ceil();
    let said = format!("{noticed} of {mutants} noticed is below --min-score 0.9, which needs {needed} of {mutants}");
    assert!(String::from_utf8_lossy(&below.stdout).contains(&said), "and it says so in counts");
    assert_eq!(std::fs::read_dir(&snapshots).expect("snapshots").count(), 0, "no snapshot written");
    assert!(!dir.path().join("reports/mutants").exists(), "the runs' scratch reports are removed");
}
