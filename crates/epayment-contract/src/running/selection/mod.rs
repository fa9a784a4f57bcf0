//! Which scenarios a run selects: the feature files, read once with their outlines expanded as
//! cucumber expands them; the filters (`--tags`, `--name`, and a remote target leaving out
//! `@sim-only`); and the tags checked against those in use and those the harness documents,
//! with the tag meant for a near miss.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::reports::record::file_name;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cucumber::feature::Ext as _;
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::gherkin::{Feature, GherkinEnv, Rule, Scenario};
use cucumber::tag::Ext as _;

mod input;

pub use input::InputGlob;

/// Every `.feature` file under `path` at any depth, as cucumber finds them (or `path`
/// itself), by path, parsed, its outlines expanded one scenario per example row.
pub fn load(path: &Path) -> Result<Vec<Feature>, String> {
    let mut files = Vec::new();
    collect(path, &mut files).map_err(|e| format!("{}: {e}", path.display()))?;
    files.sort();
    files
        .iter()
        .map(|file| {
            let feature =
                Feature::parse_path(file, GherkinEnv::default()).map_err(|e| format!("{}: {e}", file.display()))?;
            feature.expand_examples().map_err(|e| format!("{}: {e}", file.display()))
        })
        .collect()
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("feature")) {
            files.push(path);
        }
    }
    Ok(())
}

/// Every scenario of `features`, with its feature and rule.
pub fn scenarios(features: &[Feature]) -> impl Iterator<Item = (&Feature, Option<&Rule>, &Scenario)> {
    features.iter().flat_map(|f| {
        let plain = f.scenarios.iter().map(move |s| (f, None, s));
        let ruled = f.rules.iter().flat_map(move |r| r.scenarios.iter().map(move |s| (f, Some(r), s)));
        plain.chain(ruled)
    })
}

/// A scenario's tags, its feature's and rule's included, without their `@`.
pub fn tags_of<'a>(
    feature: &'a Feature,
    rule: Option<&'a Rule>,
    scenario: &'a Scenario,
) -> impl Iterator<Item = &'a str> + Clone {
    feature
        .tags
        .iter()
        .chain(rule.into_iter().flat_map(|r| r.tags.iter()))
        .chain(scenario.tags.iter())
        .map(|t| t.trim_start_matches('@'))
}

/// The tags of the go-live sets, which a run leaves out unless `--tags` names them.
pub const GO_LIVE_TAGS: [&str; 2] = ["go-live", "go-live-production"];

/// What a run selects.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// `--tags`.
    pub tags: Option<TagOperation>,
    /// `--tags` as written, for messages.
    pub tags_text: Option<String>,
    /// `--name`.
    pub name: Option<regex::Regex>,
    /// `--input`: only the feature files this glob matches.
    pub input: Option<InputGlob>,
    /// What the target is (a remote one leaves `@sim-only` scenarios out; a real environment
    /// `@sandbox` ones too).
    pub kind: crate::targets::TargetKind,
    /// Only these scenarios, by file name and line (a mutation run's: those that reached the
    /// mutant's rule); all when `None`.
    pub only: Option<Arc<BTreeSet<ScenarioId>>>,
}

/// A scenario by its feature's file name and its line, as the reports place it.
pub type ScenarioId = (String, usize);

/// What a filter makes of a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// It runs.
    Run,
    /// It matches, but is `@sim-only` and the target is remote.
    SimOnly,
    /// It matches, but is `@sandbox` and the target is a real environment.
    SandboxOnly,
    /// It does not match.
    Out,
}

impl Filter {
    /// What becomes of this scenario.
    pub fn choose(&self, feature: &Feature, rule: Option<&Rule>, scenario: &Scenario) -> Choice {
        let tags = tags_of(feature, rule, scenario);
        let read = |glob: &InputGlob| feature.path.as_deref().is_some_and(|path| glob.selects(path));
        let matches = self.input.as_ref().is_none_or(read)
            && self.name.as_ref().is_none_or(|re| re.is_match(&scenario.name))
            && self.tags.as_ref().is_none_or(|expr| expr.eval(tags.clone()))
            && !self.leaves_out_go_live(tags.clone())
            && self.only.as_ref().is_none_or(|only| only.contains(&(file_name(feature), scenario.position.line)));
        use crate::targets::TargetKind;
        let tagged = |tag: &str| tags.clone().any(|t| t == tag);
        match (matches, self.kind) {
            (false, _) => Choice::Out,
            (true, TargetKind::Sandbox | TargetKind::Environment) if tagged("sim-only") => Choice::SimOnly,
            (true, TargetKind::Environment) if tagged("sandbox") => Choice::SandboxOnly,
            (true, _) => Choice::Run,
        }
    }

    /// Whether a scenario with `tags` is a go-live one this run leaves out: the go-live sets
    /// (`features/go-live/`) run only when `--tags` names their tag, as `cargo xtask go-live`
    /// does, so that the normal suite and its figures stay what they are.
    fn leaves_out_go_live<'a>(&self, mut tags: impl Iterator<Item = &'a str>) -> bool {
        let named = filter_tags(self.tags.as_ref());
        tags.any(|tag| GO_LIVE_TAGS.contains(&tag) && !named.iter().any(|n| n == tag))
    }

    /// The filter as the command line gave it: `--tags "@qa3"`, `--name "øre"`, or both.
    pub fn describe(&self) -> String {
        let tags = self.tags_text.as_ref().map(|t| format!("--tags {t:?}"));
        let name = self.name.as_ref().map(|n| format!("--name {:?}", n.as_str()));
        let input = self.input.as_ref().map(|g| format!("--input {:?}", g.text));
        let given: Vec<String> = input.into_iter().chain(tags).chain(name).collect();
        if given.is_empty() { "no filter".to_owned() } else { given.join(" and ") }
    }
}

/// Why a run with this filter would run no scenario, in one line; `None` when it runs some.
pub fn nothing_selected(features: &[Feature], filter: &Filter, dir: &Path) -> Option<String> {
    let choices: Vec<Choice> = scenarios(features).map(|(f, r, s)| filter.choose(f, r, s)).collect();
    if choices.contains(&Choice::Run) {
        return None;
    }
    let total = choices.len();
    let shown = crate::reports::console::shown(dir);
    let kept_out: Vec<&str> = [(Choice::SimOnly, "@sim-only"), (Choice::SandboxOnly, "@sandbox")]
        .into_iter()
        .filter(|(choice, _)| choices.contains(choice))
        .map(|(_, tag)| tag)
        .collect();
    if !kept_out.is_empty() {
        let target = match filter.kind {
            crate::targets::TargetKind::Sandbox => "a standalone sandbox",
            _ => "a real environment",
        };
        return Some(format!(
            "every scenario that {} selects is {}, and {target} cannot run it",
            filter.describe(),
            kept_out.join(" or ")
        ));
    }
    let scenarios = if total == 1 { "1 scenario".to_owned() } else { format!("{total} scenarios") };
    let mut line = format!("no scenario matches {} ({scenarios} in {shown})", filter.describe());
    let (used, known) = (in_use(features), known_tags(features));
    for tag in filter_tags(filter.tags.as_ref()).into_iter().filter(|t| !used.contains_key(t)) {
        if let Some(meant) = nearest(&tag, known.iter().map(String::as_str)) {
            line.push_str(&format!("; did you mean @{meant} for @{tag}?"));
        }
    }
    Some(line)
}

/// A tag that looks like a slip, with the tag meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagProblem {
    /// Where: `features/x.feature:3`, or `--tags` for the filter.
    pub place: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl std::fmt::Display for TagProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// The tags of `features` and of the `--tags` filter that look like slips: a tag in a feature
/// that is almost one the harness documents (`@sim_only` for `@sim-only`: a remote run would
/// not skip it), and a tag in the filter that no scenario has.
pub fn check_tags(features: &[Feature], filter: Option<&TagOperation>) -> Vec<TagProblem> {
    let documented = documented_tags();
    let documented: Vec<&str> = documented.iter().map(String::as_str).collect();
    let mut problems = Vec::new();
    for (tag, places) in in_use(features) {
        if documented.contains(&tag.as_str()) {
            continue;
        }
        if let Some(meant) = nearest(&tag, documented.iter().copied()) {
            let place = places.first().cloned().unwrap_or_default();
            let also =
                if places.len() > 1 { format!(" (and {} more places)", places.len() - 1) } else { String::new() };
            problems.push(TagProblem {
                place,
                message: format!("@{tag} is not a tag the harness knows; did you mean @{meant}?{also}"),
            });
        }
    }
    let (used, known) = (in_use(features), known_tags(features));
    for tag in filter_tags(filter).into_iter().filter(|t| !used.contains_key(t)) {
        let meant = nearest(&tag, known.iter().map(String::as_str)).filter(|_| !documented.contains(&tag.as_str()));
        let hint = meant.map(|m| format!("; did you mean @{m}?")).unwrap_or_default();
        problems
            .push(TagProblem { place: "--tags".to_owned(), message: format!("no scenario is tagged @{tag}{hint}") });
    }
    problems
}

/// The line (from 1) where `tag` is written above the keyword at `keyword_line`: gherkin
/// keeps where a scenario is, not where its tags are. The keyword's line if it is not found.
fn tag_line(lines: &[&str], keyword_line: usize, tag: &str) -> usize {
    for at in (1..keyword_line).rev() {
        let text = lines.get(at - 1).map_or("", |l| l.trim());
        if text.starts_with('@') {
            if text.split_whitespace().any(|t| t.trim_start_matches('@') == tag) {
                return at;
            }
        } else if !text.is_empty() && !text.starts_with('#') {
            break;
        }
    }
    keyword_line
}

/// Each tag in use, with where it is written (`features/x.feature:3`), first to last.
fn in_use(features: &[Feature]) -> BTreeMap<String, Vec<String>> {
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for feature in features {
        let file = feature.path.as_deref().map(crate::reports::console::shown).unwrap_or_else(|| feature.name.clone());
        let text = feature.path.as_deref().and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let mut add = |tags: &[String], line: usize| {
            for tag in tags {
                let tag = tag.trim_start_matches('@');
                let at = tag_line(&lines, line, tag);
                used.entry(tag.to_owned()).or_default().push(format!("{file}:{at}"));
            }
        };
        add(&feature.tags, feature.position.line);
        for rule in &feature.rules {
            add(&rule.tags, rule.position.line);
            for s in &rule.scenarios {
                add(&s.tags, s.position.line);
            }
        }
        for s in &feature.scenarios {
            add(&s.tags, s.position.line);
        }
    }
    used
}

/// The tags the harness documents, without `@`: STEPS.md's, with `@checklist-<item>` as each
/// go-live checklist item's own tag (so that a slip in one is named).
fn documented_tags() -> Vec<String> {
    let named = crate::steps::catalog::TAGS.iter().map(|(t, _)| t.trim_start_matches('@')).filter(|t| !t.contains('<'));
    named.map(str::to_owned).chain(crate::go_live::ITEMS.iter().map(crate::go_live::Item::tag)).collect()
}

/// The tags in use and those documented.
fn known_tags(features: &[Feature]) -> Vec<String> {
    let documented = documented_tags();
    let mut known: Vec<String> = in_use(features).into_keys().chain(documented).collect();
    known.sort();
    known.dedup();
    known
}

/// The tags a filter names.
fn filter_tags(filter: Option<&TagOperation>) -> Vec<String> {
    fn walk(op: &TagOperation, out: &mut Vec<String>) {
        match op {
            TagOperation::And(a, b) | TagOperation::Or(a, b) => {
                walk(a, out);
                walk(b, out);
            }
            TagOperation::Not(a) => walk(a, out),
            TagOperation::Tag(t) => out.push(t.trim_start_matches('@').to_owned()),
        }
    }
    let mut out = Vec::new();
    if let Some(op) = filter {
        walk(op, &mut out);
    }
    out
}

/// The candidate `tag` is a slip of: the same letters and digits (`qa3`, `qa-3`, `sim_only`),
/// or one letter off in a tag of four or more.
fn nearest<'a>(tag: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let plain = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let wanted = plain(tag);
    candidates.filter(|c| *c != tag).find(|c| {
        let other = plain(c);
        other == wanted || (wanted.chars().count() >= 4 && strsim::damerau_levenshtein(&wanted, &other) <= 1)
    })
}

#[cfg(test)]
mod tests;
