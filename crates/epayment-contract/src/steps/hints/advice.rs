//! Advice for a step that matched nothing: the nearest steps of the library (by edit distance
//! on the text with its parameters abstracted), and what is wrong with a parameter that almost
//! parsed. The parameters' shapes come from `crate::steps::params`, never a copy of them.

use cucumber::Parameter as _;
use regex::Regex;

use crate::steps::params::{EventNames, MarketName, Period, action_words, total_words};
use crate::steps::{self, Keyword};

/// How many nearest steps are suggested.
const SUGGESTIONS: usize = 3;

/// Advice for a step text that matched nothing: parameter hints, and the nearest steps.
pub fn advise(keyword: Keyword, text: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut hints = Vec::new();
    for step in steps::all().filter(|s| s.keywords.contains(&keyword)) {
        for variant in variants(step.pattern) {
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
    let mut ranked: Vec<(f64, Keyword, &str, &str)> = steps::all()
        .flat_map(|step| step.keywords.iter().map(move |k| (*k, step)))
        .map(|(k, step)| {
            let distance = readings(step.pattern)
                .iter()
                .map(|v| normalised_distance(&abstracted, v))
                .fold(f64::INFINITY, f64::min);
            // Another keyword is a step of another kind: a little further away.
            let distance = if k == keyword { distance } else { distance + 0.15 };
            (distance, k, step.pattern, step.example)
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    let best = ranked.first().map_or(0.0, |r| r.0);
    let suggestions = ranked
        .into_iter()
        .take(SUGGESTIONS)
        .filter(|(d, ..)| *d <= best + 0.15)
        .map(|(_, k, pattern, example)| (format!("{} {pattern}", k.as_str()), format!("{} {example}", k.as_str())))
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
pub(super) fn variants(pattern: &str) -> Vec<String> {
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
/// taken by one is not looked at again). Money is looked for loosely (`10 NOK`, `NOK 10,00`),
/// to give a hint where the strict `{money}` did not match; a period is one as written.
fn shapes() -> [(String, &'static str); 5] {
    [
        (r#""[^"]*""#.to_owned(), "{string}"),
        (format!(r"\b(?:{})\b", Period::REGEX), "{period}"),
        (r"(?i)-?\d+(?:[.,]\d+)? ?(?:[a-z]{3})\b".to_owned(), "{money}"),
        (r"(?i)\b[a-z]{3} -?\d+(?:[.,]\d+)?".to_owned(), "{money}"),
        (r"\b\d+\b".to_owned(), "{int}"),
    ]
}

/// The text with what looks like a parameter replaced by its name, so that `10 NOK` and
/// `10.00 NOK` are equally near `{money}`; and each piece replaced, with its name.
fn abstract_text(text: &str) -> (String, Vec<(&'static str, String)>) {
    let mut out = text.to_owned();
    let mut pieces = Vec::new();
    for (pattern, name) in shapes() {
        if let Ok(re) = Regex::new(&pattern) {
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
        let words: [(&str, Vec<&str>); 2] =
            [("{action}", action_words().collect()), ("{total}", total_words().collect())];
        for (name, words) in words {
            expanded = expanded
                .into_iter()
                .flat_map(
                    |v| if v.contains(name) { words.iter().map(|w| v.replace(name, w)).collect() } else { vec![v] },
                )
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
        "{period}" if !strict(&format!("^(?:{})$", Period::REGEX)) => Some(format!(
            "{{period}} is a whole number and a unit (seconds, minutes, hours, days): `{value}` is not; write e.g. `10 minutes`"
        )),
        "{action}" if !action_words().any(|w| w == value) => {
            Some(format!("`{value}` is not an {{action}}; one of: {}", action_words().collect::<Vec<_>>().join(", ")))
        }
        "{total}" if !total_words().any(|w| w == value) => {
            Some(format!("`{value}` is not a {{total}}; one of: {}", total_words().collect::<Vec<_>>().join(", ")))
        }
        "{word}" if value.contains(' ') => Some(format!("{{word}} is one word without spaces: `{value}` is more")),
        "{events}" => events_hint(value),
        "{market}" => market_hint(value),
        _ => None,
    }
}

/// A market written as its people or its currency's adjective (`Finnish`, `danish`) is the
/// country's name.
fn market_hint(value: &str) -> Option<String> {
    if value.parse::<MarketName>().is_ok() {
        return None;
    }
    let lower = value.to_lowercase();
    let meant = [("Norway", "nor"), ("Denmark", "dan"), ("Finland", "fin")]
        .into_iter()
        .find(|(_, stem)| lower.starts_with(stem))
        .map_or_else(String::new, |(name, _)| format!(": write `{name}`"));
    Some(format!("`{value}` is not a {{market}}; one of: Norway, Denmark, Finland{meant}"))
}

fn events_hint(value: &str) -> Option<String> {
    if Regex::new(&format!("^(?:{})$", EventNames::REGEX)).is_ok_and(|r| r.is_match(value)) {
        return value.parse::<EventNames>().err();
    }
    let written: Vec<String> =
        value.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()).map(str::to_uppercase).collect();
    Some(format!("{{events}} is event names in capitals, separated by a comma and a space: `{}`", written.join(", ")))
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
        let currencies: Vec<&str> = epayment::Currency::KNOWN.iter().map(|c| c.code()).collect();
        if !currencies.contains(&code) {
            return Some(format!("`{code}` is not a currency the API takes ({})", currencies.join(", ")));
        }
        return None;
    }
    // Anything longer is the rest of another step, not a slip in an amount.
    (value.matches(' ').count() <= 2 && value.chars().any(|c| c.is_ascii_digit())).then(|| {
        format!("{{money}} is an amount with two decimals and a currency code, e.g. `10.00 NOK`; `{value}` is not")
    })
}
