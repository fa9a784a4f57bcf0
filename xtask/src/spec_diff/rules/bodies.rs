//! Request bodies, and the media types of any body (request or answer); what a body holds is
//! compared by the walker as a schema.
//!
//! Media types are judged by direction: a request that accepts one more still accepts what
//! clients send, one fewer refuses some; an answer that may come in one more reaches clients
//! that parse only the old ones, one fewer changes nothing for them.
//!
//! Emits `request-body-added`, `request-body-added-required`, `request-body-removed`,
//! `request-body-made-required`, `request-body-made-optional`, `request-media-type-added`,
//! `request-media-type-removed`, `response-media-type-added` and `response-media-type-removed`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::super::checks::Check;
use super::super::schema::{escape, flag};
use super::{Finding, Flow, finding};

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
        (Some(old), Some(new)) if flag(old, "required") && !flag(new, "required") => {
            out.push(finding(Check::RequestBodyMadeOptional, AT, "the request body may now be left out".into()))
        }
        _ => {}
    }
}

/// The media types of a body (`at` is the request body or an answer), where the old one
/// declared any.
pub fn media_types(at: &str, old: &BTreeSet<&String>, new: &BTreeSet<&String>, flow: Flow, out: &mut Vec<Finding>) {
    if old.is_empty() {
        return;
    }
    let list = |types: &BTreeSet<&String>| types.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
    for gone in old.difference(new) {
        let (check, what) = match flow {
            Flow::Request => {
                (Check::RequestMediaTypeRemoved, "is no longer accepted: clients that send it are refused")
            }
            Flow::Response => (Check::ResponseMediaTypeRemoved, "is no longer answered"),
        };
        out.push(finding(check, &format!("{at}/content/{}", escape(gone)), format!("{gone} {what}")));
    }
    for added in new.difference(old) {
        let at = format!("{at}/content/{}", escape(added));
        out.push(match flow {
            Flow::Request => finding(
                Check::RequestMediaTypeAdded,
                &at,
                format!("{added} is accepted too; clients keep sending {}", list(old)),
            ),
            Flow::Response => finding(
                Check::ResponseMediaTypeAdded,
                &at,
                format!("answers may now be {added}: clients that parse only {} fail on them", list(old)),
            ),
        });
    }
}
