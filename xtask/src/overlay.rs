//! OpenAPI Overlay 1.0 documents: targeted `update` and `remove` actions on an OpenAPI tree.
//!
//! Targets are RFC 9535 JSONPath expressions. Two rules are stricter than the Overlay
//! specification, because an overlay that silently stops applying is how a generated client
//! drifts from the document it claims to come from:
//! - a target that matches nothing is an error, not a no-op;
//! - every action carries a `description`, the one-line reason it exists.

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
            let mut locations: Vec<Vec<Step>> = action
                .path
                .query_located(doc)
                .iter()
                .map(|node| node.location().iter().map(Step::from).collect())
                .collect();
            if locations.is_empty() {
                bail!(
                    "{}: action {} targets `{}`, which matches nothing in the document",
                    self.path.display(),
                    i + 1,
                    action.target
                );
            }
            // Deepest and last first, so that removing one node never shifts the index of
            // another that is still to be visited.
            locations.sort();
            for location in locations.iter().rev() {
                match &action.change {
                    Change::Update(update) => {
                        if let Some(node) = node_mut(doc, location) {
                            merge(node, update);
                        }
                    }
                    Change::Remove => remove(doc, location),
                }
            }
        }
        Ok(())
    }
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
}
