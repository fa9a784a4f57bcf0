//! Lifecycle: an operation, parameter or property that becomes deprecated (with its sunset
//! date, `x-sunset`, when it has one), one whose stability level (`x-stability-level`) drops,
//! and what removing a deprecated one means: after its sunset it was announced, before it
//! (or without one) it breaks the clients that still use it. The removal checks themselves
//! belong to the area of what was removed; this file tells them which one applies.
//!
//! Emits `operation-deprecated`, `parameter-deprecated`, `property-deprecated` and
//! `stability-decreased`.

use serde_json::Value;

use super::super::checks::Check;
use super::super::date::Day;
use super::super::schema::flag;
use super::{Finding, finding};

/// What became deprecated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// An operation.
    Operation,
    /// A parameter.
    Parameter,
    /// A schema's property (or any schema).
    Property,
}

/// `x-stability-level`'s values, least stable first (oasdiff's order).
const LEVELS: &[&str] = &["draft", "alpha", "beta", "stable"];

/// The sunset date as messages tell it.
fn sunset_note(v: &Value) -> String {
    match v.get("x-sunset") {
        None => "with no sunset date (x-sunset)".into(),
        Some(s) => match s.as_str().and_then(Day::parse) {
            Some(day) => format!("sunset {day}"),
            None => format!("sunset {s} is not a date (YYYY-MM-DD)"),
        },
    }
}

/// The sunset of a deprecated part that has passed on `today`, if it has.
pub fn sunset_passed(old: &Value, today: &Day) -> Option<Day> {
    let day = old.get("x-sunset").and_then(Value::as_str).and_then(Day::parse)?;
    (flag(old, "deprecated") && day <= *today).then_some(day)
}

/// The stability level of a part that promised none (`draft` or `alpha`), if it did not.
pub fn unstable(old: &Value) -> Option<&'static str> {
    let level = old.get("x-stability-level").and_then(Value::as_str)?;
    LEVELS[..2].iter().find(|l| **l == level).copied()
}

/// What a removal's message adds about a part that was deprecated but not yet at its sunset
/// (empty for one that was never deprecated).
pub fn early_removal_note(old: &Value) -> String {
    if !flag(old, "deprecated") {
        return String::new();
    }
    match old.get("x-sunset").and_then(Value::as_str).and_then(Day::parse) {
        Some(day) => format!(" (it was deprecated, sunset {day}, not yet passed)"),
        None => format!(" (it was deprecated, {})", sunset_note(old)),
    }
}

/// A part that is now deprecated, and one whose stability level dropped.
pub fn compare(part: Part, at: &str, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    if !flag(old, "deprecated") && flag(new, "deprecated") {
        let check = match part {
            Part::Operation => Check::OperationDeprecated,
            Part::Parameter => Check::ParameterDeprecated,
            Part::Property => Check::PropertyDeprecated,
        };
        let here = if part == Part::Operation { format!("{at}/deprecated") } else { at.to_owned() };
        out.push(finding(check, &here, format!("now deprecated, {}", sunset_note(new))));
    }
    let level = |v: &Value| {
        let text = v.get("x-stability-level").and_then(Value::as_str)?;
        LEVELS.iter().position(|l| *l == text).map(|i| (i, LEVELS[i]))
    };
    if let (Some((was, was_text)), Some((is, is_text))) = (level(old), level(new))
        && is < was
    {
        out.push(finding(
            Check::StabilityDecreased,
            &format!("{at}/x-stability-level"),
            format!("stability {was_text} -> {is_text}: what clients rely on may now change without notice"),
        ));
    }
}
