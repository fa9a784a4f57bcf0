//! `readOnly` and `writeOnly` transitions of a property both schemas declare. A `readOnly`
//! property is never sent, a `writeOnly` one never received ([`super::properties::counts`]),
//! so a transition moves a property into or out of what a client sends or receives. Only the
//! transitions a client feels are findings: `writeOnly` changes nothing for a sender, and
//! `readOnly` nothing for a receiver (oasdiff's table names those too, as information).
//!
//! Emits `request-property-became-read-only`, `request-optional-property-became-not-read-only`,
//! `request-required-property-became-not-read-only`, `response-required-property-became-write-only`,
//! `response-optional-property-became-write-only` and `response-property-became-not-write-only`.

use super::super::checks::Check;
use super::{Finding, Flow, finding};

/// Whether a property counted in this direction, and does now.
#[derive(Clone, Copy, Debug)]
pub struct Counts {
    /// In the old schema.
    pub was: bool,
    /// In the new one.
    pub is: bool,
}

/// Judges a property whose counting changed; false when it counts on both sides or on
/// neither, so the caller compares it as usual (or skips it).
pub fn transition(
    at: &str,
    name: &str,
    flow: Flow,
    counts: Counts,
    required: (bool, bool),
    out: &mut Vec<Finding>,
) -> bool {
    let (was_required, is_required) = required;
    let need = |r: bool| if r { "required" } else { "optional" };
    let (check, message) = match (flow, counts.was, counts.is) {
        (_, true, true) | (_, false, false) => return false,
        (Flow::Request, true, false) => (
            Check::RequestPropertyBecameReadOnly,
            format!("{name} ({}) became readOnly: clients that send it are refused or ignored", need(was_required)),
        ),
        (Flow::Request, false, true) if is_required => (
            Check::RequestRequiredPropertyBecameNotReadOnly,
            format!("{name} is no longer readOnly and is required: clients must now send it"),
        ),
        (Flow::Request, false, true) => (
            Check::RequestOptionalPropertyBecameNotReadOnly,
            format!("{name} is no longer readOnly: clients may send it"),
        ),
        (Flow::Response, true, false) if was_required => (
            Check::ResponseRequiredPropertyBecameWriteOnly,
            format!("{name} (required) became writeOnly: answers no longer hold it, clients that read it fail"),
        ),
        (Flow::Response, true, false) => (
            Check::ResponseOptionalPropertyBecameWriteOnly,
            format!("{name} (optional) became writeOnly: answers no longer hold it"),
        ),
        (Flow::Response, false, true) => {
            (Check::ResponsePropertyBecameNotWriteOnly, format!("{name} is no longer writeOnly: answers may hold it"))
        }
    };
    out.push(finding(check, at, message));
    true
}
