//! Reading schemas the way the comparison needs them, with no judgement of its own: `allOf`
//! merged into one schema, `oneOf`/`anyOf` branches and how old ones pair with new ones, a
//! composition seen as one object, a schema's effective type, and small accessors.

use std::borrow::Cow;
use std::collections::BTreeSet;

use epayment_openapi::walk;
use serde_json::{Map, Value};

/// How many `allOf` levels are merged, and how deep inline schemas are followed, before the
/// comparison gives up on a branch: far beyond real documents, and a guard against documents
/// whose `allOf` names itself.
pub(super) const MAX_DEPTH: usize = 64;

/// The object under `key` (`properties`, `content`), or `empty`.
pub(super) fn members<'v>(v: &'v Value, key: &str, empty: &'v Map<String, Value>) -> &'v Map<String, Value> {
    v.get(key).and_then(Value::as_object).unwrap_or(empty)
}

/// A schema's `$ref`.
pub(super) fn reference(v: &Value) -> Option<&str> {
    v.get("$ref").and_then(Value::as_str)
}

/// Whether a boolean keyword (`deprecated`, `readOnly`, `required` of a parameter, ...) is set.
pub(super) fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A property name as a JSON-pointer token.
pub(super) fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A keyword's value as reports show it, `(none)` when absent.
pub(super) fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "(none)".to_owned(), Value::to_string)
}

/// The names an object schema requires.
pub(super) fn required_names(v: &Value) -> BTreeSet<String> {
    v.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// `v` with its `$ref` followed and its `allOf` merged into one schema.
pub(super) fn flatten<'v>(root: &'v Value, v: &'v Value, depth: usize) -> Cow<'v, Value> {
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
pub(super) fn branches(v: &Value) -> Option<(&'static str, Vec<&Value>)> {
    ["oneOf", "anyOf"].into_iter().find_map(|k| v.get(k).and_then(Value::as_array).map(|b| (k, b.iter().collect())))
}

pub(super) fn branch_name(v: &Value) -> String {
    match reference(v) {
        Some(r) => r.rsplit('/').next().unwrap_or(r).to_owned(),
        None => v.get("title").and_then(Value::as_str).map_or_else(|| "(inline)".to_owned(), str::to_owned),
    }
}

pub(super) fn branch_names(branches: &[&Value]) -> String {
    branches.iter().map(|b| branch_name(b)).collect::<Vec<_>>().join(", ")
}

/// A schema's type: its `type`, or the type all its branches share.
pub(super) fn effective_type(root: &Value, v: &Value) -> Option<String> {
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
pub(super) fn union_view(root: &Value, schema: &Value, branches: &[&Value]) -> Value {
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
pub(super) fn match_branches(oroot: &Value, nroot: &Value, old: &[&Value], new: &[&Value]) -> Vec<(usize, usize)> {
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
