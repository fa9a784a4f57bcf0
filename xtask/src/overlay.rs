//! OpenAPI Overlay 1.0 documents: targeted `update` and `remove` actions on an OpenAPI tree.
//!
//! Targets are RFC 9535 JSONPath expressions. Two rules are stricter than the Overlay
//! specification, because an overlay that silently stops applying is how a generated client
//! drifts from the document it claims to come from:
//! - a target that matches nothing is an error, not a no-op;
//! - every action carries a `description`, the one-line reason it exists.
//!
//! Actions that concern an operation target it by operationId with a filter expression
//! (`$.paths[?@.post.operationId == 'cancelPayment']`), so that they follow a path that moves
//! or is respelled. On a document other than the committed one (`regen --spec`,
//! `spec-update`), [`Overlay::apply_reporting`] gives each action a status instead of failing.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use serde_json::Value;
use serde_json_path::{JsonPath, PathElement};

use crate::document::Document;

/// A parsed overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Where it was read from.
    pub path: PathBuf,
    /// SHA-256 of the file, for the generated code's header.
    pub sha256: String,
    /// The overlay's `info.title`.
    pub title: String,
    actions: Vec<Action>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverlay {
    overlay: String,
    info: RawInfo,
    #[serde(default)]
    #[allow(dead_code, reason = "informative only: the regen table decides what an overlay applies to")]
    extends: Option<String>,
    actions: Vec<RawAction>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawInfo {
    title: String,
    #[allow(dead_code, reason = "required by the Overlay specification, not used here")]
    version: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    target: String,
    description: Option<String>,
    update: Option<Value>,
    #[serde(default)]
    remove: bool,
}

#[derive(Debug, Clone)]
struct Action {
    target: String,
    path: JsonPath,
    description: String,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Update(Value),
    Remove,
}

impl Overlay {
    /// Reads and checks an overlay document.
    pub fn load(path: &Path) -> Result<Self> {
        let doc = Document::load(path)?;
        Self::from_document(doc)
    }

    fn from_document(doc: Document) -> Result<Self> {
        let shown = doc.path.display().to_string();
        let raw: RawOverlay =
            serde_json::from_value(doc.value).map_err(|e| anyhow!("{shown}: not an Overlay 1.0 document: {e}"))?;
        if !raw.overlay.starts_with("1.0") {
            bail!("{shown}: overlay version {} is not supported; 1.0.x is", raw.overlay);
        }
        let actions = raw
            .actions
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let at = format!("{shown}: action {} (target `{}`)", i + 1, a.target);
                let path = JsonPath::parse(&a.target).map_err(|e| anyhow!("{at}: invalid JSONPath: {e}"))?;
                let description = match a.description {
                    Some(d) if !d.trim().is_empty() => d.trim().to_owned(),
                    _ => bail!("{at}: has no description; say in one line why the action exists"),
                };
                let change = match (a.update, a.remove) {
                    (Some(_), true) => bail!("{at}: has both `update` and `remove`"),
                    (Some(v), false) => Change::Update(v),
                    (None, true) => Change::Remove,
                    (None, false) => bail!("{at}: has neither `update` nor `remove: true`"),
                };
                Ok(Action { target: a.target, path, description, change })
            })
            .collect::<Result<_>>()?;
        Ok(Self { path: doc.path, sha256: doc.sha256, title: raw.info.title, actions })
    }

    /// One line per action: its target and reason.
    pub fn describe(&self) -> impl Iterator<Item = String> + '_ {
        self.actions.iter().map(|a| format!("{}: {}", a.target, a.description))
    }

    /// Applies every action in order. An action whose target matches nothing fails the whole
    /// overlay; `doc` is left partly changed in that case and should be thrown away.
    pub fn apply(&self, doc: &mut Value) -> Result<()> {
        for (i, action) in self.actions.iter().enumerate() {
            let found = locations(&action.path, doc);
            if found.is_empty() {
                bail!(
                    "{}: action {} targets `{}`, which matches nothing in the document",
                    self.path.display(),
                    i + 1,
                    action.target
                );
            }
            apply_at(doc, &found, &action.change);
        }
        Ok(())
    }
}

/// What became of one action on a document other than the one the overlay was written for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionStatus {
    /// It matched and changed the document.
    Applied,
    /// The document already says what the action sets (or lacks what it removes): the
    /// upstream quirk it worked around is fixed, and the action can go.
    NoLongerNeeded,
    /// Its target is not in the document: the document moved, and the action must follow.
    TargetGone,
}

impl ActionStatus {
    /// As shown in warnings and reports.
    pub fn label(&self) -> &'static str {
        match self {
            ActionStatus::Applied => "applied",
            ActionStatus::NoLongerNeeded => "no longer needed",
            ActionStatus::TargetGone => "target gone",
        }
    }
}

/// One action's status, with what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionReport {
    /// The overlay's file.
    pub overlay: PathBuf,
    /// 1-based index of the action in it.
    pub action: usize,
    /// Its target.
    pub target: String,
    /// Its reason.
    pub description: String,
    /// What became of it.
    pub status: ActionStatus,
}

impl std::fmt::Display for ActionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self
            .overlay
            .file_name()
            .map_or_else(|| self.overlay.display().to_string(), |n| n.to_string_lossy().into_owned());
        write!(f, "{name} action {} ({}): {}", self.action, self.target, self.status.label())
    }
}

/// Warns on stderr about each action that did not apply (regen and spec-update on another
/// document than ours).
pub fn warn_unapplied(statuses: &[ActionReport]) {
    for status in statuses.iter().filter(|s| s.status != ActionStatus::Applied) {
        eprintln!("warning: overlay {status}");
    }
}

impl Overlay {
    /// Applies what still applies and reports every action's status: for a document the
    /// overlay was not written for, where an action that no longer matches is news, not an
    /// error. An update the document already holds is not applied again (it would duplicate
    /// a parameter, say).
    pub fn apply_reporting(&self, doc: &mut Value) -> Vec<ActionReport> {
        let mut reports = Vec::new();
        for (i, action) in self.actions.iter().enumerate() {
            let locations = locations(&action.path, doc);
            let status = if locations.is_empty() {
                match (&action.change, parent_exists(&action.target, doc)) {
                    // Nothing to remove where the thing would be: upstream removed it.
                    (Change::Remove, true) => ActionStatus::NoLongerNeeded,
                    _ => ActionStatus::TargetGone,
                }
            } else {
                let root = doc.clone();
                let already = |loc: &Vec<Step>| match (&action.change, node_ref(&root, loc)) {
                    (Change::Update(update), Some(node)) => holds(&root, node, update),
                    _ => false,
                };
                if locations.iter().all(already) {
                    ActionStatus::NoLongerNeeded
                } else {
                    apply_at(doc, &locations, &action.change);
                    ActionStatus::Applied
                }
            };
            reports.push(ActionReport {
                overlay: self.path.clone(),
                action: i + 1,
                target: action.target.clone(),
                description: action.description.clone(),
                status,
            });
        }
        reports
    }
}

fn locations(path: &JsonPath, doc: &Value) -> Vec<Vec<Step>> {
    let mut found: Vec<Vec<Step>> =
        path.query_located(doc).iter().map(|node| node.location().iter().map(Step::from).collect()).collect();
    // Deepest and last first, so that removing one node never shifts the index of another
    // that is still to be visited.
    found.sort();
    found.reverse();
    found
}

fn apply_at(doc: &mut Value, locations: &[Vec<Step>], change: &Change) {
    for location in locations {
        match change {
            Change::Update(update) => {
                if let Some(node) = node_mut(doc, location) {
                    merge(node, update);
                }
            }
            Change::Remove => remove(doc, location),
        }
    }
}

/// Whether the target without its last segment (`.name` or `['name']`) matches something.
fn parent_exists(target: &str, doc: &Value) -> bool {
    let cut = if target.ends_with(']') { target.rfind('[') } else { target.rfind('.') };
    let Some(cut) = cut.filter(|&c| c > 1) else { return false };
    JsonPath::parse(&target[..cut]).is_ok_and(|p| !p.query(doc).is_empty())
}

/// Whether `node` already says everything `update` would merge into it. Prose is not
/// compared; list items that are parameters match by location and name (header names in any
/// case), after following `$ref`s.
fn holds(root: &Value, node: &Value, update: &Value) -> bool {
    let node = epayment_openapi::walk::resolve(root, node);
    match (node, update) {
        (Value::Object(n), Value::Object(u)) => u.iter().all(|(k, v)| {
            matches!(k.as_str(), "description" | "summary" | "example" | "examples")
                || n.get(k).is_some_and(|have| holds(root, have, v))
        }),
        (Value::Array(items), Value::Array(wanted)) => {
            wanted.iter().all(|w| items.iter().any(|i| same_item(root, i, w)))
        }
        (Value::Array(items), w) => items.iter().any(|i| same_item(root, i, w)),
        (n, u) => n == u,
    }
}

fn same_item(root: &Value, item: &Value, wanted: &Value) -> bool {
    let item = epayment_openapi::walk::resolve(root, item);
    let key = |v: &Value| Some((v.get("in")?.as_str()?.to_owned(), v.get("name")?.as_str()?.to_lowercase()));
    match (key(item), key(wanted)) {
        (Some(a), Some(b)) => a == b,
        _ => holds(root, item, wanted),
    }
}

fn node_ref<'a>(mut node: &'a Value, path: &[Step]) -> Option<&'a Value> {
    for step in path {
        node = match (node, step) {
            (Value::Object(map), Step::Key(k)) => map.get(k)?,
            (Value::Array(items), Step::Index(i)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// One step of a normalized path, owned so that the document can be changed while it is held.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Index(usize),
    Key(String),
}

impl From<&PathElement<'_>> for Step {
    fn from(e: &PathElement<'_>) -> Self {
        match e {
            PathElement::Name(n) => Step::Key((*n).to_owned()),
            PathElement::Index(i) => Step::Index(*i),
        }
    }
}

fn node_mut<'a>(mut node: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    for step in path {
        node = match (node, step) {
            (Value::Object(map), Step::Key(k)) => map.get_mut(k)?,
            (Value::Array(items), Step::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

fn remove(doc: &mut Value, path: &[Step]) {
    let Some((last, parent)) = path.split_last() else {
        // Removing the root leaves an empty document, which later steps will refuse.
        *doc = Value::Null;
        return;
    };
    match (node_mut(doc, parent), last) {
        (Some(Value::Object(map)), Step::Key(k)) => {
            map.shift_remove(k);
        }
        (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}

/// The Overlay specification's merge: objects merge key by key, an array target gets the update
/// appended (its items, if the update is an array), anything else is replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(t), Value::Object(u)) => {
            for (k, v) in u {
                match t.get_mut(k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(u)) => t.extend(u.iter().cloned()),
        (Value::Array(t), u) => t.push(u.clone()),
        (t, u) => *t = u.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Result<Overlay> {
        let value = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions});
        Overlay::from_document(Document { path: "o.yaml".into(), sha256: String::new(), value })
    }

    #[test]
    fn update_merges_objects_and_appends_to_arrays() {
        let mut doc = json!({"a": {"b": 1, "c": {"d": 2}}, "list": [1]});
        overlay(json!([
            {"target": "$.a", "description": "r", "update": {"c": {"e": 3}, "f": 4}},
            {"target": "$.list", "description": "r", "update": [2, 3]},
        ]))
        .unwrap()
        .apply(&mut doc)
        .unwrap();
        assert_eq!(doc, json!({"a": {"b": 1, "c": {"d": 2, "e": 3}, "f": 4}, "list": [1, 2, 3]}));
    }

    #[test]
    fn remove_takes_every_match_even_in_one_array() {
        let mut doc = json!({"xs": [{"k": 1}, {"k": 2}, {"k": 1}], "content": {"application/problem+json": {}}});
        overlay(json!([
            {"target": "$.xs[?@.k == 1]", "description": "r", "remove": true},
            {"target": "$.content['application/problem+json']", "description": "r", "remove": true},
        ]))
        .unwrap()
        .apply(&mut doc)
        .unwrap();
        assert_eq!(doc, json!({"xs": [{"k": 2}], "content": {}}));
    }

    #[test]
    fn a_target_that_matches_nothing_is_an_error() {
        let err = overlay(json!([{"target": "$.nope", "description": "r", "remove": true}]))
            .unwrap()
            .apply(&mut json!({"a": 1}))
            .unwrap_err();
        assert_eq!(err.to_string(), "o.yaml: action 1 targets `$.nope`, which matches nothing in the document");
    }

    #[test]
    fn actions_need_a_reason_and_exactly_one_change() {
        let no_reason = overlay(json!([{"target": "$.a", "remove": true}])).unwrap_err();
        assert!(no_reason.to_string().contains("has no description"), "{no_reason}");
        let both = overlay(json!([{"target": "$.a", "description": "r", "remove": true, "update": {}}])).unwrap_err();
        assert!(both.to_string().contains("both"), "{both}");
        let bad_path = overlay(json!([{"target": "a[", "description": "r", "remove": true}])).unwrap_err();
        assert!(bad_path.to_string().contains("invalid JSONPath"), "{bad_path}");
    }

    #[test]
    fn operation_id_targets_follow_a_moved_path_and_statuses_say_what_became_of_each_action() {
        let o = overlay(json!([
            {"target": "$.paths[?@.post.operationId == 'cancelPayment'].parameters", "description": "key",
             "update": [{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}]},
            {"target": "$.paths.*[?@.operationId == 'createPayment'].callbacks", "description": "cb", "remove": true},
            {"target": "$.paths[?@.post.operationId == 'adjust'].parameters", "description": "gone", "update": []},
        ]))
        .unwrap();
        // Ours: the path spelled one way, no key on cancel, a callback to drop.
        let mut ours = json!({"paths": {
            "/v1/payments/{Reference}/cancel": {"parameters": [], "post": {"operationId": "cancelPayment"}},
            "/v1/payments": {"post": {"operationId": "createPayment", "callbacks": {}}}
        }});
        let statuses: Vec<_> = o.apply_reporting(&mut ours).into_iter().map(|r| r.status).collect();
        assert_eq!(statuses, [ActionStatus::Applied, ActionStatus::Applied, ActionStatus::TargetGone]);
        assert_eq!(ours["paths"]["/v1/payments/{Reference}/cancel"]["parameters"][0]["name"], "Idempotency-Key");
        // Published: moved and respelled, the key declared (by $ref), no callback.
        let mut published = json!({
            "components": {"parameters": {"Key": {"name": "idempotency-key", "in": "header", "required": true}}},
            "paths": {
                "/epayment/v1/payments/{reference}/cancel": {"parameters": [{"$ref": "#/components/parameters/Key"}], "post": {"operationId": "cancelPayment"}},
                "/epayment/v1/payments": {"post": {"operationId": "createPayment"}}
            }
        });
        let before = published.clone();
        let statuses: Vec<_> = o.apply_reporting(&mut published).into_iter().map(|r| r.status).collect();
        assert_eq!(statuses, [ActionStatus::NoLongerNeeded, ActionStatus::NoLongerNeeded, ActionStatus::TargetGone]);
        assert_eq!(published, before, "nothing applied twice");
    }
}
