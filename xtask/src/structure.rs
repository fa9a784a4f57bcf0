//! The structure of an OpenAPI document, without its prose: what a generated client depends on.
//!
//! Used to prove that `openapi/` models the upstream documents exactly while saying everything
//! in its own words.

use serde_json::{Map, Value};

/// Keys whose values are prose or samples rather than structure.
const PROSE_KEYS: &[&str] = &["description", "summary", "example", "examples"];

/// Keys whose children are names chosen by the document (a property called `description` is
/// structure, not prose).
const NAME_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "parameters",
    "responses",
    "headers",
    "securitySchemes",
    "requestBodies",
    "paths",
    "callbacks",
    "content",
    "links",
    "variables",
    "mapping",
];

/// `doc` without descriptions, summaries, examples and `x-` extensions.
pub fn skeleton(doc: &Value) -> Value {
    strip(doc, false)
}

fn strip(node: &Value, children_are_names: bool) -> Value {
    match node {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| children_are_names || !(PROSE_KEYS.contains(&k.as_str()) || k.starts_with("x-")))
                .map(|(k, v)| {
                    let names = !children_are_names && NAME_MAPS.contains(&k.as_str()) && v.is_object();
                    (k.clone(), strip(v, names))
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| strip(v, false)).collect()),
        other => other.clone(),
    }
}

/// Every place where the skeletons of `ours` and `theirs` differ, as a JSON pointer and what
/// each side has there. Empty when they have the same structure.
pub fn differences(ours: &Value, theirs: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare(&skeleton(ours), &skeleton(theirs), &mut String::new(), &mut out);
    out
}

fn compare(ours: &Value, theirs: &Value, at: &mut String, out: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let len = at.len();
                push_token(at, k);
                match b.get(k) {
                    Some(w) => compare(v, w, at, out),
                    None => out.push(format!("{at}: only in ours")),
                }
                at.truncate(len);
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                let len = at.len();
                push_token(at, k);
                out.push(format!("{at}: missing from ours"));
                at.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                compare(v, w, at, out);
                at.truncate(len);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{}: ours {} upstream {}", pointer_or_root(at), short(a), short(b))),
    }
}

/// Appends `/token` with the RFC 6901 escapes.
fn push_token(at: &mut String, token: &str) {
    at.push('/');
    at.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

fn pointer_or_root(at: &str) -> &str {
    if at.is_empty() { "(root)" } else { at }
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// The sentences of at least `min_words` words in `doc`'s descriptions and summaries, folded
/// to lower case and single spaces: what must not reappear in a document that claims its own
/// wording.
pub fn prose_sentences(doc: &Value, min_words: usize) -> Vec<String> {
    let mut texts = Vec::new();
    collect_prose(doc, false, &mut texts);
    texts
        .iter()
        .flat_map(|t| t.split(['.', '!', '?', '\n']))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
        .filter(|s| s.split(' ').count() >= min_words)
        .collect()
}

fn collect_prose(node: &Value, children_are_names: bool, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if !children_are_names && (k == "description" || k == "summary") => {
                        out.push(s.clone())
                    }
                    _ => collect_prose(v, !children_are_names && NAME_MAPS.contains(&k.as_str()), out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_prose(v, false, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prose_is_ignored_but_properties_named_like_prose_are_not() {
        let ours = json!({"info": {"description": "ours", "x-logo": 1},
            "schemas": {"A": {"properties": {"description": {"type": "string", "description": "a"}}}}});
        let theirs = json!({"info": {"description": "theirs"},
            "schemas": {"A": {"properties": {"description": {"type": "string", "example": "b"}}}}});
        assert!(differences(&ours, &theirs).is_empty());
    }

    #[test]
    fn each_difference_is_named_by_pointer() {
        let ours = json!({"paths": {"/v1/a": {"get": {"operationId": "a"}}}, "x": [1, 2]});
        let theirs = json!({"paths": {"/v1/a": {"get": {"operationId": "b"}}}, "y": true, "x": [1, 3]});
        assert_eq!(
            differences(&ours, &theirs),
            [
                r#"/paths/~1v1~1a/get/operationId: ours "a" upstream "b""#,
                "/x/1: ours 2 upstream 3",
                "/y: missing from ours",
            ]
        );
    }

    #[test]
    fn sentences_are_folded_and_short_ones_dropped() {
        let doc = json!({"info": {"description": "The  first sentence here.\nShort one. Another   long sentence, this one!"},
            "properties": {"summary": {"type": "string"}}});
        assert_eq!(prose_sentences(&doc, 3), ["the first sentence here", "another long sentence, this one"]);
    }
}
