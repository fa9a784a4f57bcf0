//! Selection as a QA engineer meets it: a filter that matches nothing, and tags with a slip.

use super::*;

fn features(text: &str) -> Vec<Feature> {
    let feature = Feature::parse(text, GherkinEnv::default()).expect("parses");
    vec![feature.expand_examples().expect("expands")]
}

const QA: &str = "@qa-3\nFeature: QA\n  Scenario: one\n    Given the access token has expired\n\n  @sim_only\n  Scenario: two\n    Given the access token has expired\n";

fn filter(tags: &str) -> Filter {
    Filter {
        tags: Some(tags.parse().expect("a tag expression")),
        tags_text: Some(tags.to_owned()),
        ..Filter::default()
    }
}

#[test]
fn a_filter_that_selects_nothing_says_so_in_one_line_with_the_tag_meant() {
    let features = features(QA);
    let line = nothing_selected(&features, &filter("@qa3"), Path::new("/tmp/qa")).expect("nothing selected");
    assert_eq!(line, "no scenario matches --tags \"@qa3\" (2 scenarios in /tmp/qa); did you mean @qa-3 for @qa3?");
    assert_eq!(nothing_selected(&features, &filter("@qa-3"), Path::new("/tmp/qa")), None);
    let remote = Filter { kind: crate::targets::TargetKind::Sandbox, ..filter("@sim-only") };
    let features = self::features("@sim-only\nFeature: S\n  Scenario: s\n    Given the access token has expired\n");
    let line = nothing_selected(&features, &remote, Path::new("f")).expect("nothing runs");
    assert_eq!(
        line, "every scenario that --tags \"@sim-only\" selects is @sim-only, and a standalone sandbox cannot run it",
        "a sandbox runs @sandbox scenarios: only what it cannot run is named"
    );
    let both = self::features(
        "Feature: S\n  @sim-only\n  Scenario: s\n    Given 15 days pass\n  @sandbox\n  Scenario: t\n    Given 15 days pass\n",
    );
    let real = Filter { kind: crate::targets::TargetKind::Environment, ..Filter::default() };
    let line = nothing_selected(&both, &real, Path::new("f")).expect("nothing runs");
    assert!(line.ends_with("is @sim-only or @sandbox, and a real environment cannot run it"), "{line}");
}

#[test]
fn a_remote_target_leaves_out_what_it_cannot_run() {
    use crate::targets::TargetKind;
    let features = features(
        "Feature: T
  @sim-only
  Scenario: faults
    Given the access token has expired

  @sandbox
  Scenario: days
    Given 15 days pass

  Scenario: any
    Given 15 days pass
",
    );
    let choices = |kind| {
        let filter = Filter { kind, ..Filter::default() };
        scenarios(&features).map(|(f, r, s)| filter.choose(f, r, s)).collect::<Vec<_>>()
    };
    assert_eq!(choices(TargetKind::Simulator), [Choice::Run, Choice::Run, Choice::Run]);
    assert_eq!(choices(TargetKind::Sandbox), [Choice::SimOnly, Choice::Run, Choice::Run]);
    assert_eq!(choices(TargetKind::Environment), [Choice::SimOnly, Choice::SandboxOnly, Choice::Run]);
}

#[test]
fn near_misses_of_documented_tags_and_unknown_filter_tags_are_named() {
    let features = features(QA);
    let problems = check_tags(&features, filter("@qa3 or @sim-choice").tags.as_ref());
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            // A feature read from text has no file: its name stands for it. Line 7 is the scenario's.
            "QA:7: @sim_only is not a tag the harness knows; did you mean @sim-only?",
            "--tags: no scenario is tagged @qa3; did you mean @qa-3?",
            "--tags: no scenario is tagged @sim-choice",
        ]
    );
}

#[test]
fn tags_are_inherited_from_the_feature_and_rule() {
    let features = features("@a\nFeature: F\n  Rule: R\n    @b\n    Scenario: s\n      Given x\n");
    let (f, r, s) = scenarios(&features).next().expect("a scenario");
    assert_eq!(tags_of(f, r, s).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(filter("@a and @b").choose(f, r, s), Choice::Run);
    assert_eq!(filter("@a and not @b").choose(f, r, s), Choice::Out);
}

#[test]
fn a_tag_slip_in_a_file_is_placed_at_the_line_of_the_tag() {
    let dir = tempfile::tempdir().expect("a folder");
    let file = dir.path().join("qa.feature");
    std::fs::write(&file, "Feature: QA\n\n  @sim_only\n  # why\n  @qa-3\n  Scenario: two\n    Given x\n")
        .expect("written");
    let features = load(&file).expect("parses");
    let problems = check_tags(&features, None);
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].place,
        format!("{}:3", crate::reports::console::shown(&file)),
        "the tag's line, not the scenario's"
    );
}
