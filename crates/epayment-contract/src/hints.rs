//! Help for a step that matches no step of the library, or more than one: the nearest steps of
//! the catalogue (by edit distance on the text with its parameters abstracted, each with its
//! example from STEPS.md), and a hint where a parameter almost parsed (`10,00 NOK`, `10 NOK`,
//! `NOK 10.00`, a string without quotes, a word that is not an `{action}`).
//!
//! Used before a run (every unmatched step is explained next to cucumber's own "Step doesn't
//! match any function") and by the lint mode, `cargo xtask contract --check-steps`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cucumber::World as _;
use cucumber::gherkin::{self, GherkinEnv, StepType};
use regex::Regex;

use crate::catalog::STEPS;
use crate::world::PaymentWorld;

/// The words an `{action}` may be (a test keeps this equal to `params::Action`'s regex).
pub const ACTIONS: &[&str] = &["capture", "refund", "cancel", "create", "payment creation", "get", "approval", "abort"];
/// The words a `{total}` may be (a test keeps this equal to `params::Total`'s regex).
pub const TOTALS: &[&str] = &["authorized", "captured", "cancelled", "refunded"];
/// Currencies the API takes.
const CURRENCIES: &[&str] = &["NOK", "DKK", "EUR", "SEK", "USD", "GBP"];

/// How many nearest steps are suggested.
const SUGGESTIONS: usize = 3;

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
    check_features_against(dir, &PaymentWorld::collection())
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
            let keyword = keyword(step.ty);
            let (hints, suggestions) = advise(keyword, &step.value);
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

fn keyword(ty: StepType) -> &'static str {
    match ty {
        StepType::Given => "Given",
        StepType::When => "When",
        StepType::Then => "Then",
    }
}

/// Advice for a step text that matched nothing: parameter hints, and the nearest steps.
pub fn advise(keyword: &str, text: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut hints = Vec::new();
    for (_, pattern, _) in STEPS.iter().filter(|(k, _, _)| *k == keyword) {
        for variant in variants(pattern) {
            if let Some(found) = parameter_hints(&variant, text) {
                for h in found {
                    if !hints.contains(&h) {
                        hints.push(h);
                    }
                }
            }
        }
    }
    let (abstracted, pieces) = abstract_text(text);
    let mut ranked: Vec<(f64, &str, &str, &str)> = STEPS
        .iter()
        .map(|(k, pattern, example)| {
            let distance =
                readings(pattern).iter().map(|v| normalised_distance(&abstracted, v)).fold(f64::INFINITY, f64::min);
            // Another keyword is a step of another kind: a little further away.
            let distance = if *k == keyword { distance } else { distance + 0.15 };
            (distance, *k, *pattern, *example)
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    let best = ranked.first().map_or(0.0, |r| r.0);
    let suggestions = ranked
        .into_iter()
        .take(SUGGESTIONS)
        .filter(|(d, ..)| *d <= best + 0.15)
        .map(|(_, k, pattern, example)| (format!("{k} {pattern}"), example.to_owned()))
        .collect::<Vec<_>>();
    // A step with a slip in its words as well as in a parameter (`10,00 NOK has been
    // authorised`) has no step of its shape: the parameters of the nearest step are judged by
    // what looks like them.
    if hints.is_empty()
        && let Some((nearest, _)) = suggestions.first()
    {
        for (name, value) in pieces.iter().filter(|(name, _)| nearest.contains(name)) {
            if let Some(hint) = parameter_hint(name, value).filter(|h| !hints.contains(h)) {
                hints.push(hint);
            }
        }
    }
    (hints, suggestions)
}

fn normalised_distance(a: &str, b: &str) -> f64 {
    let longest = a.chars().count().max(b.chars().count()).max(1);
    strsim::levenshtein(a, b) as f64 / longest as f64
}

/// The readings of a pattern's alternatives: `{period} pass(es)` is `{period} pass` and
/// `{period} passes`; `has/have` is `has` and `have`.
fn variants(pattern: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for word in pattern.split(' ') {
        let forms: Vec<String> = if let Some((stem, rest)) = word.split_once('(') {
            let optional = rest.trim_end_matches(')');
            vec![stem.to_owned(), format!("{stem}{optional}")]
        } else if word.contains('/') && !word.starts_with('{') {
            word.split('/').map(str::to_owned).collect()
        } else {
            vec![word.to_owned()]
        };
        out = out
            .iter()
            .flat_map(|prefix| {
                forms.iter().map(move |f| if prefix.is_empty() { f.clone() } else { format!("{prefix} {f}") })
            })
            .collect();
    }
    out
}

/// What looks like a parameter in a step's text, in the order they are looked for (a piece
/// taken by one is not looked at again).
const SHAPES: [(&str, &str); 5] = [
    (r#""[^"]*""#, "{string}"),
    (r"\b\d+ (?:seconds?|minutes?|hours?|days?)\b", "{period}"),
    (r"(?i)-?\d+(?:[.,]\d+)? ?(?:[a-z]{3})\b", "{money}"),
    (r"(?i)\b[a-z]{3} -?\d+(?:[.,]\d+)?", "{money}"),
    (r"\b\d+\b", "{int}"),
];

/// The text with what looks like a parameter replaced by its name, so that `10 NOK` and
/// `10.00 NOK` are equally near `{money}`; and each piece replaced, with its name.
fn abstract_text(text: &str) -> (String, Vec<(&'static str, String)>) {
    let mut out = text.to_owned();
    let mut pieces = Vec::new();
    for (pattern, name) in SHAPES {
        if let Ok(re) = Regex::new(pattern) {
            pieces.extend(re.find_iter(&out).map(|m| (name, m.as_str().to_owned())));
            out = re.replace_all(&out, name).into_owned();
        }
    }
    (out, pieces)
}

/// The readings of a pattern for the distance: its alternatives, with `{action}` and
/// `{total}` spelled out in each word they may be (`the {action} succeeds` is near `the
/// capture succeed`, and `authorized` in a step is not mistaken for a `{total}`).
fn readings(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    for variant in variants(pattern) {
        let mut expanded = vec![variant];
        for (name, words) in [("{action}", ACTIONS), ("{total}", TOTALS)] {
            expanded =
                expanded
                    .into_iter()
                    .flat_map(|v| {
                        if v.contains(name) { words.iter().map(|w| v.replace(name, w)).collect() } else { vec![v] }
                    })
                    .collect();
        }
        out.extend(expanded);
    }
    out
}

/// Where `text` has the shape of `pattern` with something else in a parameter's place,
/// what is wrong with each such parameter. `None` when the shapes differ.
fn parameter_hints(pattern: &str, text: &str) -> Option<Vec<String>> {
    let mut regex = String::from("^");
    let mut names = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')? + open;
        regex.push_str(&regex::escape(&rest[..open]));
        regex.push_str("(.+?)");
        names.push(&rest[open..=close]);
        rest = &rest[close + 1..];
    }
    regex.push_str(&regex::escape(rest));
    regex.push('$');
    let captures = Regex::new(&regex).ok()?.captures(text)?;
    let mut hints = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let value = captures.get(i + 1)?.as_str();
        if let Some(hint) = parameter_hint(name, value) {
            hints.push(hint);
        }
    }
    Some(hints)
}

fn parameter_hint(name: &str, value: &str) -> Option<String> {
    let strict = |re: &str| Regex::new(re).is_ok_and(|r| r.is_match(value));
    match name {
        "{money}" => money_hint(value),
        "{string}" if !strict(r#"^"[^"]*"$"#) => {
            Some(format!("{{string}} is text in double quotes: write \"{}\"", value.trim_matches('"')))
        }
        "{int}" if !strict(r"^-?\d+$") => Some(format!("{{int}} is a whole number, and `{value}` is not one")),
        "{period}" if !strict(r"^\d+ (?:seconds?|minutes?|hours?|days?)$") => Some(format!(
            "{{period}} is a whole number and a unit (seconds, minutes, hours, days): `{value}` is not; write e.g. `10 minutes`"
        )),
        "{action}" if !ACTIONS.contains(&value) => {
            Some(format!("`{value}` is not an {{action}}; one of: {}", ACTIONS.join(", ")))
        }
        "{total}" if !TOTALS.contains(&value) => {
            Some(format!("`{value}` is not a {{total}}; one of: {}", TOTALS.join(", ")))
        }
        "{word}" if value.contains(' ') => Some(format!("{{word}} is one word without spaces: `{value}` is more")),
        _ => None,
    }
}

fn money_hint(value: &str) -> Option<String> {
    let re = |p: &str| Regex::new(p).ok();
    let example = |amount: &str, code: &str| format!("{amount} {}", code.to_uppercase());
    if let Some(c) = re(r"^(-?\d+),(\d{2}) ([A-Za-z]{3})$")?.captures(value) {
        return Some(format!(
            "{{money}} is written with a decimal point, not a comma: `{}`",
            example(&format!("{}.{}", &c[1], &c[2]), &c[3])
        ));
    }
    if let Some(c) = re(r"^(-?\d+) ([A-Za-z]{3})$")?.captures(value) {
        return Some(format!("{{money}} has two decimals: `{}`", example(&format!("{}.00", &c[1]), &c[2])));
    }
    if let Some(c) = re(r"^(-?\d+)[.,](\d) ([A-Za-z]{3})$")?.captures(value) {
        return Some(format!("{{money}} has two decimals: `{}`", example(&format!("{}.{}0", &c[1], &c[2]), &c[3])));
    }
    if let Some(c) = re(r"^([A-Za-z]{3}) ?(-?\d+(?:[.,]\d+)?)$")?.captures(value) {
        let amount = c[2].replace(',', ".");
        let amount = if amount.contains('.') { amount } else { format!("{amount}.00") };
        return Some(format!("{{money}} has the amount first, then the currency: `{}`", example(&amount, &c[1])));
    }
    if let Some(c) = re(r"^(-?\d+\.\d{2}) ?([A-Za-z]{3})$")?.captures(value) {
        let code = &c[2];
        if code != code.to_uppercase() || !value.contains(' ') {
            return Some(format!(
                "{{money}} is an amount, a space and an upper-case currency code: `{}`",
                example(&c[1], code)
            ));
        }
        if !CURRENCIES.contains(&code) {
            return Some(format!("`{code}` is not a currency the API takes ({})", CURRENCIES.join(", ")));
        }
        return None;
    }
    // Anything longer is the rest of another step, not a slip in an amount.
    (value.matches(' ').count() <= 2 && value.chars().any(|c| c.is_ascii_digit())).then(|| {
        format!("{{money}} is an amount with two decimals and a currency code, e.g. `10.00 NOK`; `{value}` is not")
    })
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
mod tests {
    use super::*;

    fn first_suggestion(keyword: &str, text: &str) -> String {
        advise(keyword, text).1.first().map(|s| s.0.clone()).unwrap_or_default()
    }

    #[test]
    fn money_slips_get_a_hint_and_the_right_step() {
        let (hints, suggestions) = advise("Given", "a payment of 10,00 NOK has been authorized");
        assert_eq!(hints, ["{money} is written with a decimal point, not a comma: `10.00 NOK`"]);
        assert_eq!(suggestions[0].0, "Given a payment of {money} has been authorized");
        assert_eq!(suggestions[0].1, "Given a payment of 10.00 NOK has been authorized");
        let (hints, _) = advise("Given", "a payment of 10 NOK has been created");
        assert_eq!(hints, ["{money} has two decimals: `10.00 NOK`"]);
        let (hints, _) = advise("When", "the merchant captures NOK 10.00");
        assert_eq!(hints, ["{money} has the amount first, then the currency: `10.00 NOK`"]);
        let (hints, _) = advise("When", "the merchant captures 2.50 nok");
        assert_eq!(hints, ["{money} is an amount, a space and an upper-case currency code: `2.50 NOK`"]);
    }

    #[test]
    fn spelling_slips_find_the_step_meant() {
        assert_eq!(
            first_suggestion("Given", "a payment of 10.00 NOK has been authorised"),
            "Given a payment of {money} has been authorized"
        );
        assert_eq!(first_suggestion("When", "the merchant capture 2.50 NOK"), "When the merchant captures {money}");
        assert_eq!(
            first_suggestion("Then", "the captured amount should be 2.50 NOK"),
            "Then the {total} amount is {money}"
        );
    }

    #[test]
    fn other_parameters_get_hints_too() {
        let (hints, _) = advise("When", "the merchant captures 2.50 NOK with idempotency key order-1");
        assert_eq!(hints, ["{string} is text in double quotes: write \"order-1\""]);
        let (hints, _) = advise("Then", "the payout succeeds");
        assert!(hints.iter().any(|h| h.starts_with("`payout` is not an {action}; one of: capture")), "{hints:?}");
        let (hints, _) = advise("Then", "the paid amount is 2.50 NOK");
        assert!(hints.iter().any(|h| h.starts_with("`paid` is not a {total}")), "{hints:?}");
        // Another word as well (authorised): the money is judged as what looks like money.
        let (hints, _) = advise("Given", "a payment of 10.00 ABC has been authorised");
        assert_eq!(hints, ["`ABC` is not a currency the API takes (NOK, DKK, EUR, SEK, USD, GBP)"]);
        let (hints, suggestions) = advise("Given", "a payment of 10,00 NOK has been authorised");
        assert_eq!(hints, ["{money} is written with a decimal point, not a comma: `10.00 NOK`"]);
        assert_eq!(suggestions[0].0, "Given a payment of {money} has been authorized");
        let (hints, _) = advise("When", "the merchant capture 2.50 NOK");
        assert!(hints.is_empty(), "money that is right is not blamed: {hints:?}");
        let (hints, _) = advise("Given", "a payment of 10.00 ABC has been created");
        assert_eq!(hints, ["`ABC` is not a currency the API takes (NOK, DKK, EUR, SEK, USD, GBP)"]);
        let (hints, _) = advise("Given", "ten days pass");
        assert!(hints.iter().any(|h| h.starts_with("{period} is a whole number and a unit")), "{hints:?}");
    }

    #[test]
    fn the_word_lists_are_the_parameters_own() {
        use cucumber::Parameter as _;
        let sorted = |words: &str| {
            let mut w: Vec<&str> = words.split('|').collect();
            w.sort_unstable();
            w.join("|")
        };
        assert_eq!(sorted(&ACTIONS.join("|")), sorted(crate::params::Action::REGEX));
        assert_eq!(sorted(&TOTALS.join("|")), sorted(crate::params::Total::REGEX));
    }

    #[test]
    fn alternatives_are_read_both_ways() {
        assert_eq!(variants("{period} pass(es)"), ["{period} pass", "{period} passes"]);
        assert_eq!(
            variants("at least {period} has/have passed"),
            ["at least {period} has passed", "at least {period} have passed"]
        );
    }

    #[test]
    fn the_committed_features_have_no_problem() {
        let dir = crate::runner::workspace_root().join("features");
        assert_eq!(check_features(&dir).expect("features parse"), []);
    }

    /// A step library in which one text matches two steps.
    #[derive(Debug, Default, cucumber::World)]
    struct Overlapping;

    #[cucumber::given(expr = "a payment of {int} øre")]
    fn by_expression(_world: &mut Overlapping, _amount: u32) {}

    #[cucumber::given(regex = r"^a payment of (\d+) øre$")]
    fn by_regex(_world: &mut Overlapping, _amount: String) {}

    #[test]
    fn an_ambiguous_step_names_both_candidates() {
        let dir = std::env::temp_dir().join(format!("epayment-hints-ambiguous-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("a.feature"), "Feature: a\n  Scenario: s\n    Given a payment of 5 øre\n")
            .expect("write");
        let problems = check_features_against(&dir, &Overlapping::collection());
        std::fs::remove_dir_all(&dir).ok();
        let problems = problems.expect("parses");
        assert_eq!(problems.len(), 1);
        let ProblemKind::Ambiguous(candidates) = &problems[0].kind else { panic!("{problems:?}") };
        assert_eq!(candidates.len(), 2, "{candidates:?}");
        assert!(candidates.iter().any(|c| c == r"^a payment of (\d+) øre$"), "{candidates:?}");
        assert!(problems[0].to_string().contains("matches more than one step:"), "{}", problems[0]);
    }

    #[test]
    fn a_feature_with_slips_is_reported_step_by_step() {
        let dir = std::env::temp_dir().join(format!("epayment-hints-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join("slips.feature"),
            "Feature: slips\n  Scenario: s\n    Given a payment of 10,00 NOK has been authorized\n    When the merchant capture 2.50 NOK\n    Then the capture succeeds\n",
        )
        .expect("write");
        let problems = check_features(&dir).expect("parses");
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(problems[0].kind, ProblemKind::Unmatched);
        let text = render(&problems);
        assert!(
            text.contains("slips.feature:3: `Given a payment of 10,00 NOK has been authorized` matches no step"),
            "{text}"
        );
        assert!(text.contains("  hint: {money} is written with a decimal point"), "{text}");
        assert!(text.contains("  did you mean:\n    When the merchant captures {money}\n        e.g. When the merchant captures 2.50 NOK"), "{text}");
    }
}
