//! A feature file as the result formats need it: its text and its Gherkin as written (outlines
//! not expanded, so that an Examples row can be named), and where a record's scenario and steps
//! are in it.

use std::path::Path;

use cucumber::gherkin::{self, GherkinEnv};

use crate::reports::record::ScenarioRecord;

/// One feature file, read again as written.
#[derive(Debug)]
pub struct Source {
    /// The file as the reports name it: relative to the workspace root where it is under it.
    pub uri: String,
    /// The file's name, as records are keyed.
    pub file: String,
    /// Its text.
    pub text: String,
    /// Its Gherkin, outlines as written.
    pub feature: gherkin::Feature,
}

/// Where a record's scenario is in its file.
#[derive(Debug)]
pub struct Found<'a> {
    /// The rule it is under.
    pub rule: Option<&'a gherkin::Rule>,
    /// The scenario (or outline) as written.
    pub scenario: &'a gherkin::Scenario,
    /// For an outline's row: its Examples, and the row's index in the table's body (from 0).
    pub row: Option<(&'a gherkin::Examples, usize)>,
}

impl Source {
    /// Reads the feature file at `path`.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let feature =
            gherkin::Feature::parse(&text, GherkinEnv::default()).map_err(|e| format!("{}: {e}", path.display()))?;
        let uri = crate::paths::workspace_root()
            .canonicalize()
            .ok()
            .and_then(|root| path.canonicalize().ok()?.strip_prefix(root).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| path.to_path_buf());
        let file = path.file_name().map_or_else(|| uri.display().to_string(), |n| n.to_string_lossy().into_owned());
        Ok(Self { uri: uri.display().to_string().replace('\\', "/"), file, text, feature })
    }

    /// Every scenario as written, with its rule.
    pub fn scenarios(&self) -> impl Iterator<Item = (Option<&gherkin::Rule>, &gherkin::Scenario)> {
        let plain = self.feature.scenarios.iter().map(|s| (None, s));
        plain.chain(self.feature.rules.iter().flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s))))
    }

    /// The scenario of `record`: the one on its line, or the outline whose row is on it.
    pub fn find(&self, record: &ScenarioRecord) -> Option<Found<'_>> {
        self.scenarios().find_map(|(rule, scenario)| {
            if scenario.position.line == record.line {
                return Some(Found { rule, scenario, row: None });
            }
            scenario.examples.iter().find_map(|examples| {
                let index = body_lines(examples).position(|line| line == record.line)?;
                Some(Found { rule, scenario, row: Some((examples, index)) })
            })
        })
    }

    /// The step on `line` (a background's included).
    pub fn step(&self, line: usize) -> Option<&gherkin::Step> {
        let backgrounds = self.feature.background.iter().chain(self.feature.rules.iter().flat_map(|r| &r.background));
        let mut steps = backgrounds.flat_map(|b| &b.steps).chain(self.scenarios().flat_map(|(_, s)| &s.steps));
        steps.find(|s| s.position.line == line)
    }
}

/// The lines of an Examples table's body rows as cucumber numbers an outline's expanded
/// scenarios (and so the records): two after the `Examples:` line, then one each.
pub fn body_lines(examples: &gherkin::Examples) -> impl Iterator<Item = usize> + '_ {
    let rows = examples.table.as_ref().map_or(0, |t| t.rows.len());
    (0..rows.saturating_sub(1)).map(move |i| examples.position.line + 2 + i)
}

/// A tag as the formats write it: `@sim-only`.
pub fn tag(name: &str) -> String {
    format!("@{}", name.trim_start_matches('@'))
}
