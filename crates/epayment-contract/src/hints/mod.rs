//! Help for a step that matches no step of the library, or more than one: the nearest steps of
//! the catalogue (by edit distance on the text with its parameters abstracted, each with its
//! example from STEPS.md), and a hint where a parameter almost parsed (`10,00 NOK`, `10 NOK`,
//! `NOK 10.00`, a string without quotes, a word that is not an `{action}`).
//!
//! Used before a run (every unmatched step is explained next to cucumber's own "Step doesn't
//! match any function") and by the lint mode, `cargo xtask contract --check-steps`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cucumber::gherkin::{self, GherkinEnv};

use crate::steps::{self, Keyword};

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
}

/// Why a step cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// No step of the library matches it.
    Unmatched,
    /// More than one does; their patterns.
    Ambiguous(Vec<String>),
}

impl std::fmt::Display for StepProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = format!("{}:{}", self.feature.display(), self.line);
        match &self.kind {
            ProblemKind::Unmatched => writeln!(f, "{place}: `{}` matches no step", self.step)?,
            ProblemKind::Ambiguous(candidates) => {
                writeln!(f, "{place}: `{}` matches more than one step:", self.step)?;
                for c in candidates {
                    writeln!(f, "    {c}")?;
                }
            }
        }
        for hint in &self.hints {
            writeln!(f, "  hint: {hint}")?;
        }
        if !self.suggestions.is_empty() {
            writeln!(f, "  did you mean:")?;
            for (pattern, example) in &self.suggestions {
                writeln!(f, "    {pattern}")?;
                writeln!(f, "        e.g. {example}")?;
            }
        }
        Ok(())
    }
}

/// Every step of every `.feature` file under `dir` that matches no step or more than one.
/// Starts nothing: no simulator, no client.
pub fn check_features(dir: &Path) -> Result<Vec<StepProblem>, String> {
    check_features_against(dir, &steps::collection()?)
}

/// [`check_features`] against another step library (tests use a small one).
pub fn check_features_against<W>(
    dir: &Path,
    steps: &cucumber::step::Collection<W>,
) -> Result<Vec<StepProblem>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "feature"))
        .collect();
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let feature = gherkin::Feature::parse_path(&file, GherkinEnv::default())
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let scenarios: Vec<&gherkin::Scenario> =
            feature.scenarios.iter().chain(feature.rules.iter().flat_map(|r| r.scenarios.iter())).collect();
        let backgrounds = feature.background.iter().chain(feature.rules.iter().filter_map(|r| r.background.as_ref()));
        let mut all_steps: Vec<gherkin::Step> = backgrounds.flat_map(|b| b.steps.iter().cloned()).collect();
        for scenario in scenarios {
            all_steps.extend(expanded_steps(scenario));
        }
        let mut seen = std::collections::BTreeSet::new();
        for step in &all_steps {
            if !seen.insert((step.position.line, step.value.clone())) {
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
                feature: file.clone(),
                line: step.position.line,
                step: format!("{} {}", step.keyword.trim(), step.value),
                kind,
                hints,
                suggestions,
            });
        }
    }
    Ok(problems)
}

/// A scenario's steps; an outline's once per row of its examples, `<name>` filled in.
fn expanded_steps(scenario: &gherkin::Scenario) -> Vec<gherkin::Step> {
    if scenario.examples.is_empty() {
        return scenario.steps.clone();
    }
    let mut out = Vec::new();
    for examples in &scenario.examples {
        let Some(table) = &examples.table else { continue };
        let Some((header, rows)) = table.rows.split_first() else { continue };
        for row in rows {
            for step in &scenario.steps {
                let mut step = step.clone();
                for (name, value) in header.iter().zip(row) {
                    step.value = step.value.replace(&format!("<{name}>"), value);
                }
                out.push(step);
            }
        }
    }
    out
}

/// The problems as one block of text, for a run's output and the lint mode.
pub fn render(problems: &[StepProblem]) -> String {
    let mut out = String::new();
    for p in problems {
        let _ = write!(out, "{p}");
    }
    out
}

#[cfg(test)]
mod tests;
