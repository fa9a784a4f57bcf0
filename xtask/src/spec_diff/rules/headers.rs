//! Response headers, compared like parameters but in the other direction: a header clients
//! read must not vanish nor become optional. Names are compared without their case (HTTP
//! header names have none); a header's schema is compared by the walker as an answer's.
//!
//! Emits `response-header-added`, `response-header-removed`, `response-optional-header-removed`
//! and `response-header-made-optional`.

use serde_json::Value;

use super::super::checks::Check;
use super::super::schema::flag;
use super::{Finding, finding};

/// A header of the old answer that the new one does not have.
pub fn removed(at: &str, name: &str, old: &Value, out: &mut Vec<Finding>) {
    if flag(old, "required") {
        out.push(finding(
            Check::ResponseHeaderRemoved,
            at,
            format!("the required header {name} is gone: clients that read it fail"),
        ));
    } else {
        out.push(finding(Check::ResponseOptionalHeaderRemoved, at, format!("the optional header {name} is gone")));
    }
}

/// A header both answers have.
pub fn matched(at: &str, name: &str, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    if flag(old, "required") && !flag(new, "required") {
        out.push(finding(
            Check::ResponseHeaderMadeOptional,
            at,
            format!("{name} may now be missing: clients that read it must cope without it"),
        ));
    }
}

/// A header of the new answer that the old one did not have.
pub fn added(at: &str, name: &str, out: &mut Vec<Finding>) {
    out.push(finding(Check::ResponseHeaderAdded, at, format!("{name} is a new header of the answer")));
}
