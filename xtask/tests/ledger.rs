//! FIDELITY.md against the simulator: every rule marked in the code (`// fidelity: <id>` under
//! `crates/epayment-sim/src/`) has a row, every test a row names exists, and every scenario
//! that pins a rule of our choice is tagged `@sim-choice`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use xtask::project::workspace_root;

struct Row {
    rule: String,
    does: String,
    authority: String,
    tests: Vec<String>,
}

fn rows(root: &Path) -> Vec<Row> {
    let ledger = std::fs::read_to_string(root.join("FIDELITY.md")).expect("FIDELITY.md at the root");
    ledger
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 5, "five cells: {line}");
            let tests = cells[4].split("`, `").map(|t| t.trim_matches('`').to_owned()).filter(|t| t != "—").collect();
            Row {
                rule: cells[0].trim_matches('`').to_owned(),
                does: cells[1].to_owned(),
                authority: cells[2].to_owned(),
                tests,
            }
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The rules marked in the simulator's code: at the rule (`// fidelity: <id>`), and on the
/// refusals that name their rule (`.fidelity("<id>")`, which the `Sim-Rule` header carries).
fn marked_rules(root: &Path) -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root.join("crates/epayment-sim/src"), &mut files);
    let mut rules = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file");
        for line in text.lines() {
            if let Some(id) = line.trim().strip_prefix("// fidelity: ") {
                rules.insert(id.trim().to_owned());
            }
        }
        rules.extend(named_refusals(&text));
    }
    rules
}

/// The ids in `.fidelity("<id>")` calls of `text`, however the call is laid out.
fn named_refusals(text: &str) -> Vec<String> {
    let compact: String = text.split_whitespace().collect();
    compact.split(".fidelity(\"").skip(1).filter_map(|rest| rest.split_once('"').map(|(id, _)| id.to_owned())).collect()
}

#[test]
fn the_rule_reader_sees_comments_and_named_refusals() {
    let text = "// fidelity: a\nErr(ApiError::rule(1, \"x\")\n    .fidelity(\n \"b-c\"))\nErr(refusal.fidelity(\"d\"))";
    assert_eq!(named_refusals(text), ["b-c", "d"]);
}

#[test]
fn every_rule_in_the_model_has_a_row() {
    let root = workspace_root().expect("run in the workspace");
    let rows = rows(&root);
    assert!(rows.len() >= 40, "the ledger has {} rows", rows.len());
    let listed: BTreeSet<String> = rows.iter().map(|r| r.rule.clone()).collect();
    assert_eq!(listed.len(), rows.len(), "each rule has one row");
    let missing: Vec<_> = marked_rules(&root).into_iter().filter(|r| !listed.contains(r)).collect();
    assert!(missing.is_empty(), "rules marked in crates/epayment-sim/src without a row in FIDELITY.md: {missing:?}");
}

#[test]
fn every_row_names_tests_that_exist() {
    let root = workspace_root().expect("run in the workspace");
    for row in rows(&root) {
        if row.tests.is_empty() {
            assert!(row.does.starts_with("Not modelled"), "{}: a modelled rule needs a test", row.rule);
            continue;
        }
        for test in &row.tests {
            let (file, name) =
                test.split_once("::").unwrap_or_else(|| panic!("{}: `{test}` is not FILE::NAME", row.rule));
            let text = std::fs::read_to_string(root.join(file))
                .unwrap_or_else(|e| panic!("{}: {file} cannot be read: {e}", row.rule));
            let found = if file.ends_with(".feature") {
                text.lines().any(|l| {
                    let l = l.trim();
                    l == format!("Scenario: {name}") || l == format!("Scenario Outline: {name}")
                })
            } else {
                text.contains(&format!("fn {name}("))
            };
            assert!(found, "{}: no test `{name}` in {file}", row.rule);
        }
    }
}

/// The tags that apply to the scenario `name` in `text`: the feature's and its own (the tag
/// lines right above it).
fn scenario_tags(text: &str, name: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut tags = Vec::new();
    if let Some(feature) = lines.iter().position(|l| l.starts_with("Feature:")) {
        for l in lines[..feature].iter().rev().take_while(|l| l.starts_with('@') || l.starts_with('#')) {
            tags.extend(l.split_whitespace().filter(|t| t.starts_with('@')).map(str::to_owned));
        }
    }
    let at = lines.iter().position(|l| l.ends_with(&format!(": {name}")) && l.starts_with("Scenario"));
    if let Some(at) = at {
        for l in lines[..at].iter().rev().take_while(|l| l.starts_with('@') || l.starts_with('#')) {
            tags.extend(l.split_whitespace().filter(|t| t.starts_with('@')).map(str::to_owned));
        }
    }
    tags
}

#[test]
fn scenarios_that_pin_a_choice_say_so() {
    let root = workspace_root().expect("run in the workspace");
    for row in rows(&root).iter().filter(|r| r.authority.starts_with("our choice")) {
        for test in row.tests.iter().filter(|t| t.contains(".feature::")) {
            let (file, name) = test.split_once("::").unwrap_or_default();
            let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
            let tags = scenario_tags(&text, name);
            assert!(
                tags.iter().any(|t| t == "@sim-choice"),
                "{}: `{name}` pins a choice; tag it @sim-choice",
                row.rule
            );
        }
    }
}

#[test]
fn the_tag_reader_sees_feature_and_scenario_tags() {
    let text = "@sim-only\nFeature: F\n\n  @a @sim-choice\n  Scenario: S\n    Given x\n\n  Scenario: T\n";
    assert_eq!(scenario_tags(text, "S"), ["@sim-only", "@a", "@sim-choice"]);
    assert_eq!(scenario_tags(text, "T"), ["@sim-only"]);
}
