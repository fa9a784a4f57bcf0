//! Object properties, in the direction data flows: a property the client sends must not
//! appear as required nor vanish; one it receives must not vanish nor become optional.
//! `readOnly` properties do not count in requests, `writeOnly` ones not in answers.
//!
//! Emits `request-property-added`, `request-property-added-required`,
//! `request-property-removed`, `property-removed-after-sunset`, `request-property-made-required`,
//! `request-property-made-optional`, `response-property-added`, `response-property-removed`,
//! `response-property-made-optional` and `response-property-made-required`.

use epayment_openapi::walk;
use serde_json::Value;

use super::super::checks::Check;
use super::super::date::Day;
use super::super::schema::flag;
use super::lifecycle::{early_removal_note, sunset_passed};
use super::{Finding, Flow, finding};

/// Whether a property counts in this direction: a client never sends a `readOnly` one and
/// never receives a `writeOnly` one.
pub fn counts(root: &Value, property: &Value, flow: Flow) -> bool {
    let property = walk::resolve(root, property);
    match flow {
        Flow::Request => !flag(property, "readOnly"),
        Flow::Response => !flag(property, "writeOnly"),
    }
}

/// A property of the old schema (`old`, resolved) that the new one does not declare:
/// announced when it was deprecated and its sunset date is `today` or earlier.
pub fn removed(at: &str, name: &str, old: &Value, flow: Flow, today: &Day, out: &mut Vec<Finding>) {
    if let Some(day) = sunset_passed(old, today) {
        out.push(finding(Check::PropertyRemovedAfterSunset, at, format!("{name} is gone after its sunset {day}")));
        return;
    }
    let (check, what) = match flow {
        Flow::Request => (Check::RequestPropertyRemoved, "is gone from what clients send"),
        Flow::Response => (Check::ResponsePropertyRemoved, "is gone from the answer"),
    };
    out.push(finding(check, at, format!("{name} {what}{}", early_removal_note(old))));
}

/// A property both schemas declare, required by the old one or not, and by the new one.
pub fn required(at: &str, name: &str, flow: Flow, was: bool, is: bool, out: &mut Vec<Finding>) {
    let check = match (flow, was, is) {
        (Flow::Request, false, true) => Some((Check::RequestPropertyMadeRequired, "must now be sent")),
        (Flow::Request, true, false) => Some((Check::RequestPropertyMadeOptional, "may now be left out")),
        (Flow::Response, true, false) => {
            Some((Check::ResponsePropertyMadeOptional, "may now be missing from the answer"))
        }
        (Flow::Response, false, true) => Some((Check::ResponsePropertyMadeRequired, "is now always in the answer")),
        _ => None,
    };
    if let Some((check, what)) = check {
        out.push(finding(check, at, format!("{name} {what}")));
    }
}

/// A property the new schema declares and the old one did not.
pub fn added(at: &str, name: &str, flow: Flow, required: bool, out: &mut Vec<Finding>) {
    let (check, what) = match (flow, required) {
        (Flow::Request, true) => (Check::RequestPropertyAddedRequired, "must now be sent"),
        (Flow::Request, false) => (Check::RequestPropertyAdded, "may be sent"),
        (Flow::Response, _) => (Check::ResponsePropertyAdded, "is new in the answer"),
    };
    out.push(finding(check, at, format!("{name} {what}")));
}

/// A name the new schema requires without declaring it (JSON Schema allows that): clients
/// must now send it.
pub fn required_undeclared(at: &str, name: &str, flow: Flow, out: &mut Vec<Finding>) {
    if flow == Flow::Request {
        out.push(finding(Check::RequestPropertyMadeRequired, at, format!("{name} must now be sent")));
    }
}
