//! The walker: pairs the parts of two documents (operations, parameters, bodies, answers,
//! media types, schemas, properties, items, branches) and hands each pair to the rules of its
//! area ([`super::rules`]). It judges nothing itself.
//!
//! - Operations are matched by operationId (by method and path when there is none); one whose
//!   operationId changed while its method and URL stayed is matched by those.
//! - Schemas are walked in the direction data flows ([`Flow`]), `allOf` merged first,
//!   `oneOf`/`anyOf` branches paired by `$ref` name, then by shape ([`super::schema`]).
//! - A pair of `$ref`s is walked once per direction and remembered: a schema reached again
//!   reuses the findings (reported again at each place it is reached), and a schema reached
//!   again inside itself (a tree of nodes) stops there, so recursive documents cost what flat
//!   ones do.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use epayment_openapi::walk;
use serde_json::{Map, Value};

use super::Change;
use super::date::Day;
use super::rules::lifecycle::{self, Part};
use super::rules::mutability::{self, Counts};
use super::rules::operations::Op;
use super::rules::{Finding, Flow, bodies, discriminator, document, headers, keywords, operations, parameters};
use super::rules::{properties, prose, responses, schemas, security, template};
use super::schema::{
    MAX_DEPTH, branches, escape, flatten, match_branches, members, reference, required_names, union_view,
};

/// Every finding between two documents, unsorted; sunset dates are compared with `today`.
pub fn walk(old: &Value, new: &Value, today: &Day) -> Vec<Change> {
    let mut w =
        Walker { schemas: SchemaWalker::new(old, new, today), changes: Vec::new(), operation: "document".into() };
    let old_ops = operations_of(old);
    let new_ops = operations_of(new);
    let kept: Vec<document::KeptOperation<'_>> =
        old_ops.iter().filter_map(|(key, o)| new_ops.get(key).map(|n| (key.as_str(), o.path, n.path))).collect();
    w.found("", |out| {
        document::version(old, new, out);
        document::servers(old, new, &kept, out);
        security::requirements("/security", old.get("security"), new.get("security"), out);
        security::schemes(old, new, out);
    });
    w.prose("/info", old.get("info"), new.get("info"));

    let bases = (walk::server_base_path(old), walk::server_base_path(new));
    let renamed = renamed(&old_ops, &new_ops, (&bases.0, &bases.1));
    for (key, o) in &old_ops {
        w.operation = o.name();
        let renamed_to = renamed.get(key.as_str());
        let Some(n) = new_ops.get(key).or_else(|| renamed_to.and_then(|k| new_ops.get(*k))) else {
            w.found("", |out| operations::removed(o, today, out));
            continue;
        };
        w.found("", |out| operations::matched(o, n, renamed_to.is_some(), (&bases.0, &bases.1), out));
        w.operation_pair(o, n);
    }
    for (key, n) in &new_ops {
        if !old_ops.contains_key(key) && !renamed.values().any(|k| k == key) {
            w.operation = n.name();
            w.found("", |out| operations::added(n, out));
        }
    }
    w.changes
}

fn operations_of(doc: &Value) -> BTreeMap<String, Op<'_>> {
    walk::operations(doc)
        .map(|raw| {
            let id = raw.id().map(str::to_owned);
            let key = id.clone().unwrap_or_else(|| format!("{} {}", raw.method, raw.path));
            (key, Op { id, method: raw.method, path: raw.path, raw })
        })
        .collect()
}

/// Old operations whose key is gone, paired with the one new operation (under a new key) at
/// the same method and URL: the same operation under another operationId.
fn renamed<'k>(
    old_ops: &'k BTreeMap<String, Op<'_>>,
    new_ops: &'k BTreeMap<String, Op<'_>>,
    (old_base, new_base): (&str, &str),
) -> BTreeMap<&'k str, &'k str> {
    let url = |base: &str, op: &Op<'_>| (op.method, template(&format!("{base}{}", op.path)));
    old_ops
        .iter()
        .filter(|(key, _)| !new_ops.contains_key(*key))
        .filter_map(|(key, o)| {
            let mut same =
                new_ops.iter().filter(|(k, n)| !old_ops.contains_key(*k) && url(new_base, n) == url(old_base, o));
            match (same.next(), same.next()) {
                (Some((k, _)), None) => Some((key.as_str(), k.as_str())),
                _ => None,
            }
        })
        .collect()
}

/// The document-level walk: one operation at a time.
struct Walker<'a> {
    schemas: SchemaWalker<'a>,
    changes: Vec<Change>,
    /// The operation being walked (`POST /v1/payments`), or `document`.
    operation: String,
}

impl Walker<'_> {
    /// Runs rules and records what they find under the current operation, at `at`.
    fn found(&mut self, at: &str, rules: impl FnOnce(&mut Vec<Finding>)) {
        let mut found = Vec::new();
        rules(&mut found);
        for f in found {
            self.changes.push(Change {
                severity: f.check.default_severity(),
                kind: f.check,
                operation: self.operation.clone(),
                location: format!("{at}{}", f.location),
                message: f.message,
                ignored: None,
            });
        }
    }

    fn prose(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>) {
        let (old, new) = (old.unwrap_or(&Value::Null), new.unwrap_or(&Value::Null));
        self.found("", |out| prose::compare(at, old, new, out));
    }

    fn schema(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>, flow: Flow) {
        let (Some(old), Some(new)) = (old, new) else { return };
        let found = self.schemas.compare(old, new, flow);
        self.found(at, |out| out.extend(found));
    }

    fn operation_pair(&mut self, o: &Op<'_>, n: &Op<'_>) {
        self.prose("", Some(o.raw.operation), Some(n.raw.operation));
        let (roots_old, roots_new) = self.schemas.roots;
        self.found("", |out| {
            lifecycle::compare(Part::Operation, &n.pointer(), o.raw.operation, n.raw.operation, out);
            // An operation's own requirement replaces the document's: compare what is in effect
            // wherever either side has its own (the document's alone is compared once, above).
            let (own_old, own_new) = (o.raw.operation.get("security"), n.raw.operation.get("security"));
            if own_old.is_some() || own_new.is_some() {
                let old = own_old.or_else(|| roots_old.get("security"));
                security::requirements("/security", old, own_new.or_else(|| roots_new.get("security")), out);
            }
        });
        self.parameters(o, n);
        self.request_body(o, n);
        self.responses(o, n);
    }

    fn parameters(&mut self, o: &Op<'_>, n: &Op<'_>) {
        let (roots_old, roots_new) = self.schemas.roots;
        let (op, np) = (walk::parameters(roots_old, &o.raw), walk::parameters(roots_new, &n.raw));
        let name = |key: &(String, String), p: &Value| {
            format!("{} parameter {}", key.0, p.get("name").and_then(Value::as_str).unwrap_or(&key.1))
        };
        for (key, p) in &op {
            let at = name(key, p);
            let Some(q) = np.get(key) else {
                let today = self.schemas.today;
                self.found("", |out| parameters::removed(&at, p, today, out));
                continue;
            };
            self.found("", |out| {
                parameters::matched(&at, p, q, out);
                lifecycle::compare(Part::Parameter, &at, p, q, out);
            });
            self.prose(&at, Some(p), Some(q));
            self.schema(&at, p.get("schema"), q.get("schema"), Flow::Request);
        }
        for (key, q) in np.iter().filter(|(k, _)| !op.contains_key(*k)) {
            let at = name(key, q);
            self.found("", |out| parameters::added(&at, q, out));
        }
    }

    fn request_body(&mut self, o: &Op<'_>, n: &Op<'_>) {
        let (roots_old, roots_new) = self.schemas.roots;
        let ob = o.raw.operation.get("requestBody").map(|b| walk::resolve(roots_old, b));
        let nb = n.raw.operation.get("requestBody").map(|b| walk::resolve(roots_new, b));
        self.found("", |out| bodies::request_body(ob, nb, out));
        if let (Some(ob), Some(nb)) = (ob, nb) {
            self.prose(bodies::AT, Some(ob), Some(nb));
            self.content(bodies::AT, ob, nb, Flow::Request);
        }
    }

    fn responses(&mut self, o: &Op<'_>, n: &Op<'_>) {
        let (roots_old, roots_new) = self.schemas.roots;
        let empty = Map::new();
        let (or, nr) = (members(o.raw.operation, "responses", &empty), members(n.raw.operation, "responses", &empty));
        let removed: Vec<&String> = or.keys().filter(|s| !nr.contains_key(*s)).collect();
        let added: Vec<&String> = nr.keys().filter(|s| !or.contains_key(*s)).collect();
        let mut renumbered = None;
        self.found("", |out| renumbered = responses::statuses(&removed, &added, out));
        // A success status renumbered: what the answers hold, old status against new.
        if let Some((os, ns)) = renumbered {
            let (ob, nb) = (walk::resolve(roots_old, &or[os]), walk::resolve(roots_new, &nr[ns]));
            self.content(&format!("/responses/{ns}"), ob, nb, Flow::Response);
        }
        for (status, oresp) in or {
            let Some(nresp) = nr.get(status) else { continue };
            let at = format!("/responses/{status}");
            let (oresp, nresp) = (walk::resolve(roots_old, oresp), walk::resolve(roots_new, nresp));
            self.prose(&at, Some(oresp), Some(nresp));
            self.headers(&at, oresp, nresp);
            self.content(&at, oresp, nresp, Flow::Response);
        }
    }

    /// The headers of an answer both operations document, matched by name without its case.
    fn headers(&mut self, at: &str, old: &Value, new: &Value) {
        let (roots_old, roots_new) = self.schemas.roots;
        let empty = Map::new();
        let by_name = |answer: &Value, root: &Value| -> BTreeMap<String, (String, Value)> {
            let headers = members(answer, "headers", &empty).iter();
            headers.map(|(k, h)| (k.to_ascii_lowercase(), (k.clone(), walk::resolve(root, h).clone()))).collect()
        };
        let (oh, nh) = (by_name(old, roots_old), by_name(new, roots_new));
        for (key, (name, o)) in &oh {
            let here = format!("{at}/headers/{}", escape(name));
            let Some((_, n)) = nh.get(key) else {
                self.found("", |out| headers::removed(&here, name, o, out));
                continue;
            };
            self.found("", |out| headers::matched(&here, name, o, n, out));
            self.prose(&here, Some(o), Some(n));
            self.schema(&here, o.get("schema"), n.get("schema"), Flow::Response);
        }
        for (name, _) in nh.iter().filter(|(k, _)| !oh.contains_key(*k)).map(|(_, v)| v) {
            let here = format!("{at}/headers/{}", escape(name));
            self.found("", |out| headers::added(&here, name, out));
        }
    }

    fn content(&mut self, at: &str, old: &Value, new: &Value, flow: Flow) {
        let empty = Map::new();
        let (oc, nc) = (members(old, "content", &empty), members(new, "content", &empty));
        let (ot, nt): (BTreeSet<&String>, BTreeSet<&String>) = (oc.keys().collect(), nc.keys().collect());
        self.found("", |out| bodies::media_types(at, &ot, &nt, flow, out));
        for t in ot.intersection(&nt) {
            let here = format!("{at}/content/{t}/schema");
            let (os, ns) = (oc[*t].get("schema"), nc[*t].get("schema"));
            self.found("", |out| keywords::media_type_schema(&here, os, ns, flow, out));
            self.schema(&here, os, ns, flow);
        }
        // A renamed media type: compare the schemas anyway when each side has just one.
        if ot != nt && ot.len() == 1 && nt.len() == 1 {
            let (o, n) = (ot.iter().next().map(|t| &oc[*t]), nt.iter().next().map(|t| &nc[*t]));
            self.schema(
                &format!("{at}/content/schema"),
                o.and_then(|m| m.get("schema")),
                n.and_then(|m| m.get("schema")),
                flow,
            );
        }
    }
}

type PairKey = (String, String, Flow);

/// A reference to another document, not to a place in this one.
fn external(reference: Option<&str>) -> Option<&str> {
    reference.filter(|r| !r.starts_with('#'))
}

/// Walks schemas of one pair of documents, remembering pairs of components across calls.
struct SchemaWalker<'a> {
    /// The two documents, old then new.
    roots: (&'a Value, &'a Value),
    /// The day sunset dates are compared with.
    today: &'a Day,
    memo: HashMap<PairKey, Rc<Vec<Finding>>>,
    in_progress: HashSet<PairKey>,
}

impl<'a> SchemaWalker<'a> {
    fn new(old_root: &'a Value, new_root: &'a Value, today: &'a Day) -> Self {
        SchemaWalker { roots: (old_root, new_root), today, memo: HashMap::new(), in_progress: HashSet::new() }
    }

    /// The findings between two schemas (or references to them), located relative to them.
    fn compare(&mut self, old: &Value, new: &Value, flow: Flow) -> Vec<Finding> {
        let mut out = Vec::new();
        self.schema("", old, new, flow, 0, &mut out);
        out
    }

    fn schema(&mut self, at: &str, old: &Value, new: &Value, flow: Flow, depth: usize, out: &mut Vec<Finding>) {
        if depth > MAX_DEPTH {
            return;
        }
        let (oref, nref) = (reference(old), reference(new));
        let (oext, next) = (external(oref), external(nref));
        if oext.is_some() || next.is_some() {
            schemas::external_ref(at, oext, next, out);
            return;
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
        let (oroot, nroot) = self.roots;
        let (old, new) = (flatten(oroot, old, 0), flatten(nroot, new, 0));
        let (old, new) = (old.as_ref(), new.as_ref());
        prose::compare(at, old, new, out);
        lifecycle::compare(Part::Property, at, old, new, out);
        discriminator::compare(at, old, new, flow, out);
        if !keywords::types(at, self.roots, old, new, flow, out) {
            return;
        }
        keywords::compare(at, old, new, flow, out);
        match (branches(old), branches(new)) {
            (None, None) => self.object(at, old, new, flow, depth, out),
            (Some((ok, ob)), Some((nk, nb))) => {
                schemas::composition_kind(at, ok, nk, out);
                self.branches(at, nk, (&ob, &nb), flow, depth, out);
                self.object(at, old, new, flow, depth, out);
            }
            (None, Some((nk, nb))) => {
                schemas::became_composition(at, nk, &nb, out);
                self.object(at, old, &union_view(nroot, new, &nb), flow, depth, out);
            }
            (Some((ok, ob)), None) => {
                schemas::became_single(at, ok, &ob, out);
                self.object(at, &union_view(oroot, old, &ob), new, flow, depth, out);
            }
        }
    }

    fn branches(
        &mut self,
        at: &str,
        kind: &str,
        (old, new): (&[&Value], &[&Value]),
        flow: Flow,
        depth: usize,
        out: &mut Vec<Finding>,
    ) {
        let pairs = match_branches(self.roots.0, self.roots.1, old, new);
        for (i, j) in &pairs {
            self.schema(&format!("{at}/{kind}/{j}"), old[*i], new[*j], flow, depth + 1, out);
        }
        let matched_old: BTreeSet<usize> = pairs.iter().map(|p| p.0).collect();
        let matched_new: BTreeSet<usize> = pairs.iter().map(|p| p.1).collect();
        for (i, b) in old.iter().enumerate().filter(|(i, _)| !matched_old.contains(i)) {
            schemas::branch_removed(&format!("{at}/{kind}/{i}"), b, flow, out);
        }
        for (j, b) in new.iter().enumerate().filter(|(j, _)| !matched_new.contains(j)) {
            schemas::branch_added(&format!("{at}/{kind}/{j}"), b, flow, out);
        }
    }

    fn object(&mut self, at: &str, old: &Value, new: &Value, flow: Flow, depth: usize, out: &mut Vec<Finding>) {
        let (oroot, nroot) = self.roots;
        let empty = Map::new();
        let (op, np) = (members(old, "properties", &empty), members(new, "properties", &empty));
        let (or, nr) = (required_names(old), required_names(new));
        let here = |name: &str| format!("{at}/properties/{}", escape(name));
        for (name, os) in op {
            let Some(ns) = np.get(name) else {
                if properties::counts(oroot, os, flow) {
                    properties::removed(&here(name), name, &flatten(oroot, os, 0), flow, self.today, out);
                }
                continue;
            };
            let counts = Counts { was: properties::counts(oroot, os, flow), is: properties::counts(nroot, ns, flow) };
            let required = (or.contains(name), nr.contains(name));
            if mutability::transition(&here(name), name, flow, counts, required, out) || !counts.was {
                continue;
            }
            properties::required(&here(name), name, flow, or.contains(name), nr.contains(name), out);
            self.schema(&here(name), os, ns, flow, depth + 1, out);
        }
        for (name, ns) in np.iter().filter(|(n, _)| !op.contains_key(*n)) {
            if properties::counts(nroot, ns, flow) {
                properties::added(&here(name), name, flow, nr.contains(name), out);
            }
        }
        for name in nr.difference(&or).filter(|n| !np.contains_key(*n)) {
            properties::required_undeclared(&here(name), name, flow, out);
        }
        self.additional(at, old, new, flow, depth, out);
        if let (Some(oi), Some(ni)) = (old.get("items"), new.get("items")) {
            self.schema(&format!("{at}/items"), oi, ni, flow, depth + 1, out);
        }
    }

    fn additional(&mut self, at: &str, old: &Value, new: &Value, flow: Flow, depth: usize, out: &mut Vec<Finding>) {
        let here = format!("{at}/additionalProperties");
        match (old.get("additionalProperties"), new.get("additionalProperties")) {
            (Some(o @ Value::Object(_)), Some(n @ Value::Object(_))) => self.schema(&here, o, n, flow, depth + 1, out),
            (o, n) => keywords::additional_properties(&here, o, n, flow, out),
        }
    }
}
