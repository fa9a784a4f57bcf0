//! Parameters (path, query, header, cookie), matched by where they go and their name; their
//! schemas are compared by the walker like any request schema.
//!
//! Emits `parameter-added`, `parameter-added-required`, `parameter-removed`,
//! `parameter-removed-after-sunset`, `parameter-made-required` and `parameter-made-optional`.

use serde_json::Value;

use super::super::checks::Check;
use super::super::date::Day;
use super::super::schema::flag;
use super::lifecycle::{early_removal_note, sunset_passed};
use super::{Finding, finding};

/// A parameter of the old operation that the new one does not take: announced when it was
/// deprecated and its sunset date is `today` or earlier.
pub fn removed(at: &str, old: &Value, today: &Day, out: &mut Vec<Finding>) {
    out.push(match sunset_passed(old, today) {
        Some(day) => {
            finding(Check::ParameterRemovedAfterSunset, at, format!("the parameter is gone after its sunset {day}"))
        }
        None => finding(
            Check::ParameterRemoved,
            at,
            format!(
                "the parameter is gone; clients that send it break at compile or at run time{}",
                early_removal_note(old)
            ),
        ),
    });
}

/// A parameter both operations take.
pub fn matched(at: &str, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    match (flag(old, "required"), flag(new, "required")) {
        (false, true) => out.push(finding(Check::ParameterMadeRequired, at, "the parameter is now required".into())),
        (true, false) => out.push(finding(Check::ParameterMadeOptional, at, "the parameter is now optional".into())),
        _ => {}
    }
}

/// A parameter the new operation takes and the old one did not.
pub fn added(at: &str, new: &Value, out: &mut Vec<Finding>) {
    if flag(new, "required") {
        out.push(finding(Check::ParameterAddedRequired, at, "a new required parameter".into()));
    } else {
        out.push(finding(Check::ParameterAdded, at, "a new optional parameter".into()));
    }
}
