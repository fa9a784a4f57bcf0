//! What a schema is made of: compositions (`oneOf`/`anyOf`) and their branches, and external
//! references, which are compared by URL unless they were bundled first.
//!
//! Emits `composition-changed`, `request-branch-added`, `request-branch-removed`,
//! `response-branch-added`, `response-branch-removed` and `external-ref-changed`.

use serde_json::Value;

use super::super::checks::Check;
use super::super::schema::{branch_name, branch_names};
use super::{Finding, Flow, finding};

/// Two references of which at least one is external (`None`: a schema in the document).
/// Another URL is a finding; what lies behind either is not compared.
pub fn external_ref(at: &str, old: Option<&str>, new: Option<&str>, out: &mut Vec<Finding>) {
    if old == new {
        return;
    }
    let side = |r: Option<&str>| r.map_or_else(|| "a schema in the document".to_owned(), str::to_owned);
    out.push(finding(
        Check::ExternalRefChanged,
        at,
        format!(
            "{} -> {}: what lies behind an external reference is not compared unless it is mapped to a file (--external URL=FILE)",
            side(old),
            side(new)
        ),
    ));
}

/// A composition whose keyword changed (`oneOf` -> `anyOf`).
pub fn composition_kind(at: &str, old: &str, new: &str, out: &mut Vec<Finding>) {
    if old != new {
        out.push(finding(Check::CompositionChanged, at, format!("{old} -> {new}")));
    }
}

/// A single schema that became a composition of `branches`.
pub fn became_composition(at: &str, kind: &str, branches: &[&Value], out: &mut Vec<Finding>) {
    let must = if kind == "oneOf" { "exactly one of them" } else { "one of them" };
    out.push(finding(
        Check::CompositionChanged,
        at,
        format!("a single schema became {kind} [{}]: a value must now match {must}", branch_names(branches)),
    ));
}

/// A composition of `branches` that became a single schema.
pub fn became_single(at: &str, kind: &str, branches: &[&Value], out: &mut Vec<Finding>) {
    out.push(finding(
        Check::CompositionChanged,
        at,
        format!("{kind} [{}] became a single schema", branch_names(branches)),
    ));
}

/// A branch of the old composition that matches none of the new one.
pub fn branch_removed(at: &str, branch: &Value, flow: Flow, out: &mut Vec<Finding>) {
    let (check, what) = match flow {
        Flow::Request => (Check::RequestBranchRemoved, "clients that send it are refused"),
        Flow::Response => (Check::ResponseBranchRemoved, "answers no longer hold it"),
    };
    out.push(finding(check, at, format!("branch {} is gone: {what}", branch_name(branch))));
}

/// A branch of the new composition that matches none of the old one.
pub fn branch_added(at: &str, branch: &Value, flow: Flow, out: &mut Vec<Finding>) {
    let (check, what) = match flow {
        Flow::Request => (Check::RequestBranchAdded, "clients may send it"),
        Flow::Response => (Check::ResponseBranchAdded, "answers may hold it, which clients do not decode"),
    };
    out.push(finding(check, at, format!("branch {} is new: {what}", branch_name(branch))));
}
