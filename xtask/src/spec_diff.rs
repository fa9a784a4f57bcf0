//! `cargo xtask spec-diff`: what changed between two OpenAPI documents, and whether it breaks
//! a client of the API.
//!
//! Operations are matched by operationId (by method and path when there is none), so a path
//! that moves is reported as moved rather than as one operation removed and another added.
//! Local `$ref`s are inlined before comparing; an external one cannot be read offline and is
//! reported as a finding. Schemas are compared in the direction data flows: what a client
//! sends (parameters, request bodies) must not get stricter, what it receives (responses) must
//! not get looser or lose fields.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use epayment_openapi::walk;
use serde::Serialize;
use serde_json::{Value, json};

/// How a change affects a client of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Existing clients may fail.
    Breaking,
    /// Existing clients keep working.
    NonBreaking,
    /// Only prose changed.
    Doc,
}

impl Severity {
    /// As written in reports.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non-breaking",
            Severity::Doc => "doc",
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects clients.
    pub severity: Severity,
    /// What kind of change, e.g. `request-property-added-required`.
    pub kind: &'static str,
    /// The operation (`POST /v1/payments`) or `document`.
    pub operation: String,
    /// Where inside it: a parameter, or a JSON pointer into the schema.
    pub location: String,
    /// What changed, in words.
    pub message: String,
}

/// Which way data flows through a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    /// The client sends it.
    Request,
    /// The client receives it.
    Response,
}

struct Differ<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    changes: Vec<Change>,
    operation: String,
}

/// Compares two parsed documents.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut d = Differ { old_root: old, new_root: new, changes: Vec::new(), operation: "document".into() };
    d.servers(old, new);
    d.security("/security", old.get("security"), new.get("security"));
    let (old_sec, new_sec) = (old.pointer("/components/securitySchemes"), new.pointer("/components/securitySchemes"));
    if strip_prose(old_sec) != strip_prose(new_sec) {
        d.push(
            Severity::Breaking,
            "security-changed",
            "/components/securitySchemes",
            "the security schemes changed".into(),
        );
    }
    d.prose("/info", old.get("info"), new.get("info"));

    let old_ops = operations(old);
    let new_ops = operations(new);
    let (old_base, new_base) = (walk::server_base_path(old), walk::server_base_path(new));
    for (key, o) in &old_ops {
        d.operation = format!("{} {}", o.method.to_uppercase(), o.path);
        let Some(n) = new_ops.get(key) else {
            d.push(Severity::Breaking, "operation-removed", "", format!("{} is gone", o.label()));
            continue;
        };
        if o.method != n.method {
            d.push(
                Severity::Breaking,
                "method-changed",
                "",
                format!("{} -> {}", o.method.to_uppercase(), n.method.to_uppercase()),
            );
        }
        if o.path != n.path {
            let same_url = template(&format!("{old_base}{}", o.path)) == template(&format!("{new_base}{}", n.path));
            if same_url {
                d.push(
                    Severity::NonBreaking,
                    "path-moved-under-server-base",
                    "",
                    format!("{} -> {} (the same URL under the new server base)", o.path, n.path),
                );
            } else {
                d.push(Severity::Breaking, "path-changed", "", format!("{} -> {}", o.path, n.path));
            }
        }
        d.operation(o, n);
    }
    for (key, n) in &new_ops {
        if !old_ops.contains_key(key) {
            d.operation = format!("{} {}", n.method.to_uppercase(), n.path);
            d.push(Severity::NonBreaking, "operation-added", "", format!("{} is new", n.label()));
        }
    }
    d.changes.sort_by(|a, b| (a.severity, &a.operation, &a.location).cmp(&(b.severity, &b.operation, &b.location)));
    d.changes
}

#[derive(Debug)]
struct Op<'a> {
    id: Option<String>,
    method: String,
    path: String,
    raw: walk::RawOperation<'a>,
}

impl Op<'_> {
    fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("operation {id}"),
            None => format!("{} {}", self.method.to_uppercase(), self.path),
        }
    }
}

fn operations(doc: &Value) -> BTreeMap<String, Op<'_>> {
    walk::operations(doc)
        .map(|raw| {
            let id = raw.id().map(str::to_owned);
            let key = id.clone().unwrap_or_else(|| format!("{} {}", raw.method, raw.path));
            (key, Op { id, method: raw.method.into(), path: raw.path.to_owned(), raw })
        })
        .collect()
}

fn strip_prose(v: Option<&Value>) -> Option<Value> {
    v.map(crate::structure::skeleton)
}

impl Differ<'_> {
    fn push(&mut self, severity: Severity, kind: &'static str, location: &str, message: String) {
        self.changes.push(Change {
            severity,
            kind,
            operation: self.operation.clone(),
            location: location.to_owned(),
            message,
        });
    }

    fn servers(&mut self, old: &Value, new: &Value) {
        let urls = |doc: &Value| -> Vec<String> {
            doc.get("servers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|s| s.get("url")?.as_str().map(str::to_owned))
                .collect()
        };
        let (o, n) = (urls(old), urls(new));
        if o != n {
            self.push(
                Severity::Breaking,
                "server-changed",
                "/servers",
                format!("{o:?} -> {n:?}: clients configured with the old base URL call the wrong place"),
            );
        }
    }

    fn security(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>) {
        if old != new {
            self.push(Severity::Breaking, "security-changed", at, format!("{} -> {}", show(old), show(new)));
        }
    }

    fn prose(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>) {
        for key in ["summary", "description", "example", "examples"] {
            let (o, n) = (old.and_then(|v| v.get(key)), new.and_then(|v| v.get(key)));
            if o != n {
                let kind = if key.starts_with("example") { "example-changed" } else { "description-changed" };
                self.push(Severity::Doc, kind, &format!("{at}/{key}"), format!("the {key} changed"));
            }
        }
    }

    fn operation(&mut self, o: &Op<'_>, n: &Op<'_>) {
        self.prose("", Some(o.raw.operation), Some(n.raw.operation));
        self.security("/security", o.raw.operation.get("security"), n.raw.operation.get("security"));
        // Parameters, path-level and operation-level, by location and name.
        let (op_params, np_params) = (self.params(o, self.old_root), self.params(n, self.new_root));
        for (key, p) in &op_params {
            let at = format!("{} parameter {}", key.0, p.get("name").and_then(Value::as_str).unwrap_or(&key.1));
            match np_params.get(key) {
                None => self.push(
                    Severity::Breaking,
                    "parameter-removed",
                    &at,
                    "the parameter is gone; clients that send it break at compile or at run time".into(),
                ),
                Some(np) => {
                    let (or, nr) = (required(p), required(np));
                    if !or && nr {
                        self.push(
                            Severity::Breaking,
                            "parameter-made-required",
                            &at,
                            "the parameter is now required".into(),
                        );
                    } else if or && !nr {
                        self.push(
                            Severity::NonBreaking,
                            "parameter-made-optional",
                            &at,
                            "the parameter is now optional".into(),
                        );
                    }
                    self.schema(&at, p.get("schema"), np.get("schema"), Flow::Request);
                }
            }
        }
        for (key, np) in &np_params {
            if !op_params.contains_key(key) {
                let at = format!("{} parameter {}", key.0, np.get("name").and_then(Value::as_str).unwrap_or(&key.1));
                if required(np) {
                    self.push(Severity::Breaking, "parameter-added-required", &at, "a new required parameter".into());
                } else {
                    self.push(Severity::NonBreaking, "parameter-added", &at, "a new optional parameter".into());
                }
            }
        }
        // Request body.
        let (ob, nb) = (
            o.raw.operation.get("requestBody").map(|b| self.resolve(b, true)),
            n.raw.operation.get("requestBody").map(|b| self.resolve(b, false)),
        );
        match (ob, nb) {
            (None, Some(nb)) if required(&nb) => self.push(
                Severity::Breaking,
                "request-body-added-required",
                "/requestBody",
                "a required request body".into(),
            ),
            (None, Some(_)) => self.push(
                Severity::NonBreaking,
                "request-body-added",
                "/requestBody",
                "an optional request body".into(),
            ),
            (Some(_), None) => {
                self.push(Severity::Breaking, "request-body-removed", "/requestBody", "the request body is gone".into())
            }
            (Some(ob), Some(nb)) => {
                if !required(&ob) && required(&nb) {
                    self.push(
                        Severity::Breaking,
                        "request-body-made-required",
                        "/requestBody",
                        "the request body is now required".into(),
                    );
                }
                self.content("/requestBody", &ob, &nb, Flow::Request);
            }
            (None, None) => {}
        }
        // Responses.
        let empty = json!({});
        let (or, nr) =
            (o.raw.operation.get("responses").unwrap_or(&empty), n.raw.operation.get("responses").unwrap_or(&empty));
        for (status, oresp) in or.as_object().into_iter().flatten() {
            let at = format!("/responses/{status}");
            match nr.get(status) {
                None => self.push(
                    Severity::NonBreaking,
                    "response-removed",
                    &at,
                    format!("the {status} answer is no longer documented"),
                ),
                Some(nresp) => {
                    let (oresp, nresp) = (self.resolve(oresp, true), self.resolve(nresp, false));
                    self.prose(&at, Some(&oresp), Some(&nresp));
                    self.content(&at, &oresp, &nresp, Flow::Response);
                }
            }
        }
        for status in nr.as_object().into_iter().flatten().map(|(k, _)| k) {
            if or.get(status).is_none() {
                self.push(
                    Severity::NonBreaking,
                    "response-added",
                    &format!("/responses/{status}"),
                    format!("a {status} answer is documented"),
                );
            }
        }
    }

    fn params(&self, op: &Op<'_>, root: &Value) -> BTreeMap<(String, String), Value> {
        walk::parameters(root, &op.raw).into_iter().map(|(key, p)| (key, p.clone())).collect()
    }

    fn resolve(&self, v: &Value, old: bool) -> Value {
        inline(if old { self.old_root } else { self.new_root }, v)
    }

    fn content(&mut self, at: &str, old: &Value, new: &Value, flow: Flow) {
        let empty = json!({});
        let (oc, nc) = (old.get("content").unwrap_or(&empty), new.get("content").unwrap_or(&empty));
        let (ot, nt): (BTreeSet<&String>, BTreeSet<&String>) = (
            oc.as_object().into_iter().flatten().map(|(k, _)| k).collect(),
            nc.as_object().into_iter().flatten().map(|(k, _)| k).collect(),
        );
        if ot != nt && !ot.is_empty() {
            self.push(
                Severity::Breaking,
                "content-type-changed",
                &format!("{at}/content"),
                format!("{ot:?} -> {nt:?}"),
            );
        }
        for t in ot.intersection(&nt) {
            self.schema(&format!("{at}/content/{t}/schema"), oc[*t].get("schema"), nc[*t].get("schema"), flow);
        }
        // A renamed content type: compare the schemas anyway when each side has just one.
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

    fn schema(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>, flow: Flow) {
        let (Some(old), Some(new)) = (old, new) else { return };
        // A recursive schema would recurse for ever; real documents are far shallower.
        if at.matches('/').count() > 48 {
            return;
        }
        for (side, v) in [("old", old), ("new", new)] {
            if let Some(r) = v.get("$ref").and_then(Value::as_str).filter(|r| !r.starts_with('#')) {
                self.push(Severity::Breaking, "external-ref-unresolved", at, format!("the {side} document refers to {r}, which cannot be read offline; what lies behind it is not compared"));
                return;
            }
        }
        let (old, new) = (self.resolve(old, true), self.resolve(new, false));
        self.prose(at, Some(&old), Some(&new));
        // A new type says all there is to say; its format goes with it.
        if old.get("type").is_some() && old.get("type") != new.get("type") {
            let what = format!("type {} -> {}", show(old.get("type")), show(new.get("type")));
            self.push(Severity::Breaking, "type-changed", at, what);
        } else if old.get("format").is_some() && old.get("format") != new.get("format") {
            let what = format!("format {} -> {}", show(old.get("format")), show(new.get("format")));
            self.push(Severity::Breaking, "format-changed", at, what);
        }
        self.bounds(at, &old, &new, flow);
        self.enums(at, &old, &new, flow);
        let nullable = |v: &Value| v.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        match (flow, nullable(&old), nullable(&new)) {
            (Flow::Request, true, false) => {
                self.push(Severity::Breaking, "request-nullable-removed", at, "null is no longer accepted".into())
            }
            (Flow::Response, false, true) => {
                self.push(Severity::Breaking, "response-nullable-added", at, "the answer may now be null".into())
            }
            _ => {}
        }
        // Properties.
        let props = |v: &Value| v.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let req = |v: &Value| -> BTreeSet<String> {
            v.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        let (op_, np_, or_, nr_) = (props(&old), props(&new), req(&old), req(&new));
        for (name, os) in &op_ {
            let pat = format!("{at}/properties/{}", name.replace('~', "~0").replace('/', "~1"));
            match (np_.get(name), flow) {
                (None, Flow::Request) => self.push(
                    Severity::Breaking,
                    "request-property-removed",
                    &pat,
                    format!("{name} is gone from what clients send"),
                ),
                (None, Flow::Response) => self.push(
                    Severity::Breaking,
                    "response-property-removed",
                    &pat,
                    format!("{name} is gone from the answer"),
                ),
                (Some(ns), _) => {
                    match (flow, or_.contains(name), nr_.contains(name)) {
                        (Flow::Request, false, true) => self.push(
                            Severity::Breaking,
                            "request-property-made-required",
                            &pat,
                            format!("{name} must now be sent"),
                        ),
                        (Flow::Response, true, false) => self.push(
                            Severity::Breaking,
                            "response-property-made-optional",
                            &pat,
                            format!("{name} may now be missing from the answer"),
                        ),
                        (Flow::Request, true, false) => self.push(
                            Severity::NonBreaking,
                            "request-property-made-optional",
                            &pat,
                            format!("{name} may now be left out"),
                        ),
                        (Flow::Response, false, true) => self.push(
                            Severity::NonBreaking,
                            "response-property-made-required",
                            &pat,
                            format!("{name} is now always in the answer"),
                        ),
                        _ => {}
                    }
                    self.schema(&pat, Some(os), Some(ns), flow);
                }
            }
        }
        for name in np_.keys().filter(|n| !op_.contains_key(*n)) {
            let pat = format!("{at}/properties/{}", name.replace('~', "~0").replace('/', "~1"));
            match (flow, nr_.contains(name)) {
                (Flow::Request, true) => self.push(
                    Severity::Breaking,
                    "request-property-added-required",
                    &pat,
                    format!("{name} must now be sent"),
                ),
                (Flow::Request, false) => {
                    self.push(Severity::NonBreaking, "request-property-added", &pat, format!("{name} may be sent"))
                }
                (Flow::Response, _) => self.push(
                    Severity::NonBreaking,
                    "response-property-added",
                    &pat,
                    format!("{name} is new in the answer"),
                ),
            }
        }
        if let (Some(oi), Some(ni)) = (old.get("items"), new.get("items")) {
            self.schema(&format!("{at}/items"), Some(oi), Some(ni), flow);
        }
    }

    fn bounds(&mut self, at: &str, old: &Value, new: &Value, flow: Flow) {
        // (keyword, true when a larger value is stricter)
        for (key, larger_is_stricter) in [
            ("maxLength", false),
            ("maximum", false),
            ("maxItems", false),
            ("minLength", true),
            ("minimum", true),
            ("minItems", true),
        ] {
            let (o, n) = (old.get(key).and_then(Value::as_f64), new.get(key).and_then(Value::as_f64));
            let stricter = match (o, n) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) if o != n => (n > o) == larger_is_stricter,
                _ => continue,
            };
            self.constraint(at, key, old.get(key), new.get(key), stricter, flow);
        }
        if old.get("pattern") != new.get("pattern") {
            // Two patterns cannot be ordered; a new one may refuse what the old accepted, and
            // accept what it refused, so it counts both ways.
            let kind = match flow {
                Flow::Request => "request-constraint-tightened",
                Flow::Response => "response-constraint-loosened",
            };
            self.push(
                Severity::Breaking,
                kind,
                at,
                format!("pattern {} -> {}", show(old.get("pattern")), show(new.get("pattern"))),
            );
        }
    }

    fn constraint(
        &mut self,
        at: &str,
        key: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        stricter: bool,
        flow: Flow,
    ) {
        let what = format!("{key} {} -> {}", show(old), show(new));
        match (flow, stricter) {
            (Flow::Request, true) => self.push(
                Severity::Breaking,
                "request-constraint-tightened",
                at,
                format!("{what}: values clients send today may be refused"),
            ),
            (Flow::Request, false) => self.push(Severity::NonBreaking, "request-constraint-loosened", at, what),
            (Flow::Response, false) => self.push(
                Severity::Breaking,
                "response-constraint-loosened",
                at,
                format!("{what}: answers may hold values clients do not expect"),
            ),
            (Flow::Response, true) => self.push(Severity::NonBreaking, "response-constraint-tightened", at, what),
        }
    }

    fn enums(&mut self, at: &str, old: &Value, new: &Value, flow: Flow) {
        let values = |v: &Value| -> Option<Vec<Value>> { v.get("enum").and_then(Value::as_array).cloned() };
        let (Some(o), Some(n)) = (values(old), values(new)) else { return };
        for added in n.iter().filter(|v| !o.contains(v)) {
            match flow {
                Flow::Response => self.push(Severity::Breaking, "response-enum-value-added", at, format!("{added} may now be answered: breaking for clients with closed enums (generated Rust enums are closed)")),
                Flow::Request => self.push(Severity::NonBreaking, "request-enum-value-added", at, format!("{added} may now be sent")),
            }
        }
        for removed in o.iter().filter(|v| !n.contains(v)) {
            match flow {
                Flow::Request => self.push(
                    Severity::Breaking,
                    "request-enum-value-removed",
                    at,
                    format!("{removed} is no longer accepted"),
                ),
                Flow::Response => self.push(
                    Severity::NonBreaking,
                    "response-enum-value-removed",
                    at,
                    format!("{removed} is no longer answered"),
                ),
            }
        }
    }
}

/// A path with its parameter names blanked: `/a/{Reference}` and `/a/{reference}` are one URL.
fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push('{');
            }
            '}' => {
                in_name = false;
                out.push('}');
            }
            _ if in_name => {}
            c => out.push(c),
        }
    }
    out
}

fn required(v: &Value) -> bool {
    v.get("required").and_then(Value::as_bool).unwrap_or(false)
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "(none)".to_owned(), Value::to_string)
}

/// `v` with its own local `$ref` followed; deeper references are followed as the comparison
/// reaches them. External references are left as they are, for the caller to report.
fn inline(root: &Value, v: &Value) -> Value {
    walk::resolve(root, v).clone()
}

/// Changes at or above `floor` (doc changes only with `all`).
pub fn visible(changes: &[Change], all: bool) -> Vec<&Change> {
    changes.iter().filter(|c| all || c.severity != Severity::Doc).collect()
}

/// A plain-text report: one line per change.
pub fn text(changes: &[&Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let _ =
            writeln!(out, "{:<12} {:<34} {} {}: {}", c.severity.label(), c.kind, c.operation, c.location, c.message);
    }
    let _ = writeln!(out, "{}", summary(changes));
    out
}

/// A Markdown report, grouped by severity.
pub fn markdown(changes: &[&Change]) -> String {
    let mut out = String::from("# API changes\n\n");
    let _ = writeln!(out, "{}\n", summary(changes));
    for severity in [Severity::Breaking, Severity::NonBreaking, Severity::Doc] {
        let group: Vec<_> = changes.iter().filter(|c| c.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "## {} ({})\n\n| operation | where | kind | change |\n| --- | --- | --- | --- |",
            severity.label(),
            group.len()
        );
        for c in group {
            let cell = |s: &str| s.replace('|', "\\|");
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} |",
                cell(&c.operation),
                cell(&c.location),
                c.kind,
                cell(&c.message)
            );
        }
        out.push('\n');
    }
    out
}

/// A JSON report.
pub fn json_report(changes: &[&Change]) -> String {
    serde_json::to_string_pretty(changes).unwrap_or_else(|_| "[]".into())
}

fn summary(changes: &[&Change]) -> String {
    let count = |s| changes.iter().filter(|c| c.severity == s).count();
    format!(
        "{} breaking, {} non-breaking, {} doc",
        count(Severity::Breaking),
        count(Severity::NonBreaking),
        count(Severity::Doc)
    )
}
