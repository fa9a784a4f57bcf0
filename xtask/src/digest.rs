//! The two digests `openapi/upstream.lock` keeps of a document, both `sha256:<hex>` of its
//! canonical JSON (keys sorted, no spaces), so that key order, line endings and YAML or JSON
//! do not count:
//!
//! - [`content`]: every value, prose included: any change the publisher makes;
//! - [`structure`]: the document's [`skeleton`] (no descriptions, summaries, examples or `x-`
//!   extensions): what `openapi/` copies in its own words, so that it is the same for our
//!   document and the published one.

use serde_json::{Map, Value};

use crate::document::sha256_hex;
use crate::structure::skeleton;

/// The digest of everything in `doc`.
pub fn content(doc: &Value) -> String {
    format!("sha256:{}", sha256_hex(canonical(doc).to_string().as_bytes()))
}

/// The digest of `doc`'s structure.
pub fn structure(doc: &Value) -> String {
    content(&skeleton(doc))
}

/// `value` with every object's keys in sorted order (its text is then canonical).
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), canonical(&map[k]))).collect::<Map<_, _>>())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse_text;
    use std::path::Path;

    #[test]
    fn key_order_line_endings_and_yaml_or_json_do_not_count() {
        let yaml = parse_text(Path::new("a.yaml"), "b: 1\r\na:\r\n  d: [x, y]\r\n  c: true\r\n").expect("yaml");
        let json = parse_text(Path::new("a.json"), r#"{"a": {"c": true, "d": ["x", "y"]}, "b": 1}"#).expect("json");
        assert_eq!(content(&yaml), content(&json));
        assert!(content(&yaml).starts_with("sha256:") && content(&yaml).len() == 7 + 64);
        let reordered =
            parse_text(Path::new("a.json"), r#"{"a": {"c": true, "d": ["y", "x"]}, "b": 1}"#).expect("json");
        assert_ne!(content(&yaml), content(&reordered), "the order of a list counts");
    }

    #[test]
    fn prose_changes_the_content_but_not_the_structure() {
        let doc = |description: &str| {
            serde_json::json!({"info": {"title": "t", "description": description},
                "components": {"schemas": {"A": {"type": "string", "example": description}}}})
        };
        assert_ne!(content(&doc("one")), content(&doc("two")));
        assert_eq!(structure(&doc("one")), structure(&doc("two")));
        let mut typed = doc("one");
        typed["components"]["schemas"]["A"]["type"] = "integer".into();
        assert_ne!(structure(&doc("one")), structure(&typed));
    }
}
