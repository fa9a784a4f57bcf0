//! A normal run's model is unmutated; a mutant that crashes the model is a defect of the tool,
//! reported and not counted as noticed.

use super::*;
use crate::targets::Target;
use crate::world::PaymentWorld;
use epayment_sim::mutants::Kind;

#[tokio::test]
async fn a_normal_run_starts_unmutated_simulators_and_only_a_mutation_run_sets_one() {
    let normal = Options::new(Target::Sim);
    assert_eq!(normal.mutant, None, "no option, no mutant");
    let mut world = PaymentWorld::default();
    world.start(&Target::Sim, crate::targets::TargetKind::Simulator, normal.mutant).await;
    assert_eq!(world.sim().mutant(), None, "a normal run's model answers as always");
    for mutant in Mutant::all() {
        let run = quiet(&normal, Path::new("scratch"), Some(mutant));
        assert_eq!(run.mutant, Some(mutant));
        assert_eq!(run.snapshot_policy, Policy::WriteNothing, "a mutant's run writes no snapshot");
        assert!(run.cucumber_json.is_none() && run.messages.is_none(), "nor the run's Cucumber files");
    }
    let mutant = Mutant::all().find(|m| m.kind == Kind::Off);
    world.start(&Target::Sim, crate::targets::TargetKind::Simulator, mutant).await;
    assert_eq!(world.sim().mutant(), mutant);
}

const CAPTURES: &str = "Feature: Too much\n\n  Scenario: Capturing more than was authorized\n    \
    Given a payment of 10.00 NOK has been authorized\n    When the merchant captures 10.01 NOK\n    \
    Then the capture is rejected with error code 6090\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashing_mutant_is_a_defect_of_the_tool_and_not_noticed() {
    let dir = tempfile::tempdir().expect("a folder");
    let features = dir.path().join("features");
    std::fs::create_dir_all(&features).expect("features");
    std::fs::write(features.join("too_much.feature"), CAPTURES).expect("a feature");
    let mut options = Options::new(Target::Sim);
    options.features = features;
    options.junit = dir.path().join("reports/junit.xml");
    options.report = dir.path().join("reports/report.html");
    options.quiet = true;
    let swap = Mutant { rule: "capture-amount", kind: Kind::Swap };
    let coverage = mutate_with(&options, vec![Mutant::crashing("capture-amount"), swap], 2).await.expect("a run");
    assert_eq!((coverage.noticed, coverage.mutants), (1, 2), "{coverage:?}");
    let line = coverage.rules.iter().find(|r| r.rule == "capture-amount").expect("the rule's line");
    let crashed = &line.mutants[0];
    assert!(!crashed.noticed(), "a crash is never noticed");
    assert!(crashed.defect.as_deref().is_some_and(|d| d.contains("the model crashed")), "{crashed:?}");
    assert!(
        coverage.defects.iter().any(|d| d.starts_with("capture-amount crash: the model crashed")),
        "{:?}",
        coverage.defects
    );
    assert_eq!(line.mutants[1].noticed_by, ["too_much.feature:3 Capturing more than was authorized"]);
    let markdown = std::fs::read_to_string(dir.path().join("reports/rules.md")).expect("rules.md");
    assert!(markdown.contains("**Defect of the tool**: capture-amount crash"), "{markdown}");
    let page = std::fs::read_to_string(dir.path().join("reports/report.html")).expect("report.html");
    assert!(
        page.contains("<h2>Rule coverage</h2>") && page.contains("1 of 2 rule mutants noticed"),
        "the report's section"
    );
}
