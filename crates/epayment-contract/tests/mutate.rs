//! `--mutate` on a feature of its own: the rule its scenario pins is noticed, the others are
//! listed as noticed by no scenario, the score and `--min-score` follow, and no snapshot is
//! written.

use std::process::ExitCode;

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
    let run = |extra: &[&str]| {
        let mut args: Vec<String> = ["contract", "--mutate"].map(str::to_owned).to_vec();
        args.extend(["--features".to_owned(), features.display().to_string()]);
        args.extend(["--snapshots".to_owned(), snapshots.display().to_string()]);
        args.extend(["--junit".to_owned(), junit.display().to_string()]);
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        epayment_contract::main(args)
    };
    assert_eq!(run(&[]), ExitCode::SUCCESS);
    let markdown = std::fs::read_to_string(dir.path().join("reports/rules.md")).expect("rules.md");
    assert!(
        markdown.contains("| `capture-amount` | 1 | too_much.feature:3 Capturing more than was authorized |"),
        "{markdown}"
    );
    assert!(markdown.contains("| `refund-amount` | 1 | **no scenario notices this** |"), "{markdown}");
    assert!(markdown.contains("| `webhook-delivery` | 0 | no mutant"), "{markdown}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("reports/rules.json")).expect("rules.json"))
            .expect("JSON");
    let (noticed, mutants) = (json["noticed"].as_u64().unwrap_or(0), json["mutants"].as_u64().unwrap_or(0));
    assert!(noticed >= 1 && noticed < mutants, "{noticed} of {mutants}");
    assert!(markdown.contains(&format!("**{noticed} of {mutants} rule mutants noticed**")), "{markdown}");
    assert_eq!(run(&["--min-score", "0.9"]), ExitCode::FAILURE, "below the minimum");
    assert_eq!(std::fs::read_dir(&snapshots).expect("snapshots").count(), 0, "no snapshot written");
    assert!(!dir.path().join("reports/mutants").exists(), "the runs' scratch reports are removed");
}
