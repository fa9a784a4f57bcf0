//! Parameters (path, query, header, cookie), matched by where they go and their name; their
//! schemas are compared by the walker like any request schema.
//!
//! Emits `parameter-added`, `parameter-added-required`, `parameter-removed`,
//! `parameter-made-required`, `parameter-made-optional` and `parameter-deprecated`.

use serde_json::Value;

use super::super::checks::Check;
use super::super::schema::flag;
use super::{Finding, finding};

/// A parameter of the old operation that the new one does not take.
pub fn removed(at: &str, out: &mut Vec<Finding>) {
    out.push(finding(
        Check::ParameterRemoved,
        at,
        "the parameter is gone; clients that send it break at compile or at run time".into(),
    ));
}

/// A parameter both operations take.
pub fn matched(at: &str, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    match (flag(old, "required"), flag(new, "required")) {
        (false, true) => out.push(finding(Check::ParameterMadeRequired, at, "the parameter is now required".into())),
        (true, false) => out.push(finding(Check::ParameterMadeOptional, at, "the parameter is now optional".into())),
        _ => {}
    }
    if !flag(old, "deprecated") && flag(new, "deprecated") {
        out.push(finding(Check::ParameterDeprecated, at, "the parameter is deprecated".into()));
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
