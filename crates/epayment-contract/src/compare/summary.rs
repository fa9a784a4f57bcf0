//! A comparison in counts, for triage: how many scenarios differ, the differences by kind and
//! by FIDELITY.md row (with the row's authority and sureness, and which of the scenarios
//! involved assert a choice of the simulator's, `@sim-choice`); and the block the console ends
//! with.

use std::fmt::{self, Write as _};

use serde::Serialize;

use super::Differences;
use super::rules::Rules;
use crate::reports::text;

/// The differences one FIDELITY.md row governs (or that no row does).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ByRow {
    /// The row's id; none for differences no row governs.
    pub rule: Option<String>,
    /// The row's authority (`facts`, `document`, `our choice`, ...).
    pub authority: Option<String>,
    /// How sure the row is (`high`, `medium`, `low`).
    pub sure: Option<String>,
    /// How many differences it governs.
    pub differences: usize,
    /// How many of them are a scenario's cause (the rest follow from one).
    pub causes: usize,
    /// The scenarios they are in, by place.
    pub scenarios: Vec<String>,
    /// Those of the scenarios tagged `@sim-choice`.
    pub sim_choice: Vec<String>,
}

/// The differences of `found` by row, the row with most differences first.
pub fn by_row(found: &Differences, rules: &Rules) -> Vec<ByRow> {
    let mut rows: Vec<ByRow> = Vec::new();
    for c in &found.compared {
        for d in &c.differences {
            let at = match rows.iter().position(|r| r.rule == d.rule) {
                Some(at) => at,
                None => {
                    let row = d.rule.as_deref().and_then(|id| rules.row(id));
                    rows.push(ByRow {
                        rule: d.rule.clone(),
                        authority: row.map(|r| r.authority.clone()),
                        sure: row.map(|r| r.sure.clone()),
                        ..ByRow::default()
                    });
                    rows.len() - 1
                }
            };
            let row = &mut rows[at];
            row.differences += 1;
            row.causes += usize::from(!d.follows);
            if !row.scenarios.contains(&c.place) {
                row.scenarios.push(c.place.clone());
                if c.sim_choice {
                    row.sim_choice.push(c.place.clone());
                }
            }
        }
    }
    rows.sort_by(|a, b| b.differences.cmp(&a.differences).then_with(|| a.rule.cmp(&b.rule)));
    rows
}

impl ByRow {
    /// In one line: `capture-full-only (facts, high): 12 differences (3 causes) in 3 scenarios,
    /// 1 of them tagged @sim-choice`.
    pub fn line(&self) -> String {
        let row = match (&self.rule, &self.authority, &self.sure) {
            (Some(id), Some(authority), Some(sure)) => format!("{id} ({authority}, {sure})"),
            (Some(id), _, _) => id.clone(),
            (None, _, _) => "no row of FIDELITY.md".to_owned(),
        };
        let choice = match self.sim_choice.len() {
            0 => String::new(),
            n => format!(", {n} of them tagged @sim-choice"),
        };
        format!(
            "{row}: {} in {}{choice}",
            counted(self.differences, "difference", "differences")
                + &format!(" ({})", counted(self.causes, "cause", "causes")),
            counted(self.scenarios.len(), "scenario", "scenarios"),
        )
    }
}

/// `1 scenario`, `3 scenarios`.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The summary, a line each (the markdown's list, the HTML report's, the JSON's numbers).
pub fn lines(found: &Differences) -> Vec<String> {
    let exchanges: usize = found.compared.iter().map(|c| c.exchanges).sum();
    let differing: Vec<_> = found.differing().collect();
    let choice = differing.iter().filter(|c| c.sim_choice).count();
    let all = found.all().count();
    let causes = found.all().filter(|d| !d.follows).count();
    let mut out = vec![
        format!("scenarios compared: {}", found.compared.len()),
        format!(
            "scenarios that differ: {}{}",
            differing.len(),
            if choice > 0 {
                format!(" ({choice} tagged @sim-choice: their rule is the simulator's guess)")
            } else {
                String::new()
            }
        ),
        format!("exchanges compared: {exchanges}"),
        format!(
            "differences: {all} ({causes} the first in their scenario, the cause; {} following from it)",
            all - causes
        ),
    ];
    out.extend(found.by_kind().into_iter().map(|(kind, n)| format!("  {}: {n}", kind.label())));
    let both = found.compared.iter().filter(|c| c.failed_on_both()).count();
    if both > 0 {
        out.push(format!("failed on both sides alike (not a difference, but not a pass either): {both}"));
    }
    out.push(format!("not compared: {}", found.not_compared.len()));
    out
}

/// The block a comparison ends with: a line per scenario that differs (or failed on both
/// sides), the differences by row, what was not compared, where the reports are, and the
/// counts.
pub fn ending(found: &Differences) -> String {
    text(|out| write_ending(out, found))
}

fn write_ending(out: &mut String, found: &Differences) -> fmt::Result {
    if !found.clean() {
        out.push('\n');
    }
    for c in &found.compared {
        if let Some(first) = c.differences.first() {
            let rule = first.rule.as_deref().map(|r| format!(" (FIDELITY.md {r})")).unwrap_or_default();
            writeln!(
                out,
                "DIFFERS {} {}: {}, caused by {} in {}{rule}",
                c.place,
                c.scenario,
                counted(c.differences.len(), "difference", "differences"),
                first.kind.label(),
                if first.operation.is_empty() { "the outcome" } else { &first.operation }
            )?;
        } else if c.failed_on_both() {
            writeln!(out, "FAILED ON BOTH SIDES {} {}: {}", c.place, c.scenario, first_line(&c.target))?;
        }
    }
    if !found.by_row.is_empty() {
        out.push_str("by FIDELITY.md row:\n");
        for row in &found.by_row {
            writeln!(out, "  {}", row.line())?;
        }
    }
    if !found.not_compared.is_empty() {
        let tagged = |tag: &str| found.not_compared.iter().filter(|n| n.tag == tag).count();
        writeln!(
            out,
            "not compared: {} @sim-only and {} @sandbox scenarios the target cannot run (listed in differences.md)",
            tagged("@sim-only"),
            tagged("@sandbox")
        )?;
    }
    writeln!(out, "differences: {}", found.markdown.display())?;
    writeln!(out, "HTML report: {}", found.html.display())?;
    let exchanges: usize = found.compared.iter().map(|c| c.exchanges).sum();
    let kinds: Vec<String> = found.by_kind().into_iter().map(|(kind, n)| format!("{n} {}", kind.label())).collect();
    let kinds = if kinds.is_empty() { String::new() } else { format!(": {}", kinds.join(", ")) };
    writeln!(
        out,
        "compare: {} and {exchanges} exchanges compared, {} differ, {}{kinds}",
        counted(found.compared.len(), "scenario", "scenarios"),
        found.differing().count(),
        counted(found.all().count(), "difference", "differences"),
    )
}

/// The first line of a text.
pub fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}
