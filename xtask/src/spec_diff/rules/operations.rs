//! Operations: which are gone or new, and what changed in how clients reach one.
//!
//! Emits `operation-added`, `operation-removed`, `operation-removed-after-sunset`,
//! `unstable-operation-removed`, `method-changed`, `path-changed`, `operation-id-changed` and
//! `path-moved-under-server-base`.

use epayment_openapi::walk;

use super::super::checks::Check;
use super::super::date::Day;
use super::lifecycle::{early_removal_note, sunset_passed, unstable};
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

    /// Where it is in its document, as a JSON pointer (`/paths/~1v1~1items/post`): the
    /// location of a finding about the operation as a whole, which must name a place too.
    pub fn pointer(&self) -> String {
        format!("/paths/{}/{}", self.path.replace('~', "~0").replace('/', "~1"), self.method)
    }
}

/// An operation of the old document that the new one does not have: announced when it was
/// deprecated and its sunset date is `today` or earlier, or when it was draft or alpha.
pub fn removed(old: &Op<'_>, today: &Day, out: &mut Vec<Finding>) {
    let (at, label, operation) = (old.pointer(), old.label(), old.raw.operation);
    out.push(match (sunset_passed(operation, today), unstable(operation)) {
        (Some(day), _) => {
            finding(Check::OperationRemovedAfterSunset, &at, format!("{label} is gone after its sunset {day}"))
        }
        (None, Some(level)) => {
            finding(Check::UnstableOperationRemoved, &at, format!("{label} ({level}: no stability promised) is gone"))
        }
        (None, None) => {
            finding(Check::OperationRemoved, &at, format!("{label} is gone{}", early_removal_note(operation)))
        }
    });
}

/// An operation of the new document that the old one did not have.
pub fn added(new: &Op<'_>, out: &mut Vec<Finding>) {
    out.push(finding(Check::OperationAdded, &new.pointer(), format!("{} is new", new.label())));
}

/// One operation in both documents (`renamed` when it was matched by method and URL, not by
/// operationId): its id, method and path, each under the document's server base.
pub fn matched(old: &Op<'_>, new: &Op<'_>, renamed: bool, bases: (&str, &str), out: &mut Vec<Finding>) {
    if renamed {
        let id = |op: &Op<'_>| op.id.clone().unwrap_or_else(|| "(none)".into());
        let what = format!("operationId {} -> {}", id(old), id(new));
        out.push(finding(
            Check::OperationIdChanged,
            &format!("{}/operationId", new.pointer()),
            format!("{what}: generated clients name their method after it"),
        ));
    }
    if old.method != new.method {
        out.push(finding(
            Check::MethodChanged,
            &new.pointer(),
            format!("{} -> {}", old.method.to_uppercase(), new.method.to_uppercase()),
        ));
    }
    if old.path != new.path {
        let (old_base, new_base) = bases;
        if template(&format!("{old_base}{}", old.path)) == template(&format!("{new_base}{}", new.path)) {
            let what = format!("{} -> {} (the same URL under the new server base)", old.path, new.path);
            if template(old.path) != template(new.path) {
                out.push(finding(Check::PathMovedUnderServerBase, &new.pointer(), what));
            }
        } else {
            out.push(finding(Check::PathChanged, &new.pointer(), format!("{} -> {}", old.path, new.path)));
        }
    }
}
