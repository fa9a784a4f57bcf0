//! Comparing two schemas in the direction data flows: what a client sends must not get
//! stricter, what it receives must not get looser or lose fields.
//!
//! - `allOf` is merged into one schema before comparing, so wrapping a schema in `allOf` (to
//!   give a `$ref` a description) is no change.
//! - `oneOf`/`anyOf` branches are matched by `$ref` name, then by shape (the properties they
//!   share), and matched branches are compared; a schema that becomes a composition is
//!   compared with the union of its branches.
//! - `additionalProperties` is compared as a schema.
//! - A pair of `$ref`s is compared once per direction and remembered: a schema reached again
//!   reuses the findings (reported again at each place it is reached), and a schema reached
//!   again inside itself (a tree of nodes) stops there, so recursive documents cost what flat
//!   ones do.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use serde_json::{Map, Value};

use super::checks::Check;
use super::pattern::{self, Order};
use epayment_openapi::walk;

/// Which way data flows through a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flow {
    /// The client sends it.
    Request,
    /// The client receives it.
    Response,
}

/// One finding, its location relative to where the comparison started.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The check.
    pub check: Check,
    /// A JSON pointer from the compared schema.
    pub location: String,
    /// What changed, in words.
    pub message: String,
}

type PairKey = (String, String, Flow);

/// Compares schemas of one pair of documents, remembering pairs of components across calls.
pub struct SchemaDiffer<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    memo: HashMap<PairKey, Rc<Vec<Finding>>>,
    in_progress: HashSet<PairKey>,
}

/// How many `allOf` levels are merged, and how deep inline schemas are followed, before the
/// comparison gives up on a branch: far beyond real documents, and a guard against documents
/// whose `allOf` names itself.
const MAX_DEPTH: usize = 64;

impl<'a> SchemaDiffer<'a> {
    /// A differ for schemas of `old_root` and `new_root`.
    pub fn new(old_root: &'a Value, new_root: &'a Value) -> Self {
        SchemaDiffer { old_root, new_root, memo: HashMap::new(), in_progress: HashSet::new() }
    }

    /// The two documents, old then new.
    pub fn roots(&self) -> (&'a Value, &'a Value) {
        (self.old_root, self.new_root)
    }

    /// The findings between two schemas (or references to them), located relative to them.
    pub fn compare(&mut self, old: &Value, new: &Value, flow: Flow) -> Vec<Finding> {
        let mut out = Vec::new();
        self.schema("", old, new, flow, 0, &mut out);
        out
    }

    fn schema(&mut self, at: &str, old: &Value, new: &Value, flow: Flow, depth: usize, out: &mut Vec<Finding>) {
        if depth > MAX_DEPTH {
            return;
        }
        let (oref, nref) = (reference(old), reference(new));
        fn external(r: Option<&str>) -> Option<&str> {
            r.filter(|r| !r.starts_with('#'))
        }
        match (external(oref), external(nref)) {
            (None, None) => {}
            (Some(o), Some(n)) if o == n => return,
            (o, n) => {
                let side = |r: Option<&str>| r.map_or_else(|| "a schema in the document".to_owned(), str::to_owned);
                out.push(finding(
                    Check::ExternalRefChanged,
                    at,
                    format!(
                        "{} -> {}: what lies behind an external reference is not compared unless it is mapped to a file (--external URL=FILE)",
                        side(o),
                        side(n)
                    ),
                ));
                return;
            }
        }
        let (Some(oref), Some(nref)) = (oref, nref) else {
            self.body(at, old, new, flow, depth, out);
            return;
        };
        let key = (oref.to_owned(), nref.to_owned(), flow);
        if self.in_progress.contains(&key) {
            // Reached again inside itself: what differs is reported where the cycle began.
            return;
        }
        let findings = match self.memo.get(&key) {
            Some(found) => Rc::clone(found),
            None => {
                self.in_progress.insert(key.clone());
                let mut inner = Vec::new();
                self.body("", old, new, flow, 0, &mut inner);
                self.in_progress.remove(&key);
                let inner = Rc::new(inner);
                self.memo.insert(key, Rc::clone(&inner));
                inner
            }
        };
        out.extend(findings.iter().map(|f| Finding { location: format!("{at}{}", f.location), ..f.clone() }));
    }

    fn body(&mut self, at: &str, old: &Value, new: &Value, flow: Flow, depth: usize, out: &mut Vec<Finding>) {
        let (oroot, nroot) = (self.old_root, self.new_root);
        let (old, new) = (flatten(oroot, old, 0), flatten(nroot, new, 0));
        let (old, new) = (old.as_ref(), new.as_ref());
        prose(at, old, new, out);
        if !flag(old, "deprecated") && flag(new, "deprecated") {
            out.push(finding(Check::PropertyDeprecated, at, "now deprecated".into()));
        }
        if !self.types(at, old, new, flow, out) {
            return;
        }
        formats(at, old, new, flow, out);
        defaults(at, old, new, flow, out);
        nullable(at, old, new, flow, out);
        bounds(at, old, new, flow, out);
        enums(at, old, new, flow, out);
        match (branches(old), branches(new)) {
            (None, None) => self.object(at, old, new, flow, depth, out),
            (Some((ok, ob)), Some((nk, nb))) => {
                if ok != nk {
                    out.push(finding(Check::CompositionChanged, at, format!("{ok} -> {nk}")));
                }
                self.branches(at, nk, &ob, &nb, flow, depth, out);
                self.object(at, old, new, flow, depth, out);
            }
            (None, Some((nk, nb))) => {
                let names = branch_names(&nb);
                out.push(finding(
                    Check::CompositionChanged,
                    at,
                    format!(
                        "a single schema became {nk} [{names}]: a value must now match {}",
                        match nk {
                            "oneOf" => "exactly one of them",
                            _ => "one of them",
                        }
                    ),
                ));
                let union = union_view(nroot, new, &nb);
                self.object(at, old, &union, flow, depth, out);
            }
            (Some((ok, ob)), None) => {
                let names = branch_names(&ob);
                out.push(finding(Check::CompositionChanged, at, format!("{ok} [{names}] became a single schema")));
                let union = union_view(oroot, old, &ob);
                self.object(at, &union, new, flow, depth, out);
            }
        }
    }

    /// Compares types; false when they differ so much that nothing below them compares.
    fn types(&mut self, at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) -> bool {
        let (oroot, nroot) = (self.old_root, self.new_root);
        let (Some(o), Some(n)) = (effective_type(oroot, old), effective_type(nroot, new)) else { return true };
        if o == n {
            return true;
        }
        let what = format!("type {o} -> {n}");
        match (o.as_str(), n.as_str(), flow) {
            ("integer", "number", Flow::Request) => out.push(finding(Check::RequestTypeWidened, at, what)),
            ("number", "integer", Flow::Response) => out.push(finding(Check::ResponseTypeNarrowed, at, what)),
            ("integer", "number", _) | ("number", "integer", _) => out.push(finding(Check::TypeChanged, at, what)),
            _ => {
                // The old type's limits mean nothing for the new one: one finding says it all.
                out.push(finding(Check::TypeChanged, at, what));
                return false;
            }
        }
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn branches(
        &mut self,
        at: &str,
        kind: &str,
        old: &[&Value],
        new: &[&Value],
        flow: Flow,
        depth: usize,
        out: &mut Vec<Finding>,
    ) {
        let (oroot, nroot) = (self.old_root, self.new_root);
        let pairs = match_branches(oroot, nroot, old, new);
        for (i, j) in &pairs {
            self.schema(&format!("{at}/{kind}/{j}"), old[*i], new[*j], flow, depth + 1, out);
        }
        let matched_old: BTreeSet<usize> = pairs.iter().map(|p| p.0).collect();
        let matched_new: BTreeSet<usize> = pairs.iter().map(|p| p.1).collect();
        for (i, b) in old.iter().enumerate().filter(|(i, _)| !matched_old.contains(i)) {
            let (check, what) = match flow {
                Flow::Request => (Check::RequestBranchRemoved, "clients that send it are refused"),
                Flow::Response => (Check::ResponseBranchRemoved, "answers no longer hold it"),
            };
            out.push(finding(check, &format!("{at}/{kind}/{i}"), format!("branch {} is gone: {what}", branch_name(b))));
        }
        for (j, b) in new.iter().enumerate().filter(|(j, _)| !matched_new.contains(j)) {
            let (check, what) = match flow {
                Flow::Request => (Check::RequestBranchAdded, "clients may send it"),
                Flow::Response => (Check::ResponseBranchAdded, "answers may hold it, which clients do not decode"),
            };
            out.push(finding(check, &format!("{at}/{kind}/{j}"), format!("branch {} is new: {what}", branch_name(b))));
        }
    }

    fn object(&mut self, at: &str, old: &Value, new: &Value, flow: Flow, depth: usize, out: &mut Vec<Finding>) {
        let (oroot, nroot) = (self.old_root, self.new_root);
        let empty = Map::new();
        let (op, np) = (members(old, "properties", &empty), members(new, "properties", &empty));
        let (or, nr) = (required_names(old), required_names(new));
        // A property the client never sends (readOnly) or never receives (writeOnly) does not
        // count in that direction.
        let irrelevant = |root: &Value, v: &Value| {
            let v = walk::resolve(root, v);
            match flow {
                Flow::Request => flag(v, "readOnly"),
                Flow::Response => flag(v, "writeOnly"),
            }
        };
        for (name, os) in op {
            let here = format!("{at}/properties/{}", escape(name));
            let Some(ns) = np.get(name) else {
                if !irrelevant(oroot, os) {
                    let (check, what) = match flow {
                        Flow::Request => (Check::RequestPropertyRemoved, "is gone from what clients send"),
                        Flow::Response => (Check::ResponsePropertyRemoved, "is gone from the answer"),
                    };
                    out.push(finding(check, &here, format!("{name} {what}")));
                }
                continue;
            };
            if irrelevant(oroot, os) && irrelevant(nroot, ns) {
                continue;
            }
            let check = match (flow, or.contains(name), nr.contains(name)) {
                (Flow::Request, false, true) => Some((Check::RequestPropertyMadeRequired, "must now be sent")),
                (Flow::Request, true, false) => Some((Check::RequestPropertyMadeOptional, "may now be left out")),
                (Flow::Response, true, false) => {
                    Some((Check::ResponsePropertyMadeOptional, "may now be missing from the answer"))
                }
                (Flow::Response, false, true) => {
                    Some((Check::ResponsePropertyMadeRequired, "is now always in the answer"))
                }
                _ => None,
            };
            if let Some((check, what)) = check {
                out.push(finding(check, &here, format!("{name} {what}")));
            }
            self.schema(&here, os, ns, flow, depth + 1, out);
        }
        for (name, ns) in np.iter().filter(|(n, _)| !op.contains_key(*n)) {
            if irrelevant(nroot, ns) {
                continue;
            }
            let here = format!("{at}/properties/{}", escape(name));
            let (check, what) = match (flow, nr.contains(name)) {
                (Flow::Request, true) => (Check::RequestPropertyAddedRequired, "must now be sent"),
                (Flow::Request, false) => (Check::RequestPropertyAdded, "may be sent"),
                (Flow::Response, _) => (Check::ResponsePropertyAdded, "is new in the answer"),
            };
            out.push(finding(check, &here, format!("{name} {what}")));
        }
        // Names that were required without being declared (allowed by JSON Schema).
        for name in nr.difference(&or).filter(|n| !np.contains_key(*n) && flow == Flow::Request) {
            out.push(finding(
                Check::RequestPropertyMadeRequired,
                &format!("{at}/properties/{}", escape(name)),
                format!("{name} must now be sent"),
            ));
        }
        self.additional(at, old, new, flow, depth, out);
        if let (Some(oi), Some(ni)) = (old.get("items"), new.get("items")) {
            self.schema(&format!("{at}/items"), oi, ni, flow, depth + 1, out);
        }
    }

    fn additional(&mut self, at: &str, old: &Value, new: &Value, flow: Flow, depth: usize, out: &mut Vec<Finding>) {
        let here = format!("{at}/additionalProperties");
        let (o, n) = (old.get("additionalProperties"), new.get("additionalProperties"));
        let open = |v: Option<&Value>| v.is_none() || v == Some(&Value::Bool(true));
        let closed = |v: Option<&Value>| v == Some(&Value::Bool(false));
        let stricter = match (o, n) {
            (Some(o @ Value::Object(_)), Some(n @ Value::Object(_))) => {
                self.schema(&here, o, n, flow, depth + 1, out);
                return;
            }
            _ if open(o) && open(n) || closed(o) && closed(n) => return,
            _ if open(o) || closed(n) => true,
            _ => false,
        };
        constraint(&here, "additionalProperties", o, n, stricter, flow, out);
    }
}

fn finding(check: Check, location: &str, message: String) -> Finding {
    Finding { check, location: location.to_owned(), message }
}

/// The object under `key` (`properties`, `content`), or `empty`.
pub(super) fn members<'v>(v: &'v Value, key: &str, empty: &'v Map<String, Value>) -> &'v Map<String, Value> {
    v.get(key).and_then(Value::as_object).unwrap_or(empty)
}

fn reference(v: &Value) -> Option<&str> {
    v.get("$ref").and_then(Value::as_str)
}

/// Whether a boolean keyword (`deprecated`, `readOnly`, ...) is set.
pub(super) fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A keyword's value as reports show it, `(none)` when absent.
pub(super) fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "(none)".to_owned(), Value::to_string)
}

fn required_names(v: &Value) -> BTreeSet<String> {
    v.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// `v` with its `$ref` followed and its `allOf` merged into one schema.
fn flatten<'v>(root: &'v Value, v: &'v Value, depth: usize) -> Cow<'v, Value> {
    let v = walk::resolve(root, v);
    let Some(parts) = v.get("allOf").and_then(Value::as_array) else { return Cow::Borrowed(v) };
    if depth > MAX_DEPTH {
        return Cow::Borrowed(v);
    }
    let mut merged = Map::new();
    for part in parts {
        merge_into(&mut merged, flatten(root, part, depth + 1).as_ref());
    }
    // The schema's own keywords (a description beside the allOf) come last and win.
    let own: Map<String, Value> = v
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| *k != "allOf")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    merge_into(&mut merged, &Value::Object(own));
    Cow::Owned(Value::Object(merged))
}

/// Merges `part` into `into` the way `allOf` combines schemas: properties and required names
/// add up, a property declared twice is the `allOf` of both, limits take the stricter value.
fn merge_into(into: &mut Map<String, Value>, part: &Value) {
    let Some(part) = part.as_object() else { return };
    for (key, value) in part {
        match (key.as_str(), into.get_mut(key)) {
            (_, None) => {
                into.insert(key.clone(), value.clone());
            }
            ("properties", Some(Value::Object(existing))) => {
                for (name, schema) in value.as_object().into_iter().flatten() {
                    match existing.get_mut(name) {
                        None => {
                            existing.insert(name.clone(), schema.clone());
                        }
                        Some(earlier) => *earlier = serde_json::json!({"allOf": [earlier.clone(), schema.clone()]}),
                    }
                }
            }
            ("required", Some(Value::Array(existing))) => {
                for name in value.as_array().into_iter().flatten() {
                    if !existing.contains(name) {
                        existing.push(name.clone());
                    }
                }
            }
            ("minLength" | "minimum" | "minItems" | "minProperties", Some(existing))
                if value.as_f64() > existing.as_f64() =>
            {
                *existing = value.clone();
            }
            ("maxLength" | "maximum" | "maxItems" | "maxProperties", Some(existing))
                if value.as_f64() < existing.as_f64() =>
            {
                *existing = value.clone();
            }
            ("description" | "summary" | "example" | "title" | "deprecated" | "nullable", Some(existing)) => {
                *existing = value.clone();
            }
            // Anything else (type, format, enum, pattern): the first part's word stands.
            _ => {}
        }
    }
}

/// The `oneOf`/`anyOf` of a schema: its keyword and its branches.
fn branches(v: &Value) -> Option<(&'static str, Vec<&Value>)> {
    ["oneOf", "anyOf"].into_iter().find_map(|k| v.get(k).and_then(Value::as_array).map(|b| (k, b.iter().collect())))
}

fn branch_name(v: &Value) -> String {
    match reference(v) {
        Some(r) => r.rsplit('/').next().unwrap_or(r).to_owned(),
        None => v.get("title").and_then(Value::as_str).map_or_else(|| "(inline)".to_owned(), str::to_owned),
    }
}

fn branch_names(branches: &[&Value]) -> String {
    branches.iter().map(|b| branch_name(b)).collect::<Vec<_>>().join(", ")
}

/// A schema's type: its `type`, or the type all its branches share.
fn effective_type(root: &Value, v: &Value) -> Option<String> {
    if let Some(t) = v.get("type") {
        return Some(t.as_str().map_or_else(|| t.to_string(), str::to_owned));
    }
    let (_, bs) = branches(v)?;
    let types: BTreeSet<Option<String>> =
        bs.iter().map(|b| flatten(root, b, 0).get("type").and_then(Value::as_str).map(str::to_owned)).collect();
    match types.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(t)] => Some(t.clone()),
        _ => None,
    }
}

/// What a composition accepts, seen as one object: every branch's properties, required only
/// what every branch requires. Used to compare a schema with a composition it became.
fn union_view(root: &Value, schema: &Value, branches: &[&Value]) -> Value {
    let mut properties = Map::new();
    let mut required: Option<BTreeSet<String>> = None;
    for b in branches {
        let b = flatten(root, b, 0);
        for (name, s) in b.get("properties").and_then(Value::as_object).into_iter().flatten() {
            properties.entry(name.clone()).or_insert_with(|| s.clone());
        }
        let names = required_names(&b);
        required = Some(match required {
            None => names,
            Some(r) => r.intersection(&names).cloned().collect(),
        });
    }
    let mut view: Map<String, Value> = schema
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| *k != "oneOf" && *k != "anyOf")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (name, s) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        properties.insert(name.clone(), s.clone());
    }
    let mut required = required.unwrap_or_default();
    required.extend(required_names(schema));
    view.insert("properties".into(), Value::Object(properties));
    view.insert("required".into(), required.into_iter().map(Value::String).collect());
    Value::Object(view)
}

/// Pairs of (old index, new index): by `$ref` name first, then by the properties they share.
fn match_branches(oroot: &Value, nroot: &Value, old: &[&Value], new: &[&Value]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut free_new: Vec<usize> = (0..new.len()).collect();
    let mut free_old = Vec::new();
    for (i, o) in old.iter().enumerate() {
        let name = reference(o).map(|_| branch_name(o));
        match free_new.iter().position(|&j| name.is_some() && reference(new[j]).map(|_| branch_name(new[j])) == name) {
            Some(k) => pairs.push((i, free_new.remove(k))),
            None => free_old.push(i),
        }
    }
    let shape = |root: &Value, v: &Value| -> (Option<String>, BTreeSet<String>) {
        let v = flatten(root, v, 0);
        let names =
            v.get("properties").and_then(Value::as_object).into_iter().flatten().map(|(k, _)| k.clone()).collect();
        (v.get("type").and_then(Value::as_str).map(str::to_owned), names)
    };
    let mut candidates = Vec::new();
    for &i in &free_old {
        let (ot, on) = shape(oroot, old[i]);
        for &j in &free_new {
            let (nt, nn) = shape(nroot, new[j]);
            if ot != nt {
                continue;
            }
            let shared = on.intersection(&nn).count();
            let all = on.union(&nn).count();
            // Same type and no properties on either side (two strings) match too.
            let score = if all == 0 { 1.0 } else { shared as f64 / all as f64 };
            if score > 0.0 {
                candidates.push((score, i, j));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let (mut used_old, mut used_new) = (BTreeSet::new(), BTreeSet::new());
    for (_, i, j) in candidates {
        if !used_old.contains(&i) && !used_new.contains(&j) {
            used_old.insert(i);
            used_new.insert(j);
            pairs.push((i, j));
        }
    }
    pairs.sort();
    pairs
}

/// Doc findings for changed summaries, descriptions and examples.
pub(super) fn prose(at: &str, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    for key in ["summary", "description", "example", "examples"] {
        if old.get(key) != new.get(key) {
            let check = if key.starts_with("example") { Check::ExampleChanged } else { Check::DescriptionChanged };
            out.push(finding(check, &format!("{at}/{key}"), format!("the {key} changed")));
        }
    }
}

fn formats(at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) {
    let (o, n) = (old.get("format"), new.get("format"));
    if o == n {
        return;
    }
    let what = format!("format {} -> {}", show(o), show(n));
    let check = match (flow, o, n) {
        (Flow::Request, Some(_), None) => Check::RequestFormatRemoved,
        (Flow::Response, None, Some(_)) => Check::ResponseFormatAdded,
        _ => Check::FormatChanged,
    };
    out.push(finding(check, at, what));
}

fn defaults(at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) {
    let (o, n) = (old.get("default"), new.get("default"));
    if o == n {
        return;
    }
    let (check, consequence) = match flow {
        Flow::Request => (Check::RequestDefaultChanged, "clients that leave it out get what the new default does"),
        Flow::Response => {
            (Check::ResponseDefaultChanged, "generated clients fill in the new default where it is left out")
        }
    };
    out.push(finding(check, at, format!("default {} -> {}: {consequence}", show(o), show(n))));
}

fn nullable(at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) {
    match (flow, flag(old, "nullable"), flag(new, "nullable")) {
        (Flow::Request, true, false) => {
            out.push(finding(Check::RequestNullableRemoved, at, "null is no longer accepted".into()))
        }
        (Flow::Response, false, true) => {
            out.push(finding(Check::ResponseNullableAdded, at, "the answer may now be null".into()))
        }
        _ => {}
    }
}

/// Reports a limit that changed, by whether it is stricter and which way data flows.
fn constraint(
    at: &str,
    key: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    stricter: bool,
    flow: Flow,
    out: &mut Vec<Finding>,
) {
    let what = format!("{key} {} -> {}", show(old), show(new));
    let (check, message) = match (flow, stricter) {
        (Flow::Request, true) => {
            (Check::RequestConstraintTightened, format!("{what}: values clients send today may be refused"))
        }
        (Flow::Request, false) => (Check::RequestConstraintLoosened, what),
        (Flow::Response, false) => {
            (Check::ResponseConstraintLoosened, format!("{what}: answers may hold values clients do not expect"))
        }
        (Flow::Response, true) => (Check::ResponseConstraintTightened, what),
    };
    out.push(finding(check, at, message));
}

/// The length limits a string schema has in effect: its keywords and what its pattern implies.
fn effective_lengths(v: &Value) -> (f64, f64) {
    let implied = v.get("pattern").and_then(Value::as_str).and_then(pattern::implied_length);
    let min = v.get("minLength").and_then(Value::as_f64).unwrap_or(0.0);
    let max = v.get("maxLength").and_then(Value::as_f64).unwrap_or(f64::INFINITY);
    match implied {
        Some((lo, hi)) => (min.max(lo as f64), max.min(hi.map_or(f64::INFINITY, |h| h as f64))),
        None => (min, max),
    }
}

fn bounds(at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) {
    let (old_len, new_len) = (effective_lengths(old), effective_lengths(new));
    // (keyword, true when a larger value is stricter)
    for (key, larger_is_stricter) in [
        ("maxLength", false),
        ("maximum", false),
        ("maxItems", false),
        ("maxProperties", false),
        ("minLength", true),
        ("minimum", true),
        ("minItems", true),
        ("minProperties", true),
        ("exclusiveMinimum", true),
        ("exclusiveMaximum", false),
    ] {
        let (ov, nv) = (old.get(key), new.get(key));
        if ov == nv {
            continue;
        }
        // OpenAPI 3.0 spells exclusive limits as booleans (absent is false): true is the
        // stricter, which this ordering expresses as a number.
        let as_bool_number = |b: bool| if b == larger_is_stricter { 1.0 } else { -1.0 };
        let as_number = |v: Option<&Value>, other: Option<&Value>| match v {
            Some(Value::Bool(b)) => Some(as_bool_number(*b)),
            None if matches!(other, Some(Value::Bool(_))) => Some(as_bool_number(false)),
            v => v.and_then(Value::as_f64),
        };
        let stricter = match key {
            // A length limit counts with what the pattern already demanded: raising minLength
            // to the pattern's own minimum changes nothing.
            "minLength" if old_len.0 == new_len.0 => continue,
            "maxLength" if old_len.1 == new_len.1 => continue,
            "minLength" => new_len.0 > old_len.0,
            "maxLength" => new_len.1 < old_len.1,
            _ => match (as_number(ov, nv), as_number(nv, ov)) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) if o != n => (n > o) == larger_is_stricter,
                _ => continue,
            },
        };
        constraint(at, key, ov, nv, stricter, flow, out);
    }
    multiple_of(at, old, new, flow, out);
    if !flag(old, "uniqueItems") && flag(new, "uniqueItems") {
        constraint(at, "uniqueItems", old.get("uniqueItems"), new.get("uniqueItems"), true, flow, out);
    } else if flag(old, "uniqueItems") && !flag(new, "uniqueItems") {
        constraint(at, "uniqueItems", old.get("uniqueItems"), new.get("uniqueItems"), false, flow, out);
    }
    patterns(at, old, new, flow, out);
}

fn multiple_of(at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) {
    let (ov, nv) = (old.get("multipleOf"), new.get("multipleOf"));
    let stricter = match (ov.and_then(Value::as_f64), nv.and_then(Value::as_f64)) {
        (None, None) => return,
        (Some(o), Some(n)) if o == n => return,
        (None, Some(_)) => true,
        (Some(_), None) => false,
        // Multiples of 10 are multiples of 5: the new one is stricter when the old divides it.
        (Some(o), Some(n)) if (n / o).fract() == 0.0 => true,
        (Some(o), Some(n)) if (o / n).fract() == 0.0 => false,
        // Neither divides the other: some old values are refused and some new ones appear.
        _ => flow == Flow::Request,
    };
    constraint(at, "multipleOf", ov, nv, stricter, flow, out);
}

fn patterns(at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) {
    let (ov, nv) = (old.get("pattern"), new.get("pattern"));
    if ov == nv {
        return;
    }
    let order = match (ov.and_then(Value::as_str), nv.and_then(Value::as_str)) {
        (None, Some(_)) => Order::Stricter,
        (Some(_), None) => Order::Looser,
        (Some(o), Some(n)) => pattern::compare(o, n),
        (None, None) => return,
    };
    match order {
        Order::Same => {}
        Order::Stricter => constraint(at, "pattern", ov, nv, true, flow, out),
        Order::Looser => constraint(at, "pattern", ov, nv, false, flow, out),
        Order::Unknown => out.push(finding(
            Check::PatternChanged,
            at,
            format!("pattern {} -> {}: changed (direction unknown)", show(ov), show(nv)),
        )),
    }
}

fn enums(at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) {
    let values = |v: &Value| v.get("enum").and_then(Value::as_array).cloned();
    match (values(old), values(new)) {
        (None, None) => {}
        (None, Some(n)) => {
            let listed = Value::Array(n);
            constraint(at, "enum", None, Some(&listed), true, flow, out);
        }
        (Some(o), None) => {
            let listed = Value::Array(o);
            constraint(at, "enum", Some(&listed), None, false, flow, out);
        }
        (Some(o), Some(n)) => {
            for added in n.iter().filter(|v| !o.contains(v)) {
                out.push(match flow {
                    Flow::Response => finding(
                        Check::ResponseEnumValueAdded,
                        at,
                        format!("{added} may now be answered: breaking for clients with closed enums (generated Rust enums are closed)"),
                    ),
                    Flow::Request => finding(Check::RequestEnumValueAdded, at, format!("{added} may now be sent")),
                });
            }
            for removed in o.iter().filter(|v| !n.contains(v)) {
                out.push(match flow {
                    Flow::Request => {
                        finding(Check::RequestEnumValueRemoved, at, format!("{removed} is no longer accepted"))
                    }
                    Flow::Response => {
                        finding(Check::ResponseEnumValueRemoved, at, format!("{removed} is no longer answered"))
                    }
                });
            }
        }
    }
}
