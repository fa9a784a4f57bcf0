//! `cargo xtask spec-diff`: what changed between two OpenAPI documents, and whether it breaks
//! a client of the API.
//!
//! Operations are matched by operationId (by method and path when there is none), so a path
//! that moves is reported as moved rather than as one operation removed and another added,
//! and a path that moves under a new server base keeping its URL is no break (oasdiff matches
//! by path and reports both as breaking). Schemas are compared in the direction data flows
//! ([`schema`]). Every finding names a check of the catalogue ([`checks`]); the project's
//! `openapi/spec-diff.toml` ([`config`]) may change a check's severity or accept a finding.
//! External `$ref`s are compared by URL unless they were bundled first (`--external`).

pub mod checks;
pub mod config;
pub mod pattern;
pub mod report;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet};

use epayment_openapi::walk;
use serde::Serialize;
use serde_json::Value;

pub use checks::{Check, Severity};
pub use config::Config;
use schema::{Flow, SchemaDiffer, show};

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects clients (the check's default unless the configuration changed it).
    pub severity: Severity,
    /// The check, by its stable id, e.g. `request-property-made-required`.
    pub kind: Check,
    /// The operation (`POST /v1/payments`) or `document`.
    pub operation: String,
    /// Where inside it: a parameter, or a JSON pointer into the schema.
    pub location: String,
    /// What changed, in words.
    pub message: String,
    /// Why the project accepts this change, when its configuration ignores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

impl Change {
    /// Whether it counts towards `--fail-on` and the summary's counts.
    pub fn counts(&self) -> bool {
        self.ignored.is_none()
    }
}

struct Differ<'a> {
    schemas: SchemaDiffer<'a>,
    changes: Vec<Change>,
    operation: String,
}

/// Compares two parsed documents, every check at its default severity.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut d = Differ { schemas: SchemaDiffer::new(old, new), changes: Vec::new(), operation: "document".into() };
    let old_ops = operations(old);
    let new_ops = operations(new);
    d.servers(old, new, &old_ops, &new_ops);
    d.security("/security", old.get("security"), new.get("security"));
    let (old_sec, new_sec) = (old.pointer("/components/securitySchemes"), new.pointer("/components/securitySchemes"));
    if old_sec.map(crate::structure::skeleton) != new_sec.map(crate::structure::skeleton) {
        d.push(Check::SecurityChanged, "/components/securitySchemes", "the security schemes changed".into());
    }
    d.prose("/info", old.get("info"), new.get("info"));

    let (old_base, new_base) = (walk::server_base_path(old), walk::server_base_path(new));
    let url = |base: &str, op: &Op<'_>| (op.method, template(&format!("{base}{}", op.path)));
    // An operation whose operationId changed but whose method and URL did not is the same
    // operation renamed, not one removed and another added.
    let renamed: BTreeMap<&str, &str> = old_ops
        .iter()
        .filter(|(key, _)| !new_ops.contains_key(*key))
        .filter_map(|(key, o)| {
            let mut same =
                new_ops.iter().filter(|(k, n)| !old_ops.contains_key(*k) && url(&new_base, n) == url(&old_base, o));
            match (same.next(), same.next()) {
                (Some((k, _)), None) => Some((key.as_str(), k.as_str())),
                _ => None,
            }
        })
        .collect();
    for (key, o) in &old_ops {
        d.operation = format!("{} {}", o.method.to_uppercase(), o.path);
        let renamed_to = renamed.get(key.as_str());
        let Some(n) = new_ops.get(key).or_else(|| renamed_to.and_then(|k| new_ops.get(*k))) else {
            d.push(Check::OperationRemoved, "", format!("{} is gone", o.label()));
            continue;
        };
        if renamed_to.is_some() {
            let id = |op: &Op<'_>| op.id.clone().unwrap_or_else(|| "(none)".into());
            let what = format!("operationId {} -> {}", id(o), id(n));
            d.push(Check::OperationIdChanged, "", format!("{what}: generated clients name their method after it"));
        }
        if o.method != n.method {
            d.push(Check::MethodChanged, "", format!("{} -> {}", o.method.to_uppercase(), n.method.to_uppercase()));
        }
        if o.path != n.path {
            if template(&format!("{old_base}{}", o.path)) == template(&format!("{new_base}{}", n.path)) {
                let what = format!("{} -> {} (the same URL under the new server base)", o.path, n.path);
                if template(o.path) != template(n.path) {
                    d.push(Check::PathMovedUnderServerBase, "", what);
                }
            } else {
                d.push(Check::PathChanged, "", format!("{} -> {}", o.path, n.path));
            }
        }
        d.operation(o, n);
    }
    for (key, n) in &new_ops {
        if !old_ops.contains_key(key) && !renamed.values().any(|k| k == key) {
            d.operation = format!("{} {}", n.method.to_uppercase(), n.path);
            d.push(Check::OperationAdded, "", format!("{} is new", n.label()));
        }
    }
    d.changes.sort_by(|a, b| {
        (a.severity, &a.operation, &a.location, a.kind).cmp(&(b.severity, &b.operation, &b.location, b.kind))
    });
    d.changes.dedup();
    d.changes
}

/// Compares two documents and applies the project's configuration.
pub fn diff_with(old: &Value, new: &Value, config: &Config) -> Vec<Change> {
    let mut changes = diff(old, new);
    config.apply(&mut changes);
    changes.sort_by(|a, b| {
        (a.severity, &a.operation, &a.location, a.kind).cmp(&(b.severity, &b.operation, &b.location, b.kind))
    });
    changes
}

#[derive(Debug)]
struct Op<'a> {
    id: Option<String>,
    method: &'static str,
    path: &'a str,
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
            (key, Op { id, method: raw.method, path: raw.path, raw })
        })
        .collect()
}

/// The URLs of a document's servers as (scheme and host, base path).
fn servers(doc: &Value) -> Vec<(String, String)> {
    doc.get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("url")?.as_str())
        .map(|url| {
            let url = url.trim_end_matches('/');
            let after_scheme = url.find("://").map_or(0, |i| i + 3);
            match url[after_scheme..].find('/') {
                Some(i) => (url[..after_scheme + i].to_owned(), url[after_scheme + i..].to_owned()),
                None => (url.to_owned(), String::new()),
            }
        })
        .collect()
}

impl Differ<'_> {
    fn push(&mut self, check: Check, location: &str, message: String) {
        self.changes.push(Change {
            severity: check.default_severity(),
            kind: check,
            operation: self.operation.clone(),
            location: location.to_owned(),
            message,
            ignored: None,
        });
    }

    /// A server change breaks clients only when an operation is no longer at a URL it had:
    /// a host that is gone, or a base path that moved without the paths following it.
    fn servers(
        &mut self,
        old: &Value,
        new: &Value,
        old_ops: &BTreeMap<String, Op<'_>>,
        new_ops: &BTreeMap<String, Op<'_>>,
    ) {
        let (o, n) = (servers(old), servers(new));
        if o == n {
            return;
        }
        let urls = |servers: &[(String, String)], op: &Op<'_>| -> BTreeSet<String> {
            let servers = if servers.is_empty() { vec![(String::new(), String::new())] } else { servers.to_vec() };
            servers.iter().map(|(host, base)| template(&format!("{host}{base}{}", op.path))).collect()
        };
        let moved: Vec<&str> = old_ops
            .iter()
            .filter(|(key, op)| new_ops.get(*key).is_some_and(|nop| !urls(&o, op).is_subset(&urls(&n, nop))))
            .map(|(key, _)| key.as_str())
            .collect();
        let hosts = |s: &[(String, String)]| s.iter().map(|(h, _)| h.clone()).collect::<BTreeSet<_>>();
        let gone: Vec<String> = hosts(&o).difference(&hosts(&n)).cloned().collect();
        let join = |s: &[(String, String)]| s.iter().map(|(h, b)| format!("{h}{b}")).collect::<Vec<_>>().join(", ");
        let what = format!("[{}] -> [{}]", join(&o), join(&n));
        if !gone.is_empty() || !moved.is_empty() {
            let why = if gone.is_empty() {
                format!("{} operation(s) are no longer at their URL, e.g. {}", moved.len(), moved[0])
            } else {
                format!("{} is no longer served", gone.join(", "))
            };
            self.push(
                Check::ServerChanged,
                "/servers",
                format!("{what}: {why}; clients configured with the old base URL call the wrong place"),
            );
            return;
        }
        if o.iter().map(|s| &s.1).ne(n.iter().map(|s| &s.1).take(o.len())) {
            self.push(
                Check::ServerBaseMoved,
                "/servers",
                format!("{what}: the base path moved into the paths; every operation keeps its URL"),
            );
        }
        for added in hosts(&n).difference(&hosts(&o)) {
            self.push(Check::ServerAdded, "/servers", format!("{added} is new; {what}"));
        }
    }

    fn security(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>) {
        if old != new {
            self.push(Check::SecurityChanged, at, format!("{} -> {}", show(old), show(new)));
        }
    }

    fn prose(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>) {
        let mut found = Vec::new();
        schema::prose(at, old.unwrap_or(&Value::Null), new.unwrap_or(&Value::Null), &mut found);
        for f in found {
            self.push(f.check, &f.location, f.message);
        }
    }

    fn schema(&mut self, at: &str, old: Option<&Value>, new: Option<&Value>, flow: Flow) {
        let (Some(old), Some(new)) = (old, new) else { return };
        for f in self.schemas.compare(old, new, flow) {
            self.push(f.check, &format!("{at}{}", f.location), f.message);
        }
    }

    fn operation(&mut self, o: &Op<'_>, n: &Op<'_>) {
        self.prose("", Some(o.raw.operation), Some(n.raw.operation));
        if !schema::flag(o.raw.operation, "deprecated") && schema::flag(n.raw.operation, "deprecated") {
            self.push(Check::OperationDeprecated, "", format!("{} is deprecated", n.label()));
        }
        self.security("/security", o.raw.operation.get("security"), n.raw.operation.get("security"));
        self.parameters(o, n);
        self.request_body(o, n);
        self.responses(o, n);
    }

    fn parameters(&mut self, o: &Op<'_>, n: &Op<'_>) {
        let (roots_old, roots_new) = self.schemas.roots();
        let (op, np) = (walk::parameters(roots_old, &o.raw), walk::parameters(roots_new, &n.raw));
        let name = |key: &(String, String), p: &Value| {
            format!("{} parameter {}", key.0, p.get("name").and_then(Value::as_str).unwrap_or(&key.1))
        };
        for (key, p) in &op {
            let at = name(key, p);
            let Some(q) = np.get(key) else {
                self.push(
                    Check::ParameterRemoved,
                    &at,
                    "the parameter is gone; clients that send it break at compile or at run time".into(),
                );
                continue;
            };
            match (required(p), required(q)) {
                (false, true) => self.push(Check::ParameterMadeRequired, &at, "the parameter is now required".into()),
                (true, false) => self.push(Check::ParameterMadeOptional, &at, "the parameter is now optional".into()),
                _ => {}
            }
            if !schema::flag(p, "deprecated") && schema::flag(q, "deprecated") {
                self.push(Check::ParameterDeprecated, &at, "the parameter is deprecated".into());
            }
            self.prose(&at, Some(p), Some(q));
            self.schema(&at, p.get("schema"), q.get("schema"), Flow::Request);
        }
        for (key, q) in np.iter().filter(|(k, _)| !op.contains_key(*k)) {
            let at = name(key, q);
            if required(q) {
                self.push(Check::ParameterAddedRequired, &at, "a new required parameter".into());
            } else {
                self.push(Check::ParameterAdded, &at, "a new optional parameter".into());
            }
        }
    }

    fn request_body(&mut self, o: &Op<'_>, n: &Op<'_>) {
        let (roots_old, roots_new) = self.schemas.roots();
        let ob = o.raw.operation.get("requestBody").map(|b| walk::resolve(roots_old, b));
        let nb = n.raw.operation.get("requestBody").map(|b| walk::resolve(roots_new, b));
        let at = "/requestBody";
        match (ob, nb) {
            (None, Some(nb)) if required(nb) => {
                self.push(Check::RequestBodyAddedRequired, at, "a required request body".into())
            }
            (None, Some(_)) => self.push(Check::RequestBodyAdded, at, "an optional request body".into()),
            (Some(_), None) => self.push(Check::RequestBodyRemoved, at, "the request body is gone".into()),
            (Some(ob), Some(nb)) => {
                if !required(ob) && required(nb) {
                    self.push(Check::RequestBodyMadeRequired, at, "the request body is now required".into());
                }
                self.prose(at, Some(ob), Some(nb));
                self.content(at, ob, nb, Flow::Request);
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, o: &Op<'_>, n: &Op<'_>) {
        let (roots_old, roots_new) = self.schemas.roots();
        let empty = serde_json::Map::new();
        let or = o.raw.operation.get("responses").and_then(Value::as_object).unwrap_or(&empty);
        let nr = n.raw.operation.get("responses").and_then(Value::as_object).unwrap_or(&empty);
        let success = |s: &String| s.starts_with('2');
        let removed: Vec<&String> = or.keys().filter(|s| !nr.contains_key(*s)).collect();
        let added: Vec<&String> = nr.keys().filter(|s| !or.contains_key(*s)).collect();
        let (removed_ok, added_ok): (Vec<_>, Vec<_>) =
            (removed.iter().filter(|s| success(s)).collect(), added.iter().filter(|s| success(s)).collect());
        // A success status renumbered is one change: generated clients decode only the
        // documented statuses, so the old one's clients fail on the new one.
        let renumbered = !removed_ok.is_empty() && !added_ok.is_empty();
        if renumbered {
            let list = |v: &[&&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            self.push(
                Check::ResponseSuccessStatusChanged,
                "/responses",
                format!(
                    "success {} -> {}: clients that expect {} fail on {}",
                    list(&removed_ok),
                    list(&added_ok),
                    list(&removed_ok),
                    list(&added_ok)
                ),
            );
            // Compare what the answers hold, old status against new.
            if let ([os], [ns]) = (removed_ok.as_slice(), added_ok.as_slice()) {
                let (ob, nb) = (walk::resolve(roots_old, &or[os.as_str()]), walk::resolve(roots_new, &nr[ns.as_str()]));
                self.content(&format!("/responses/{ns}"), ob, nb, Flow::Response);
            }
        }
        for status in &removed {
            let at = format!("/responses/{status}");
            if success(status) && !renumbered {
                self.push(
                    Check::ResponseSuccessStatusRemoved,
                    &at,
                    format!("the {status} answer is no longer documented"),
                );
            } else if !success(status) {
                self.push(Check::ResponseRemoved, &at, format!("the {status} answer is no longer documented"));
            }
        }
        for status in &added {
            if !(renumbered && success(status)) {
                self.push(
                    Check::ResponseAdded,
                    &format!("/responses/{status}"),
                    format!("a {status} answer is documented"),
                );
            }
        }
        for (status, oresp) in or {
            let Some(nresp) = nr.get(status) else { continue };
            let at = format!("/responses/{status}");
            let (oresp, nresp) = (walk::resolve(roots_old, oresp), walk::resolve(roots_new, nresp));
            self.prose(&at, Some(oresp), Some(nresp));
            self.content(&at, oresp, nresp, Flow::Response);
        }
    }

    fn content(&mut self, at: &str, old: &Value, new: &Value, flow: Flow) {
        let empty = serde_json::Map::new();
        let (oc, nc) = (schema::members(old, "content", &empty), schema::members(new, "content", &empty));
        let (ot, nt): (BTreeSet<&String>, BTreeSet<&String>) = (oc.keys().collect(), nc.keys().collect());
        if ot != nt && !ot.is_empty() {
            self.push(Check::ContentTypeChanged, &format!("{at}/content"), format!("{ot:?} -> {nt:?}"));
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
