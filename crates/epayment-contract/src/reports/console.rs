//! What a run prints as it goes: each feature, then one line per scenario when it ends (with
//! its failure under it, the step's place in the file and the exchange it looked at), and at
//! the end one block with every failed scenario and the counts ([`ending`]).

use std::fmt::{self, Write as _};
use std::io::{IsTerminal as _, Write as _};
use std::path::Path;

use cucumber::writer::Coloring;

use crate::reports::record::{ScenarioRecord, StepStatus};
use crate::reports::text;

/// The console, as `-v` and `--color` set it.
#[derive(Clone, Copy, Debug)]
pub struct Console {
    /// `-v`: every step of every scenario, not only a failed one's.
    pub every_step: bool,
    /// Whether to colour the marks.
    pub colour: bool,
    /// Whether to print nothing (the simulator's side of a comparison runs so).
    pub quiet: bool,
}

impl Console {
    /// A console as cucumber's own options (`-v`, `--color`) ask.
    pub fn new(options: &cucumber::writer::basic::Cli) -> Self {
        let colour = match options.color {
            Coloring::Always => true,
            Coloring::Never => false,
            Coloring::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        Self { every_step: options.verbose > 0, colour, quiet: false }
    }

    /// Prints `text` as it is.
    pub fn print(&self, text: &str) {
        if self.quiet {
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }

    /// A feature starts.
    pub fn feature(&self, name: &str, path: Option<&Path>) {
        let place = path.map(|p| format!("  {}", shown(p))).unwrap_or_default();
        self.print(&format!("Feature: {name}{place}\n"));
    }

    /// A scenario ended.
    pub fn scenario(&self, r: &ScenarioRecord) {
        self.print(&self.scenario_text(r));
    }

    fn scenario_text(&self, r: &ScenarioRecord) -> String {
        text(|out| self.write_scenario(out, r))
    }

    fn write_scenario(&self, out: &mut String, r: &ScenarioRecord) -> fmt::Result {
        let (mark, colour) = if r.passed() { ("✔", "32") } else { ("✘", "31") };
        let rule = r.rule.as_deref().map(|rule| format!(", rule: {rule}")).unwrap_or_default();
        write!(out, "  {} {}  (line {}{rule})", self.paint(mark, colour), r.scenario, r.line)?;
        if let Some(path) = &r.snapshot_written {
            write!(out, ": {} {path}", self.paint("new snapshot written for review:", "33"))?;
        }
        out.push('\n');
        if let Some(attempts) = r.attempts_sentence() {
            writeln!(out, "      {} {attempts}", self.paint("↻", "33"))?;
        }
        for (i, step) in r.steps.iter().enumerate() {
            if step.status == StepStatus::Passed && !self.every_step {
                continue;
            }
            let mark = match step.status {
                StepStatus::Passed => self.paint("✔", "32"),
                StepStatus::Failed => self.paint("✘", "31"),
                StepStatus::Skipped => self.paint("-", "2"),
            };
            writeln!(out, "      {mark} {}  ({}:{})", step.text, r.path, step.line)?;
            if step.status == StepStatus::Passed {
                continue;
            }
            for line in step.error.iter().flat_map(|e| e.lines()) {
                writeln!(out, "          {line}")?;
            }
            for n in r.looked_at(i) {
                writeln!(out, "          it looked at exchange {}", r.exchange_line(*n))?;
            }
            if step.status == StepStatus::Failed {
                break;
            }
        }
        for p in &r.problems {
            writeln!(out, "      {} {}", self.paint("✘", "31"), p.message)?;
            for change in &p.changes {
                writeln!(out, "          {change}")?;
            }
        }
        Ok(())
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.colour { format!("\u{1b}[{code}m{text}\u{1b}[0m") } else { text.to_owned() }
    }
}

/// A path as the console shows it: from the workspace root when it is under it, else whole
/// (`/tmp/qa/capture.feature`, its leading slash kept).
pub fn shown(path: &Path) -> String {
    let root = crate::paths::workspace_root();
    path.strip_prefix(&root).unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::record::StepRecord;

    #[test]
    fn a_failed_scenario_shows_its_step_at_its_whole_place_and_what_it_looked_at() {
        let mut record = ScenarioRecord {
            file: "capture.feature".into(),
            path: "/tmp/nc/capture.feature".into(),
            rule: Some("Captures add up".into()),
            scenario: "A capture that does not add up".into(),
            line: 24,
            steps: vec![
                StepRecord {
                    text: "When the merchant captures 2.50 NOK".into(),
                    line: 26,
                    status: StepStatus::Passed,
                    error: None,
                },
                StepRecord {
                    text: "Then the captured amount is 3.00 NOK".into(),
                    line: 27,
                    status: StepStatus::Failed,
                    error: Some("expected the captured amount to be 3.00 NOK, it is 2.50 NOK".into()),
                },
            ],
            exchanges: serde_json::json!([{"operation": "getPayment", "request": {"method": "GET", "path": "/epayment/v1/payments/x"}, "response": {"status": 200}}]),
            ..ScenarioRecord::default()
        };
        record.timeline.made_by = vec![1];
        record.timeline.looked_at = vec![1];
        record.timeline.last_step = Some(1);
        let console = Console { every_step: false, colour: false, quiet: false };
        assert_eq!(
            console.scenario_text(&record),
            "  ✘ A capture that does not add up  (line 24, rule: Captures add up)\n      \
             ✘ Then the captured amount is 3.00 NOK  (/tmp/nc/capture.feature:27)\n          \
             expected the captured amount to be 3.00 NOK, it is 2.50 NOK\n          \
             it looked at exchange 1: getPayment GET /epayment/v1/payments/x → 200\n"
        );
        assert_eq!(shown(Path::new("/tmp/nc/capture.feature")), "/tmp/nc/capture.feature", "its slash kept");
        assert_eq!(shown(&crate::paths::workspace_root().join("features/capture.feature")), "features/capture.feature");
    }
}
