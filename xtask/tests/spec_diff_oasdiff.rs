//! spec-diff against oasdiff's rules: `xtask/src/spec_diff/oasdiff-rules.toml` maps every rule
//! of oasdiff to the spec-diff check that reports the same change, or says why none does, and
//! lists the checks that go further. A new check that is in neither list, an oasdiff rule
//! listed twice or a tracking guide (docs/tracking-the-document.md) whose count of covered rules is stale fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use xtask::spec_diff::Check;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Table {
    oasdiff_rules: usize,
    covered: BTreeMap<String, Vec<String>>,
    uncovered: Vec<Uncovered>,
    beyond: Vec<Beyond>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Uncovered {
    why: String,
    oasdiff: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Beyond {
    checks: Vec<String>,
    why: String,
}

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn table() -> Table {
    toml::from_str(&read("src/spec_diff/oasdiff-rules.toml")).unwrap_or_else(|e| panic!("oasdiff-rules.toml: {e}"))
}

/// Every oasdiff rule id the table names, covered or not, with how often.
fn rule_counts(table: &Table) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    let ids = table.covered.values().flatten().chain(table.uncovered.iter().flat_map(|u| &u.oasdiff));
    for id in ids {
        *counts.entry(id.as_str()).or_insert(0) += 1;
    }
    counts
}

#[test]
fn every_check_is_covered_or_goes_further_and_names_a_real_check() {
    let table = table();
    let beyond: BTreeSet<&str> = table.beyond.iter().flat_map(|b| b.checks.iter().map(String::as_str)).collect();
    for id in table.covered.keys().map(String::as_str).chain(beyond.iter().copied()) {
        assert!(Check::from_id(id).is_some(), "oasdiff-rules.toml names no spec-diff check: {id}");
    }
    let missing: Vec<&str> = Check::ALL
        .iter()
        .map(|c| c.id())
        .filter(|id| !table.covered.contains_key(*id) && !beyond.contains(id))
        .collect();
    assert!(missing.is_empty(), "spec-diff checks missing from oasdiff-rules.toml (covered or beyond): {missing:?}");
    let both: Vec<&&str> = beyond.iter().filter(|id| table.covered.contains_key(**id)).collect();
    assert!(both.is_empty(), "checks that oasdiff rules cover cannot also go beyond them: {both:?}");
    assert!(table.beyond.iter().all(|b| !b.why.trim().is_empty() && !b.checks.is_empty()));
}

#[test]
fn every_oasdiff_rule_is_listed_once_with_a_check_or_a_reason() {
    let table = table();
    let counts = rule_counts(&table);
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).map(|(id, _)| *id).collect();
    assert!(twice.is_empty(), "oasdiff rules listed more than once: {twice:?}");
    assert_eq!(counts.len(), table.oasdiff_rules, "the table lists another number of rules than it says");
    for rule in counts.keys() {
        assert!(rule.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{rule}");
    }
    for u in &table.uncovered {
        assert!(!u.why.trim().is_empty() && !u.oasdiff.is_empty(), "an uncovered entry needs rules and a reason");
    }
    assert!(table.covered.values().all(|rules| !rules.is_empty()));
}

#[test]
fn the_readme_says_how_many_rules_are_covered() {
    let table = table();
    let covered: usize = table.covered.values().map(Vec::len).sum();
    let readme = read("../docs/tracking-the-document.md");
    let claim = format!("{covered} of oasdiff's {} rules", table.oasdiff_rules);
    assert!(
        readme.contains(&claim),
        "docs/tracking-the-document.md must say \"{claim}\" (from xtask/src/spec_diff/oasdiff-rules.toml)"
    );
}
