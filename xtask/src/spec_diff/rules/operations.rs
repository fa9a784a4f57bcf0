//! Operations: which are gone or new, and what changed in how clients reach one.
//!
//! Emits `operation-added`, `operation-removed`, `operation-deprecated`, `method-changed`,
//! `path-changed`, `operation-id-changed` and `path-moved-under-server-base`.

use epayment_openapi::walk;

use super::super::checks::Check;
use super::super::schema::flag;
use super::{Finding, finding, template};

/// An operation of one document.
#[derive(Debug)]
pub struct Op<'a> {
    /// Its operationId, if it has one.
    pub id: Option<String>,
    /// `get`, `post`, ...
    pub method: &'static str,
    /// The path as the document writes it.
    pub path: &'a str,
    /// The operation object and its path item.
    pub raw: walk::RawOperation<'a>,
}

impl Op<'_> {
    /// How messages name it.
    pub fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("operation {id}"),
            None => format!("{} {}", self.method.to_uppercase(), self.path),
        }
    }

    /// How findings name it: method and path.
    pub fn name(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }
}

/// An operation of the old document that the new one does not have.
pub fn removed(old: &Op<'_>, out: &mut Vec<Finding>) {
    out.push(finding(Check::OperationRemoved, "", format!("{} is gone", old.label())));
}

/// An operation of the new document that the old one did not have.
pub fn added(new: &Op<'_>, out: &mut Vec<Finding>) {
    out.push(finding(Check::OperationAdded, "", format!("{} is new", new.label())));
}

/// One operation in both documents (`renamed` when it was matched by method and URL, not by
/// operationId): its id, method and path, each under the document's server base.
pub fn matched(old: &Op<'_>, new: &Op<'_>, renamed: bool, bases: (&str, &str), out: &mut Vec<Finding>) {
    if renamed {
        let id = |op: &Op<'_>| op.id.clone().unwrap_or_else(|| "(none)".into());
        let what = format!("operationId {} -> {}", id(old), id(new));
        out.push(finding(
            Check::OperationIdChanged,
            "",
            format!("{what}: generated clients name their method after it"),
        ));
    }
    if old.method != new.method {
        out.push(finding(
            Check::MethodChanged,
            "",
            format!("{} -> {}", old.method.to_uppercase(), new.method.to_uppercase()),
        ));
    }
    if old.path != new.path {
        let (old_base, new_base) = bases;
        if template(&format!("{old_base}{}", old.path)) == template(&format!("{new_base}{}", new.path)) {
            let what = format!("{} -> {} (the same URL under the new server base)", old.path, new.path);
            if template(old.path) != template(new.path) {
                out.push(finding(Check::PathMovedUnderServerBase, "", what));
            }
        } else {
            out.push(finding(Check::PathChanged, "", format!("{} -> {}", old.path, new.path)));
        }
    }
}

/// An operation that is now deprecated.
pub fn deprecated(old: &Op<'_>, new: &Op<'_>, out: &mut Vec<Finding>) {
    if !flag(old.raw.operation, "deprecated") && flag(new.raw.operation, "deprecated") {
        out.push(finding(Check::OperationDeprecated, "", format!("{} is deprecated", new.label())));
    }
}
