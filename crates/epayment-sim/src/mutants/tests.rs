//! The table matches the model's check sites, and each kind of mutant changes its rule as it
//! says, by exactly one unit where it moves a limit.

use std::collections::BTreeSet;

use chrono::{TimeDelta, TimeZone as _, Utc};

use super::*;

/// The ids passed as the first argument of `call` anywhere in the crate's sources.
fn tagged(calls: &[&str]) -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeSet::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("the source folder") {
            let path = entry.expect("an entry").path();
            // This folder's own examples are not check sites.
            if path.ends_with("mutants") {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            for call in calls {
                for part in text.split(&format!(".{call}(\"")).skip(1) {
                    found.insert(part.split('"').next().unwrap_or_default().to_owned());
                }
            }
        }
    }
    found
}

fn listed(has: impl Fn(&RuleMutants) -> bool) -> BTreeSet<String> {
    TABLE.iter().filter(|row| has(row)).map(|row| row.rule.to_owned()).collect()
}

#[test]
fn the_table_lists_each_rule_once_with_the_kinds_its_check_sites_allow() {
    let rules: Vec<_> = TABLE.iter().map(|row| row.rule).collect();
    let unique: BTreeSet<_> = rules.iter().collect();
    assert_eq!(unique.len(), rules.len(), "a rule listed twice");
    assert_eq!(listed(|row| row.swap), tagged(&["fidelity"]), "swap: the refusals that name their row");
    assert_eq!(listed(|row| row.boundary.is_some()), tagged(&["most", "least"]), "boundary: the limits asked");
    let can_be_off: BTreeSet<String> = tagged(&["enforced", "most", "least"]);
    let off = listed(|row| row.off);
    assert!(
        off.is_subset(&can_be_off),
        "off without a check site: {:?}",
        off.difference(&can_be_off).collect::<Vec<_>>()
    );
    assert!(tagged(&["enforced"]).is_subset(&off), "a check site asks enforced() of a rule without `off`");
}

#[test]
fn every_mutant_is_of_a_listed_kind_and_the_crash_is_never_among_them() {
    let all: Vec<Mutant> = Mutant::all().collect();
    let counted: usize =
        TABLE.iter().map(|r| usize::from(r.swap) + usize::from(r.off) + usize::from(r.boundary.is_some())).sum();
    assert_eq!(all.len(), counted);
    assert!(all.iter().all(|m| m.kind != Kind::Crash));
    assert_eq!(
        Mutant::of("capture-amount").iter().map(|m| m.kind).collect::<Vec<_>>(),
        [Kind::Swap, Kind::Off, Kind::Boundary]
    );
    assert!(Mutant::of("no-such-rule").is_empty());
    assert_eq!(
        Mutant { rule: "capture-amount", kind: Kind::Boundary }.describe(),
        "one øre more than is left may be captured"
    );
}

#[test]
fn unmutated_rules_answer_as_written() {
    let rules = Rules::default();
    assert!(rules.enforced("capture-amount"));
    assert_eq!(rules.most("capture-amount", 1_000_i64), 1_000);
    assert_eq!(rules.least("create-minimum-amount", 100_i64), 100);
    assert!(!rules.swaps("capture-amount"));
}

#[test]
fn a_swap_changes_its_rules_answer_and_no_other() {
    let rules = Rules::with(Some(Mutant { rule: "capture-amount", kind: Kind::Swap }));
    assert!(rules.swaps("capture-amount"));
    assert!(!rules.swaps("refund-amount"));
    assert!(rules.enforced("capture-amount"), "a swap still checks");
    assert_eq!(rules.most("capture-amount", 10_i64), 10, "and keeps the limit");
}

#[test]
fn off_lifts_its_rule_and_no_other() {
    let rules = Rules::with(Some(Mutant { rule: "capture-amount", kind: Kind::Off }));
    assert!(!rules.enforced("capture-amount"));
    assert_eq!(rules.most("capture-amount", 10_i64), i64::MAX, "no upper limit");
    assert!(rules.enforced("refund-amount"));
    assert_eq!(rules.most("refund-amount", 10_i64), 10);
    let low = Rules::with(Some(Mutant { rule: "create-minimum-amount", kind: Kind::Off }));
    assert_eq!(low.least("create-minimum-amount", 100_i64), i64::MIN, "no lower limit");
    assert!(!rules.swaps("capture-amount"), "off never swaps");
}

#[test]
fn a_boundary_moves_its_limit_by_exactly_one_unit() {
    let of = |rule| Rules::with(Some(Mutant { rule, kind: Kind::Boundary }));
    assert_eq!(of("capture-amount").most("capture-amount", 1_000_i64), 1_001, "one øre");
    assert_eq!(of("create-minimum-amount").least("create-minimum-amount", 100_i64), 99, "one øre lower");
    assert_eq!(of("rate-limits").most("rate-limits", 5_usize), 6, "one call a minute");
    assert_eq!(of("webhook-delivery").most("webhook-delivery", 4_u32), 5, "one retry");
    let days = TimeDelta::days(7);
    assert_eq!(of("capture-deadline").most("capture-deadline", days), days + TimeDelta::seconds(1), "one second");
    let at = Utc.with_ymd_and_hms(2026, 1, 8, 12, 0, 0).single().expect("a date");
    assert_eq!(of("capture-after-guarantee").most("capture-after-guarantee", at), at + TimeDelta::seconds(1));
    assert_eq!(of("capture-amount").most("refund-amount", 1_000_i64), 1_000, "another rule's limit stays");
    assert!(of("capture-amount").enforced("capture-amount"), "a boundary still checks");
}

#[test]
fn the_rules_note_which_rules_were_asked_about() {
    let rules = Rules::with(None);
    let shared = rules.clone();
    assert!(shared.enforced("capture-after-cancel"));
    let _ = shared.most("capture-amount", 1_i64);
    let _ = rules.swaps("refund-amount");
    assert_eq!(rules.consulted(), ["capture-after-cancel", "capture-amount", "refund-amount"], "clones share them");
    assert!(Rules::default().consulted().is_empty(), "the default notes nothing");
}

#[test]
#[should_panic(expected = "the model crashes where capture-amount is checked")]
fn a_crashing_mutant_panics_where_its_rule_is_checked() {
    let rules = Rules::with(Some(Mutant::crashing("capture-amount")));
    assert!(rules.enforced("refund-amount"), "not elsewhere");
    let _ = rules.most("capture-amount", 1_i64);
}

#[tokio::test]
async fn the_sandbox_binary_and_a_default_simulator_carry_no_mutant() {
    let main = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/main.rs")).expect("main.rs");
    assert!(!main.contains(".mutant("), "the sandbox binary never sets a mutant");
    let sim = crate::Simulator::start().await;
    assert_eq!(sim.mutant(), None, "a simulator built without one applies the rules as written");
}
