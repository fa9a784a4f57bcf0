//! How a run went, and the block it ends with: every failed scenario, whatever failed in it,
//! with its reason in one sentence, then the counts the JUnit report holds.

use std::fmt::{self, Write as _};
use std::path::Path;

use crate::reports::record::{ProblemKind, ScenarioRecord};
use crate::reports::text;

/// How a run went.
#[derive(Debug, Default)]
pub struct Summary {
    /// Scenarios that passed their steps, snapshot and contract check.
    pub passed: usize,
    /// Scenarios that failed any of them, or cannot run as written (selected or not).
    pub failed: usize,
    /// `@sim-only` scenarios left out of a remote run.
    pub skipped_sim_only: usize,
    /// `@sandbox` scenarios left out of a run against a real environment.
    pub skipped_sandbox: usize,
    /// Feature files that could not be read.
    pub read_errors: Vec<String>,
    /// Every failed scenario in one line: `capture.feature:23 A capture...: <reason>`.
    pub problems: Vec<String>,
    /// Every scenario, as it ran.
    pub records: Vec<ScenarioRecord>,
    /// The panics its embedded simulators survived (`place scenario: message`): a defect of
    /// the simulator (or a mutation run's crashing mutant), never an answer of the API.
    pub crashes: Vec<String>,
    /// The FIDELITY.md rules each scenario's embedded simulator asked about, by file name and
    /// line (what a mutation run reads to run only the scenarios a mutant can reach).
    pub consulted: std::collections::BTreeMap<(String, usize), Vec<&'static str>>,
}

impl Summary {
    /// The summary of `records`.
    pub fn of(records: Vec<ScenarioRecord>, skipped: [usize; 2], read_errors: Vec<String>) -> Self {
        let [skipped_sim_only, skipped_sandbox] = skipped;
        let mut problems = Vec::new();
        for r in records.iter().filter(|r| !r.passed()) {
            let name = format!("{} {}", r.place(), r.scenario);
            if r.failure_kind() == Some("contract") {
                // A violation a line: spec-update lists them so.
                let violations = r.problems.iter().filter(|p| p.kind == ProblemKind::Contract);
                problems.extend(violations.map(|p| format!("{name}: {}", p.message)));
            } else {
                problems.push(format!("{name}: {}", r.failure().unwrap_or_default()));
            }
        }
        Self {
            passed: records.iter().filter(|r| r.passed()).count(),
            failed: records.iter().filter(|r| !r.passed()).count(),
            skipped_sim_only,
            skipped_sandbox,
            read_errors,
            problems,
            records,
            crashes: Vec::new(),
            consulted: std::collections::BTreeMap::new(),
        }
    }

    /// Whether the run failed.
    pub fn failed(&self) -> bool {
        self.failed > 0 || !self.read_errors.is_empty()
    }

    /// The block a run ends with: `FAILED <place> <scenario>: <reason>` a line, where the
    /// reports are, and `contract: N passed, M failed`, the counts of the JUnit report.
    pub fn ending(&self, junit: &Path, report: &Path) -> String {
        text(|out| self.write_ending(out, junit, report))
    }

    fn write_ending(&self, out: &mut String, junit: &Path, report: &Path) -> fmt::Result {
        if self.failed() {
            out.push('\n');
        }
        for line in self.read_errors.iter().chain(&self.problems) {
            writeln!(out, "FAILED {line}")?;
        }
        if self.skipped_sim_only > 0 {
            writeln!(
                out,
                "skipped {} @sim-only scenarios: the target is not the embedded simulator",
                self.skipped_sim_only
            )?;
        }
        if self.skipped_sandbox > 0 {
            writeln!(
                out,
                "skipped {} @sandbox scenarios: the target cannot act as the customer or move its clock",
                self.skipped_sandbox
            )?;
        }
        for r in self.records.iter().filter(|r| r.passed_on_retry()) {
            // A green run should say what it took: a pass on a retry is a flaky pass.
            writeln!(
                out,
                "PASSED ON A RETRY {} {}: {}",
                r.place(),
                r.scenario,
                r.attempts_sentence().unwrap_or_default()
            )?;
        }
        writeln!(out, "JUnit report: {}", junit.display())?;
        writeln!(out, "HTML report: {}", report.display())?;
        writeln!(out, "contract: {} passed, {} failed", self.passed, self.failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::record::Problem;

    #[test]
    fn a_contract_failure_gives_a_line_a_violation_as_spec_update_reads_them() {
        let violation = |n: usize| Problem {
            kind: ProblemKind::Contract,
            message: format!("contract: exchange {n} getPayment response 200 /state: not one of"),
            changes: Vec::new(),
            diff: None,
            exchange: Some(n),
        };
        let record = ScenarioRecord {
            file: "capture.feature".into(),
            scenario: "A full capture".into(),
            line: 5,
            problems: vec![violation(4), violation(6)],
            ..ScenarioRecord::default()
        };
        let summary = Summary::of(vec![record, ScenarioRecord::default()], [2, 0], Vec::new());
        assert_eq!((summary.passed, summary.failed), (1, 1));
        let ending = summary.ending(Path::new("j.xml"), Path::new("r.html"));
        assert_eq!(
            ending,
            "\nFAILED capture.feature:5 A full capture: contract: exchange 4 getPayment response 200 /state: not one of\n\
             FAILED capture.feature:5 A full capture: contract: exchange 6 getPayment response 200 /state: not one of\n\
             skipped 2 @sim-only scenarios: the target is not the embedded simulator\n\
             JUnit report: j.xml\nHTML report: r.html\ncontract: 1 passed, 1 failed\n"
        );
    }
}
