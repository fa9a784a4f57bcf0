//! Help for a step that matches no step of the library, or more than one: the nearest steps of
//! the catalogue (by edit distance on the text with its parameters abstracted, each with its
//! example from STEPS.md), and a hint where a parameter almost parsed (`10,00 NOK`, `10 NOK`,
//! `NOK 10.00`, a string without quotes, a word that is not an `{action}`).
//!
//! Used by every run (each scenario with such a step fails with its hint, whether the filter
//! selected it or not) and by the lint mode, `cargo xtask contract --check-steps`.

use std::fmt::{self, Write as _};
use std::path::PathBuf;

use cucumber::gherkin;

use crate::reports::text;
use crate::running::selection::scenarios;
use crate::steps::Keyword;

mod advice;

pub use advice::advise;

/// One step that the library cannot run as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepProblem {
    /// The feature file.
    pub feature: PathBuf,
    /// The step's line in it.
    pub line: usize,
    /// The step as written, with its keyword (`Given a payment of 10 NOK has been created`).
    pub step: String,
    /// What is wrong.
    pub kind: ProblemKind,
    /// Parameter-specific advice.
    pub hints: Vec<String>,
    /// The nearest steps of the catalogue: (pattern with keyword, example).
    pub suggestions: Vec<(String, String)>,
    /// The lines of the scenarios that have it (each row of an outline has its own line).
    pub scenarios: Vec<usize>,
}

impl StepProblem {
    /// The feature's file name, as records are keyed.
    pub fn file_name(&self) -> String {
        self.feature.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// The sentence, then the whole explanation with its hints and the nearest steps.
    pub fn explanation(&self) -> String {
        // The sentence carries the first hint already: it is not said twice.
        text(|out| {
            writeln!(out, "{}", self.sentence())?;
            self.write_details(out, 1)
        })
    }

    /// The candidates of an ambiguous step, the hints but the first `said` ones, and the
    /// nearest steps with examples.
    fn write_details(&self, out: &mut impl fmt::Write, said: usize) -> fmt::Result {
        if let ProblemKind::Ambiguous(candidates) = &self.kind {
            for c in candidates {
                writeln!(out, "    {c}")?;
            }
        }
        for hint in self.hints.iter().skip(said) {
            writeln!(out, "  hint: {hint}")?;
        }
        if !self.suggestions.is_empty() {
            out.write_str("  did you mean:\n")?;
            for (pattern, example) in &self.suggestions {
                writeln!(out, "    {pattern}\n        e.g. {example}")?;
            }
        }
        Ok(())
    }

    /// What is wrong in one sentence, after the step: `matches no step of the library
    /// ({money} is written with a decimal point, not a comma: `10.00 NOK`)`.
    pub fn sentence(&self) -> String {
        let what = match self.kind {
            ProblemKind::Unmatched => "matches no step of the library",
            ProblemKind::Ambiguous(_) => "matches more than one step of the library",
        };
        match (self.hints.first(), self.suggestions.first()) {
            (Some(hint), _) => format!("{what} ({hint})"),
            (None, Some((pattern, _))) => format!("{what} (did you mean `{pattern}`?)"),
            (None, None) => what.to_owned(),
        }
    }
}

/// Why a step cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// No step of the library matches it.
    Unmatched,
    /// More than one does; their patterns.
    Ambiguous(Vec<String>),
}

impl fmt::Display for StepProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = format!("{}:{}", crate::reports::console::shown(&self.feature), self.line);
        match &self.kind {
            ProblemKind::Unmatched => writeln!(f, "{place}: `{}` matches no step", self.step)?,
            ProblemKind::Ambiguous(_) => writeln!(f, "{place}: `{}` matches more than one step:", self.step)?,
        }
        self.write_details(f, 0)
    }
}

/// The steps of `features` that match no step of `steps`, or more than one.
pub fn check<W>(features: &[gherkin::Feature], steps: &cucumber::step::Collection<W>) -> Vec<StepProblem> {
    let mut problems: Vec<StepProblem> = Vec::new();
    for (feature, rule, scenario) in scenarios(features) {
        let backgrounds = feature.background.iter().chain(rule.and_then(|r| r.background.as_ref()));
        for step in backgrounds.flat_map(|b| b.steps.iter()).chain(&scenario.steps) {
            let file = feature.path.clone().unwrap_or_else(|| PathBuf::from(&feature.name));
            let known = problems
                .iter_mut()
                .find(|p| p.feature == file && p.line == step.position.line && p.step.ends_with(&step.value));
            if let Some(problem) = known {
                problem.scenarios.push(scenario.position.line);
                continue;
            }
            let kind = match steps.find(step) {
                Ok(Some(_)) => continue,
                Ok(None) => ProblemKind::Unmatched,
                Err(e) => {
                    ProblemKind::Ambiguous(e.possible_matches.iter().map(|(re, _)| re.as_str().to_owned()).collect())
                }
            };
            let (hints, suggestions) = advise(Keyword::of(step.ty), &step.value);
            problems.push(StepProblem {
                feature: file,
                line: step.position.line,
                step: format!("{} {}", step.keyword.trim(), step.value),
                kind,
                hints,
                suggestions,
                scenarios: vec![scenario.position.line],
            });
        }
    }
    problems.sort_by(|a, b| (&a.feature, a.line).cmp(&(&b.feature, b.line)));
    problems
}

/// The problems as one block of text, for a run's output and the lint mode.
pub fn render(problems: &[StepProblem]) -> String {
    problems.iter().map(StepProblem::to_string).collect()
}

#[cfg(test)]
mod tests;
