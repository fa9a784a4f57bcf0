//! Request bodies, and the media types of any body (request or answer); what a body holds is
//! compared by the walker as a schema.
//!
//! Emits `request-body-added`, `request-body-added-required`, `request-body-removed`,
//! `request-body-made-required` and `content-type-changed`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::super::checks::Check;
use super::super::schema::flag;
use super::{Finding, finding};

/// Where a request body's findings are.
pub const AT: &str = "/requestBody";

/// Whether an operation takes a body, and must: each side's body, resolved, if it has one.
pub fn request_body(old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Finding>) {
    match (old, new) {
        (None, Some(new)) if flag(new, "required") => {
            out.push(finding(Check::RequestBodyAddedRequired, AT, "a required request body".into()))
        }
        (None, Some(_)) => out.push(finding(Check::RequestBodyAdded, AT, "an optional request body".into())),
        (Some(_), None) => out.push(finding(Check::RequestBodyRemoved, AT, "the request body is gone".into())),
        (Some(old), Some(new)) if !flag(old, "required") && flag(new, "required") => {
            out.push(finding(Check::RequestBodyMadeRequired, AT, "the request body is now required".into()))
        }
        _ => {}
    }
}

/// The media types of a body, where the old one declared any.
pub fn media_types(at: &str, old: &BTreeSet<&String>, new: &BTreeSet<&String>, out: &mut Vec<Finding>) {
    if old != new && !old.is_empty() {
        out.push(finding(Check::ContentTypeChanged, &format!("{at}/content"), format!("{old:?} -> {new:?}")));
    }
}
