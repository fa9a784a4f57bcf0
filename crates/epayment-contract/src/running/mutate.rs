//! `--mutate`: which of the simulator's rules the selected scenarios would notice. For each
//! FIDELITY.md rule a mutant can reach (the rules whose refusals name their row), the
//! scenarios run once more against embedded simulators whose answer for that rule is swapped
//! (`epayment_sim::mutants`); the mutant is noticed when a scenario fails. Snapshots are
//! neither compared nor written on these runs (each reads an empty folder and writes nothing):
//! what notices a mutant is a step of a scenario, in QA's words. The rows, the scenarios that
//! noticed each mutant and the score go to `rules.md` and `rules.json` beside the JUnit report.

use std::path::PathBuf;

use epayment_sim::mutants::{Mutant, RULES};
use serde::Serialize;

use crate::compare::rules::Rules;
use crate::running::RunError;
use crate::running::options::Options;
use crate::running::verdict::snapshots::Policy;

/// One FIDELITY.md row, and what the mutation runs made of it.
#[derive(Clone, Debug, Serialize)]
pub struct RuleLine {
    /// The row's id.
    pub rule: String,
    /// Mutants made of it: 1 (its answer swapped), or 0 where no refusal names the row.
    pub mutants: usize,
    /// The scenarios that failed under its mutant: `file:line name`.
    pub noticed_by: Vec<String>,
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
    /// Runs that could not run under a mutant: a defect of the tool, not a notice.
    pub defects: Vec<String>,
}

impl Coverage {
    /// The share noticed (1 when no mutant was made).
    pub fn score(&self) -> f64 {
        if self.mutants == 0 { 1.0 } else { self.noticed as f64 / self.mutants as f64 }
    }

    /// `N of M rule mutants noticed`.
    pub fn sentence(&self) -> String {
        format!("{} of {} rule mutants noticed", self.noticed, self.mutants)
    }
}

/// Runs the selected scenarios once per rule mutant and writes the reports; the unmutated
/// run must pass first (a scenario that fails anyway notices nothing).
pub async fn mutate(options: &Options) -> Result<Coverage, RunError> {
    // The runs' own reports go to a scratch folder beside the JUnit report, removed after.
    let scratch = report_paths(options).0.with_file_name("mutants");
    let _ = std::fs::remove_dir_all(&scratch);
    let quiet = |name: &str, mutant: Option<Mutant>| {
        let mut run = options.clone();
        let dir = scratch.join(name);
        run.snapshots = dir.join("snapshots");
        run.snapshot_policy = Policy::WriteNothing;
        run.junit = dir.join("junit.xml");
        run.report = dir.join("report.html");
        run.quiet = true;
        run.mutant = mutant;
        run
    };
    let unmutated = crate::running::run(&quiet("unmutated", None)).await?;
    if unmutated.failed() {
        let why = unmutated.problems.first().cloned().unwrap_or_default();
        return Err(RunError::Setup(format!("the scenarios fail without a mutant, so none can notice one: {why}")));
    }
    let ledger = Rules::load(&crate::paths::workspace_root().join("FIDELITY.md"));
    let mut coverage = Coverage { noticed: 0, mutants: 0, rules: Vec::new(), defects: Vec::new() };
    for row in ledger.rows() {
        let mut line = RuleLine { rule: row.id.clone(), mutants: 0, noticed_by: Vec::new() };
        if let Some(mutant) = Mutant::of(&row.id) {
            line.mutants = 1;
            coverage.mutants += 1;
            match crate::running::run(&quiet(&row.id, Some(mutant))).await {
                Ok(summary) => {
                    let failed = summary.records.iter().filter(|r| !r.passed());
                    line.noticed_by = failed.map(|r| format!("{}:{} {}", r.file, r.line, r.scenario)).collect();
                }
                Err(e) => coverage.defects.push(format!("{}: {e}", row.id)),
            }
            coverage.noticed += usize::from(!line.noticed_by.is_empty());
        }
        coverage.rules.push(line);
    }
    // A rule a mutant reaches but the ledger has no row for is a defect of the ledger.
    for rule in RULES.iter().filter(|r| ledger.row(r).is_none()) {
        coverage.defects.push(format!("{rule}: no FIDELITY.md row"));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    write(options, &coverage)?;
    Ok(coverage)
}

/// Where the reports go: beside the JUnit report.
pub fn report_paths(options: &Options) -> (PathBuf, PathBuf) {
    let dir = options.junit.parent().map(PathBuf::from).unwrap_or_default();
    (dir.join("rules.md"), dir.join("rules.json"))
}

fn write(options: &Options, coverage: &Coverage) -> Result<(), RunError> {
    let (markdown, json) = report_paths(options);
    let failed = |path: &PathBuf, e: std::io::Error| RunError::Setup(format!("{}: {e}", path.display()));
    if let Some(dir) = markdown.parent() {
        std::fs::create_dir_all(dir).map_err(|e| failed(&dir.to_path_buf(), e))?;
    }
    std::fs::write(&markdown, markdown_text(coverage)).map_err(|e| failed(&markdown, e))?;
    let text = serde_json::to_string_pretty(coverage).unwrap_or_default();
    std::fs::write(&json, text).map_err(|e| failed(&json, e))
}

/// rules.md: the score, then one line per FIDELITY.md row.
pub fn markdown_text(coverage: &Coverage) -> String {
    let mut out = format!(
        "# Rule coverage\n\n**{}** ({:.0} %). A rule mutant swaps the answer of one FIDELITY.md rule (another \
         error code, or another status where the refusal has no code); it is noticed when a scenario fails \
         under it. Snapshots are not compared on these runs.\n\n| rule | mutants | noticed by |\n| --- | --- | --- |\n",
        coverage.sentence(),
        coverage.score() * 100.0
    );
    for line in &coverage.rules {
        let noticed = match (line.mutants, line.noticed_by.as_slice()) {
            (0, _) => {
                "no mutant: no refusal names this row (a rule of time, delivery or shape, not of an answer)".to_owned()
            }
            (_, []) => "**no scenario notices this**".to_owned(),
            (_, by) => by.join("; "),
        };
        out.push_str(&format!("| `{}` | {} | {noticed} |\n", line.rule, line.mutants));
    }
    for defect in &coverage.defects {
        out.push_str(&format!("\nDefect of the tool: {defect}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Target;
    use crate::world::PaymentWorld;

    #[tokio::test]
    async fn a_normal_run_starts_unmutated_simulators_and_only_a_mutation_run_sets_one() {
        let normal = Options::new(Target::Sim);
        assert_eq!(normal.mutant, None, "no option, no mutant");
        let mut world = PaymentWorld::default();
        world.start(&Target::Sim, crate::targets::TargetKind::Simulator, normal.mutant).await;
        assert_eq!(world.sim().mutant(), None, "a normal run's model answers as always");
        let mutant = Mutant::of("capture-amount");
        world.start(&Target::Sim, crate::targets::TargetKind::Simulator, mutant).await;
        assert_eq!(world.sim().mutant(), mutant);
    }
}
