//! A schema's own keywords, each judged in the direction data flows: what a client sends must
//! not get stricter, what it receives must not get looser. [`KEYWORDS`] is the table of
//! comparators; `type` comes first and may end the comparison.
//!
//! Emits `type-changed`, `request-type-widened`, `response-type-narrowed`, `format-changed`,
//! `request-format-removed`, `response-format-added`, `request-default-changed`,
//! `response-default-changed`, `request-nullable-removed`, `request-nullable-added`,
//! `response-nullable-added`, `response-nullable-removed`, `request-constraint-tightened`,
//! `request-constraint-loosened`, `response-constraint-loosened`,
//! `response-constraint-tightened`, `pattern-changed`, `request-enum-value-added`,
//! `request-enum-value-removed`, `response-enum-value-added`, `response-enum-value-removed`,
//! `request-extensible-enum-value-removed` and `response-extensible-enum-value-added`.

use serde_json::Value;

use super::super::checks::Check;
use super::super::pattern::{self, Order};
use super::super::schema::{effective_type, flag, show};
use super::{Finding, Flow, finding};

/// One keyword of a pair of schemas, for its comparator.
pub struct Keyword<'a> {
    /// Where the schemas are.
    pub at: &'a str,
    /// The keyword.
    pub key: &'static str,
    /// The old schema, whole (a length limit counts with the pattern).
    pub old_schema: &'a Value,
    /// The new schema, whole.
    pub new_schema: &'a Value,
    /// Which way data flows.
    pub flow: Flow,
}

impl<'a> Keyword<'a> {
    fn before(&self) -> Option<&'a Value> {
        self.old_schema.get(self.key)
    }

    fn after(&self) -> Option<&'a Value> {
        self.new_schema.get(self.key)
    }

    /// Reports the keyword's change as a limit that is stricter or looser.
    fn constraint(&self, stricter: bool, out: &mut Vec<Finding>) {
        constraint(self.at, self.key, self.before(), self.after(), stricter, self.flow, out);
    }
}

/// A comparator: called when the keyword's value differs between the two schemas.
type Comparator = fn(&Keyword<'_>, &mut Vec<Finding>);

/// Every keyword compared on a schema itself, with its comparator, in the order findings are
/// reported.
pub const KEYWORDS: &[(&str, Comparator)] = &[
    ("format", format),
    ("default", default),
    ("nullable", nullable),
    ("maxLength", max_length),
    ("maximum", upper_limit),
    ("maxItems", upper_limit),
    ("maxProperties", upper_limit),
    ("minLength", min_length),
    ("minimum", lower_limit),
    ("minItems", lower_limit),
    ("minProperties", lower_limit),
    ("exclusiveMinimum", lower_limit),
    ("exclusiveMaximum", upper_limit),
    ("multipleOf", multiple_of),
    ("uniqueItems", unique_items),
    ("pattern", pattern),
    ("enum", enum_values),
    ("x-extensible-enum", extensible_enum),
];

/// Runs every comparator of [`KEYWORDS`] whose keyword differs between `old` and `new`.
pub fn compare(at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) {
    for (key, comparator) in KEYWORDS {
        if old.get(key) != new.get(key) {
            comparator(&Keyword { at, key, old_schema: old, new_schema: new, flow }, out);
        }
    }
}

/// Compares types (a composition's is the type its branches share); false when they differ so
/// much that nothing below them compares.
pub fn types(at: &str, roots: (&Value, &Value), old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) -> bool {
    let (Some(o), Some(n)) = (effective_type(roots.0, old), effective_type(roots.1, new)) else { return true };
    if o == n {
        return true;
    }
    let what = format!("type {o} -> {n}");
    match (o.as_str(), n.as_str(), flow) {
        ("integer", "number", Flow::Request) => out.push(finding(Check::RequestTypeWidened, at, what)),
        ("number", "integer", Flow::Response) => out.push(finding(Check::ResponseTypeNarrowed, at, what)),
        ("integer", "number", _) | ("number", "integer", _) => out.push(finding(Check::TypeChanged, at, what)),
        _ => {
            // The old type's limits mean nothing for the new one: one finding says it all.
            out.push(finding(Check::TypeChanged, at, what));
            return false;
        }
    }
    true
}

/// A media type that gains a schema (any body was accepted or answered; now only what it
/// describes) or loses one: a limit like any other, by direction.
pub fn media_type_schema(at: &str, old: Option<&Value>, new: Option<&Value>, flow: Flow, out: &mut Vec<Finding>) {
    let shown = |v: Option<&Value>| v.map(|_| Value::String("a schema".into()));
    if old.is_some() != new.is_some() {
        constraint(at, "schema", shown(old).as_ref(), shown(new).as_ref(), new.is_some(), flow, out);
    }
}

/// `additionalProperties` that is not a schema on both sides (a schema on both is compared as
/// one by the walker): open (absent or true), closed (false) or a schema.
pub fn additional_properties(at: &str, old: Option<&Value>, new: Option<&Value>, flow: Flow, out: &mut Vec<Finding>) {
    let open = |v: Option<&Value>| v.is_none() || v == Some(&Value::Bool(true));
    let closed = |v: Option<&Value>| v == Some(&Value::Bool(false));
    if open(old) && open(new) || closed(old) && closed(new) {
        return;
    }
    let stricter = open(old) || closed(new);
    constraint(at, "additionalProperties", old, new, stricter, flow, out);
}

fn format(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    let (o, n) = (k.before(), k.after());
    let check = match (k.flow, o, n) {
        (Flow::Request, Some(_), None) => Check::RequestFormatRemoved,
        (Flow::Response, None, Some(_)) => Check::ResponseFormatAdded,
        _ => Check::FormatChanged,
    };
    out.push(finding(check, k.at, format!("format {} -> {}", show(o), show(n))));
}

fn default(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    let (check, consequence) = match k.flow {
        Flow::Request => (Check::RequestDefaultChanged, "clients that leave it out get what the new default does"),
        Flow::Response => {
            (Check::ResponseDefaultChanged, "generated clients fill in the new default where it is left out")
        }
    };
    out.push(finding(check, k.at, format!("default {} -> {}: {consequence}", show(k.before()), show(k.after()))));
}

fn nullable(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    match (k.flow, flag(k.old_schema, "nullable"), flag(k.new_schema, "nullable")) {
        (Flow::Request, true, false) => {
            out.push(finding(Check::RequestNullableRemoved, k.at, "null is no longer accepted".into()))
        }
        (Flow::Response, false, true) => {
            out.push(finding(Check::ResponseNullableAdded, k.at, "the answer may now be null".into()))
        }
        (Flow::Request, false, true) => {
            out.push(finding(Check::RequestNullableAdded, k.at, "null may now be sent".into()))
        }
        (Flow::Response, true, false) => {
            out.push(finding(Check::ResponseNullableRemoved, k.at, "the answer is never null any more".into()))
        }
        _ => {}
    }
}

/// The length limits a string schema has in effect: its keywords and what its pattern implies.
fn effective_lengths(v: &Value) -> (f64, f64) {
    let implied = v.get("pattern").and_then(Value::as_str).and_then(pattern::implied_length);
    let min = v.get("minLength").and_then(Value::as_f64).unwrap_or(0.0);
    let max = v.get("maxLength").and_then(Value::as_f64).unwrap_or(f64::INFINITY);
    match implied {
        Some((lo, hi)) => (min.max(lo as f64), max.min(hi.map_or(f64::INFINITY, |h| h as f64))),
        None => (min, max),
    }
}

/// A length limit counts with what the pattern already demanded: raising `minLength` to the
/// pattern's own minimum changes nothing.
fn min_length(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    let (old, new) = (effective_lengths(k.old_schema).0, effective_lengths(k.new_schema).0);
    if old != new {
        k.constraint(new > old, out);
    }
}

fn max_length(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    let (old, new) = (effective_lengths(k.old_schema).1, effective_lengths(k.new_schema).1);
    if old != new {
        k.constraint(new < old, out);
    }
}

/// `minimum`, `minItems`, `minProperties`, `exclusiveMinimum`: a larger value is stricter.
fn lower_limit(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    limit(k, true, out);
}

/// `maximum`, `maxItems`, `maxProperties`, `exclusiveMaximum`: a smaller value is stricter.
fn upper_limit(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    limit(k, false, out);
}

fn limit(k: &Keyword<'_>, larger_is_stricter: bool, out: &mut Vec<Finding>) {
    let (ov, nv) = (k.before(), k.after());
    // OpenAPI 3.0 spells exclusive limits as booleans (absent is false): true is the
    // stricter, which this ordering expresses as a number.
    let as_bool_number = |b: bool| if b == larger_is_stricter { 1.0 } else { -1.0 };
    let as_number = |v: Option<&Value>, other: Option<&Value>| match v {
        Some(Value::Bool(b)) => Some(as_bool_number(*b)),
        None if matches!(other, Some(Value::Bool(_))) => Some(as_bool_number(false)),
        v => v.and_then(Value::as_f64),
    };
    let stricter = match (as_number(ov, nv), as_number(nv, ov)) {
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (Some(o), Some(n)) if o != n => (n > o) == larger_is_stricter,
        _ => return,
    };
    k.constraint(stricter, out);
}

fn multiple_of(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    let stricter = match (k.before().and_then(Value::as_f64), k.after().and_then(Value::as_f64)) {
        (None, None) => return,
        (Some(o), Some(n)) if o == n => return,
        (None, Some(_)) => true,
        (Some(_), None) => false,
        // Multiples of 10 are multiples of 5: the new one is stricter when the old divides it.
        (Some(o), Some(n)) if (n / o).fract() == 0.0 => true,
        (Some(o), Some(n)) if (o / n).fract() == 0.0 => false,
        // Neither divides the other: some old values are refused and some new ones appear.
        _ => k.flow == Flow::Request,
    };
    k.constraint(stricter, out);
}

fn unique_items(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    let (was, is) = (flag(k.old_schema, "uniqueItems"), flag(k.new_schema, "uniqueItems"));
    if was != is {
        k.constraint(is, out);
    }
}

fn pattern(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    let (ov, nv) = (k.before(), k.after());
    let order = match (ov.and_then(Value::as_str), nv.and_then(Value::as_str)) {
        (None, Some(_)) => Order::Stricter,
        (Some(_), None) => Order::Looser,
        (Some(o), Some(n)) => pattern::compare(o, n),
        (None, None) => return,
    };
    match order {
        Order::Same => {}
        Order::Stricter => k.constraint(true, out),
        Order::Looser => k.constraint(false, out),
        Order::Unknown => out.push(finding(
            Check::PatternChanged,
            k.at,
            format!("pattern {} -> {}: changed (direction unknown)", show(ov), show(nv)),
        )),
    }
}

fn enum_values(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    let (at, flow) = (k.at, k.flow);
    match (k.before().and_then(Value::as_array), k.after().and_then(Value::as_array)) {
        (None, None) => {}
        // A list where there was none limits the values; none where there was one frees them.
        (None, Some(_)) => k.constraint(true, out),
        (Some(_), None) => k.constraint(false, out),
        (Some(o), Some(n)) => {
            for added in n.iter().filter(|v| !o.contains(v)) {
                out.push(match flow {
                    Flow::Response => finding(
                        Check::ResponseEnumValueAdded,
                        at,
                        format!("{added} may now be answered: breaking for clients with closed enums (generated Rust enums are closed)"),
                    ),
                    Flow::Request => finding(Check::RequestEnumValueAdded, at, format!("{added} may now be sent")),
                });
            }
            for removed in o.iter().filter(|v| !n.contains(v)) {
                out.push(match flow {
                    Flow::Request => {
                        finding(Check::RequestEnumValueRemoved, at, format!("{removed} is no longer accepted"))
                    }
                    Flow::Response => {
                        finding(Check::ResponseEnumValueRemoved, at, format!("{removed} is no longer answered"))
                    }
                });
            }
        }
    }
}

/// `x-extensible-enum` (Zalando's open enum): clients must accept values they do not know, so
/// a value added to an answer is no break; one removed from what clients send is.
fn extensible_enum(k: &Keyword<'_>, out: &mut Vec<Finding>) {
    let values = |v: Option<&'_ Value>| v.and_then(Value::as_array).cloned().unwrap_or_default();
    let (o, n) = (values(k.before()), values(k.after()));
    let at = format!("{}/x-extensible-enum", k.at);
    for added in n.iter().filter(|v| !o.contains(v)) {
        out.push(match k.flow {
            Flow::Request => finding(Check::RequestEnumValueAdded, &at, format!("{added} may now be sent")),
            Flow::Response => finding(
                Check::ResponseExtensibleEnumValueAdded,
                &at,
                format!("{added} may now be answered; an extensible enum's clients accept unknown values"),
            ),
        });
    }
    for removed in o.iter().filter(|v| !n.contains(v)) {
        out.push(match k.flow {
            Flow::Request => finding(
                Check::RequestExtensibleEnumValueRemoved,
                &at,
                format!("{removed} is no longer accepted: clients that send it are refused"),
            ),
            Flow::Response => finding(Check::ResponseEnumValueRemoved, &at, format!("{removed} is no longer answered")),
        });
    }
}

/// Reports a limit that changed, by whether it is stricter and which way data flows.
fn constraint(
    at: &str,
    key: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    stricter: bool,
    flow: Flow,
    out: &mut Vec<Finding>,
) {
    let what = format!("{key} {} -> {}", show(old), show(new));
    let (check, message) = match (flow, stricter) {
        (Flow::Request, true) => {
            (Check::RequestConstraintTightened, format!("{what}: values clients send today may be refused"))
        }
        (Flow::Request, false) => (Check::RequestConstraintLoosened, what),
        (Flow::Response, false) => {
            (Check::ResponseConstraintLoosened, format!("{what}: answers may hold values clients do not expect"))
        }
        (Flow::Response, true) => (Check::ResponseConstraintTightened, what),
    };
    out.push(finding(check, at, message));
}
