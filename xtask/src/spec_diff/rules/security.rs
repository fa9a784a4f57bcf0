//! Security: what a client must present. A requirement is a set of alternatives, each a set
//! of schemes (with OAuth scopes); a client satisfies one alternative. So each old alternative
//! is judged by what the new requirement offers its clients: the same, something that needs
//! less (non-breaking), the same schemes with more scopes, more schemes, or nothing (breaking).
//! New alternatives that replace none are added (non-breaking). Schemes are compared only
//! where a requirement names them: an unused scheme added to `components` is no finding.
//!
//! Emits `security-alternative-added`, `security-alternative-removed`,
//! `security-requirement-added`, `security-requirement-removed`, `security-scopes-added`,
//! `security-scopes-removed` and `security-changed`.

use std::collections::{BTreeMap, BTreeSet};

use epayment_openapi::walk;
use serde_json::Value;

use super::super::checks::Check;
use super::super::schema::escape;
use super::{Finding, finding};

/// One alternative: each scheme it needs, with the scopes it needs of it.
type Alternative = BTreeMap<String, BTreeSet<String>>;

/// A requirement's alternatives; none (absent or `[]`) is one alternative that needs nothing.
fn alternatives(requirement: Option<&Value>) -> Vec<Alternative> {
    let parsed: Vec<Alternative> = requirement
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|alt| {
            alt.iter()
                .map(|(scheme, scopes)| {
                    let scopes = scopes.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned);
                    (scheme.clone(), scopes.collect())
                })
                .collect()
        })
        .collect();
    if parsed.is_empty() { vec![Alternative::new()] } else { parsed }
}

/// Whether a client that satisfies `more` also satisfies `less`.
fn satisfies(more: &Alternative, less: &Alternative) -> bool {
    less.iter().all(|(scheme, scopes)| more.get(scheme).is_some_and(|have| scopes.is_subset(have)))
}

/// An alternative as messages show it: `bearer + oauth[read, write]`, or `no credentials`.
fn show(alt: &Alternative) -> String {
    if alt.is_empty() {
        return "no credentials".into();
    }
    let scheme = |(name, scopes): (&String, &BTreeSet<String>)| {
        if scopes.is_empty() {
            name.clone()
        } else {
            format!("{name}[{}]", scopes.iter().cloned().collect::<Vec<_>>().join(", "))
        }
    };
    alt.iter().map(scheme).collect::<Vec<_>>().join(" + ")
}

/// A requirement (the document's, or an operation's in effect) in both documents, at `at`.
pub fn requirements(at: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Finding>) {
    let (old, new) = (alternatives(old), alternatives(new));
    // The new alternatives that stand in for an old one: they are not also "added".
    let mut replacing = BTreeSet::new();
    for alt in old.iter().filter(|a| !new.contains(a)) {
        let was = show(alt);
        if let Some(j) = new.iter().position(|n| satisfies(alt, n)) {
            replacing.insert(j);
            let is = show(&new[j]);
            let (check, what) = if new[j].keys().eq(alt.keys()) {
                (Check::SecurityScopesRemoved, "fewer scopes")
            } else {
                (Check::SecurityRequirementRemoved, "less")
            };
            out.push(finding(check, at, format!("{was} -> {is}: needs {what}; what clients send still suffices")));
        } else if let Some(j) = new.iter().position(|n| n.keys().eq(alt.keys()) && satisfies(n, alt)) {
            replacing.insert(j);
            let is = show(&new[j]);
            out.push(finding(
                Check::SecurityScopesAdded,
                at,
                format!("{was} -> {is}: tokens granted the old scopes are refused"),
            ));
        } else if let Some(j) = new.iter().position(|n| satisfies(n, alt)) {
            replacing.insert(j);
            let is = show(&new[j]);
            out.push(finding(
                Check::SecurityRequirementAdded,
                at,
                if alt.is_empty() {
                    format!("{was} -> {is}: clients that send no credentials are refused")
                } else {
                    format!("{was} -> {is}: clients that present only {was} are refused")
                },
            ));
        } else {
            let left = new.iter().map(show).collect::<Vec<_>>().join(" | ");
            out.push(finding(
                Check::SecurityAlternativeRemoved,
                at,
                format!("{was} is no longer accepted (now: {left}): clients that use it are refused"),
            ));
        }
    }
    let added = new.iter().enumerate().filter(|(j, a)| !old.contains(a) && !replacing.contains(j));
    for (_, alt) in added {
        out.push(finding(
            Check::SecurityAlternativeAdded,
            at,
            format!("{} is accepted too; clients keep sending what they send", show(alt)),
        ));
    }
}

/// The schemes a document's requirements name, global or on any operation.
fn used_schemes(doc: &Value) -> BTreeSet<String> {
    let requirements =
        std::iter::once(doc.get("security")).chain(walk::operations(doc).map(|op| op.operation.get("security")));
    requirements.flat_map(alternatives).flat_map(|alt| alt.into_keys()).collect()
}

/// The security schemes the new document's requirements name, compared without their prose
/// with the old document's: one that is gone or new with the requirements that name it is
/// the requirements' finding, not the scheme's.
pub fn schemes(old: &Value, new: &Value, out: &mut Vec<Finding>) {
    for name in used_schemes(new) {
        let at = format!("/components/securitySchemes/{}", escape(&name));
        let (Some(was), is) = (old.pointer(&at), new.pointer(&at)) else { continue };
        if Some(crate::structure::skeleton(was)) != is.map(crate::structure::skeleton) {
            let what = if is.is_none() { "is no longer defined" } else { "changed (type, location, name or flows)" };
            out.push(finding(
                Check::SecurityChanged,
                &at,
                format!("the security scheme {name} {what}: clients configured for it may be refused"),
            ));
        }
    }
}
