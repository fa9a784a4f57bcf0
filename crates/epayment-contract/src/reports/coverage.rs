//! What a mutation run (`--mutate`) found, and `rules.md`: for each FIDELITY.md row its
//! mutants, the scenarios that noticed each (or that none did), a crash where one was a defect
//! of the tool, and the score.

use std::fmt::{self, Write as _};

use epayment_sim::mutants::Kind;
use serde::Serialize;

use crate::reports::text;

/// How many of the scenarios that noticed a mutant `rules.md` names (rules.json has all).
const NAMED: usize = 3;

/// One mutant of a rule, and what the scenarios made of it.
#[derive(Clone, Debug, Serialize)]
pub struct MutantLine {
    /// How it breaks the rule.
    pub kind: Kind,
    /// What it changes, in words.
    pub changes: String,
    /// The scenarios that failed under it: `file:line name`.
    pub noticed_by: Vec<String>,
    /// Why its run is a defect of the tool rather than a verdict (the model crashed, the run
    /// could not run): such a mutant is not noticed.
    pub defect: Option<String>,
}

impl MutantLine {
    /// Whether a scenario noticed it (a crash never counts).
    pub fn noticed(&self) -> bool {
        self.defect.is_none() && !self.noticed_by.is_empty()
    }
}

/// One FIDELITY.md row, and its mutants (none where no mutant reaches the row).
#[derive(Clone, Debug, Serialize)]
pub struct RuleLine {
    /// The row's id.
    pub rule: String,
    /// How many scenarios went through the rule's check on the unmutated run (their model
    /// asked about it): only they run under its mutants.
    pub reached_by: usize,
    /// Its mutants, swap before off before boundary.
    pub mutants: Vec<MutantLine>,
}

/// A whole mutation run.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    /// Mutants some scenario noticed.
    pub noticed: usize,
    /// Mutants made.
    pub mutants: usize,
    /// One line per FIDELITY.md row.
    pub rules: Vec<RuleLine>,
    /// Defects of the tool, each in a sentence: a mutant that crashed the model, a run that
    /// could not run, a rule a mutant reaches that has no row.
    pub defects: Vec<String>,
}

impl Coverage {
    /// The coverage of `rules` (with `defects` of the tool besides theirs).
    pub fn of(rules: Vec<RuleLine>, mut defects: Vec<String>) -> Self {
        let all = || rules.iter().flat_map(|r| r.mutants.iter().map(move |m| (r, m)));
        let noticed = all().filter(|(_, m)| m.noticed()).count();
        let crashed = all().filter_map(|(r, m)| Some(format!("{} {}: {}", r.rule, m.kind.word(), m.defect.as_ref()?)));
        let crashed: Vec<String> = crashed.collect();
        defects.splice(0..0, crashed);
        Self { noticed, mutants: all().count(), rules, defects }
    }

    /// The share noticed (1 when no mutant was made).
    pub fn score(&self) -> f64 {
        if self.mutants == 0 { 1.0 } else { self.noticed as f64 / self.mutants as f64 }
    }

    /// `N of M rule mutants noticed`.
    pub fn sentence(&self) -> String {
        format!("{} of {} rule mutants noticed", self.noticed, self.mutants)
    }

    /// The mutants no scenario noticed, `rule kind`, in the ledger's order.
    pub fn unnoticed(&self) -> Vec<String> {
        let rows = self.rules.iter().flat_map(|r| r.mutants.iter().map(move |m| (r, m)));
        rows.filter(|(_, m)| !m.noticed()).map(|(r, m)| format!("{} {}", r.rule, m.kind.word())).collect()
    }
}

/// One mutant of `line`'s rule, its verdict in words: who noticed it, that nobody did (and
/// whether any scenario went through the rule's check at all), or its defect.
pub fn verdict(line: &RuleLine, mutant: &MutantLine) -> String {
    match (&mutant.defect, mutant.noticed_by.as_slice()) {
        (Some(defect), _) => format!("defect of the tool, not counted as noticed: {defect}"),
        (None, []) if line.reached_by == 0 => "no scenario notices this (none goes through its check)".to_owned(),
        (None, []) if line.reached_by == 1 => {
            "no scenario notices this (1 goes through its check, none fails)".to_owned()
        }
        (None, []) => format!("no scenario notices this ({} go through its check, none fails)", line.reached_by),
        (None, by) if by.len() > NAMED => format!("{}, and {} more", by[..NAMED].join("; "), by.len() - NAMED),
        (None, by) => by.join("; "),
    }
}

/// rules.md: the score, what to read first, then one line per FIDELITY.md row.
pub fn markdown(coverage: &Coverage) -> String {
    text(|out| write_markdown(out, coverage))
}

fn write_markdown(out: &mut String, coverage: &Coverage) -> fmt::Result {
    writeln!(out, "# Rule coverage\n\n**{}** ({:.0} %).\n", coverage.sentence(), coverage.score() * 100.0)?;
    out.push_str(
        "Each mutant breaks one FIDELITY.md rule in the embedded simulator, one way: **swap** (its refusal \
         answers with another error code, or status), **off** (the rule is not checked; the call goes on as \
         if it held), **boundary** (its limit moves by one unit: one øre, one second, one call a minute, one \
         retry). A mutant is noticed when at least one selected scenario fails under it. Snapshots are \
         neither compared nor written on these runs.\n\n",
    );
    for defect in &coverage.defects {
        writeln!(out, "**Defect of the tool**: {defect}\n")?;
    }
    let unnoticed = coverage.unnoticed();
    if !unnoticed.is_empty() {
        writeln!(out, "No scenario notices: {}.\n", unnoticed.join(", "))?;
    }
    out.push_str("| rule | mutants: who notices each |\n| --- | --- |\n");
    for line in &coverage.rules {
        if line.mutants.is_empty() {
            writeln!(out, "| `{}` | no mutant: no check site of the model asks for this rule |", line.rule)?;
            continue;
        }
        let cells: Vec<String> = line
            .mutants
            .iter()
            .map(|m| {
                let verdict = verdict(line, m);
                let verdict = if m.noticed() { verdict } else { format!("**{verdict}**") };
                format!("{} ({}): {verdict}", m.kind.word(), m.changes)
            })
            .collect();
        writeln!(out, "| `{}` | {} |", line.rule, cells.join("<br>").replace('|', "\\|"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_counts_the_scenarios_that_went_through_the_check_in_good_english() {
        let mutant = MutantLine { kind: Kind::Off, changes: String::new(), noticed_by: Vec::new(), defect: None };
        let said = |reached_by: usize| {
            verdict(&RuleLine { rule: "cancel-twice".to_owned(), reached_by, mutants: Vec::new() }, &mutant)
        };
        assert_eq!(said(0), "no scenario notices this (none goes through its check)");
        assert_eq!(said(1), "no scenario notices this (1 goes through its check, none fails)");
        assert_eq!(said(7), "no scenario notices this (7 go through its check, none fails)");
    }
}
