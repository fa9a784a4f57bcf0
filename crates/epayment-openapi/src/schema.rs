//! OpenAPI 3.0 schemas as JSON Schema (draft 4), and compiled checks of them.
//!
//! OpenAPI 3.0 schemas are not quite JSON Schema, so each is converted first: `nullable: true`
//! becomes a `null` type (and a `null` enum value), OpenAPI-only keywords are dropped, and
//! `oneOf` is read as `anyOf` in which each object branch that requires nothing requires its
//! own properties: the document's `Customer` lists three object shapes (`phoneNumber`,
//! `personalQr`, `customerToken`) none of which requires its field, so read literally any
//! object would match all three and `oneOf` would refuse every customer.

use std::sync::Arc;

use serde_json::{Map, Value, json};

/// One way in which a request or answer breaks the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where: a JSON pointer into the body (`/modificationAmount/value`), or `header:Name`,
    /// `path:Name`, `body`, `status`.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// A compiled schema.
#[derive(Clone)]
pub(crate) struct Check(Arc<jsonschema::Validator>);

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Check")
    }
}

impl Check {
    /// Compiles `schema` (OpenAPI 3.0) with the document's `components` to resolve its refs.
    pub(crate) fn compile(schema: &Value, components: &Value, converted_components: &Value) -> Result<Self, String> {
        let root = json!({"allOf": [convert(schema, components)], "components": converted_components});
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&root)
            .map(|v| Check(Arc::new(v)))
            .map_err(|e| format!("schema {schema}: {e}"))
    }

    /// Every violation of `instance`, each at its JSON pointer, or at `prefix` when one is given
    /// (a header or parameter has no inner structure to point into).
    pub(crate) fn violations(&self, instance: &Value, prefix: &str) -> Vec<Violation> {
        self.0
            .iter_errors(instance)
            .map(|e| {
                let pointer = e.instance_path().to_string();
                let at = match (prefix, pointer.is_empty()) {
                    ("", true) => "/".to_owned(),
                    ("", false) => pointer,
                    (prefix, _) => prefix.to_owned(),
                };
                Violation { at, message: e.to_string() }
            })
            .collect()
    }
}

/// The `components` object with every schema converted.
pub(crate) fn convert_components(components: &Value) -> Value {
    let mut out = Map::new();
    if let Some(schemas) = components.get("schemas").and_then(Value::as_object) {
        let converted: Map<String, Value> = schemas.iter().map(|(k, v)| (k.clone(), convert(v, components))).collect();
        out.insert("schemas".into(), Value::Object(converted));
    }
    Value::Object(out)
}

/// OpenAPI 3.0 schema -> JSON Schema (draft 4). `components` resolves `oneOf` branches.
fn convert(schema: &Value, components: &Value) -> Value {
    let Value::Object(map) = schema else { return schema.clone() };
    let mut out = Map::new();
    for (k, v) in map {
        match k.as_str() {
            "properties" | "patternProperties" => {
                let props = v.as_object().map(|p| p.iter().map(|(n, s)| (n.clone(), convert(s, components))).collect());
                out.insert(k.clone(), props.map(Value::Object).unwrap_or_else(|| v.clone()));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(k.clone(), if v.is_object() { convert(v, components) } else { v.clone() });
            }
            "allOf" | "anyOf" => {
                let list = v.as_array().map(|l| l.iter().map(|b| convert(b, components)).collect()).unwrap_or_default();
                out.insert(k.clone(), Value::Array(list));
            }
            "oneOf" => {
                let list = v
                    .as_array()
                    .map(|l| {
                        l.iter().map(|b| requiring_own_properties(convert(b, components), b, components)).collect()
                    })
                    .unwrap_or_default();
                out.insert("anyOf".to_owned(), Value::Array(list));
            }
            "nullable" | "discriminator" | "xml" | "externalDocs" | "example" | "examples" | "deprecated"
            | "readOnly" | "writeOnly" | "description" | "title" => {}
            _ if k.starts_with("x-") => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            values.push(Value::Null);
        }
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
            }
            _ => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
        }
    }
    Value::Object(out)
}

/// A `oneOf` branch that requires none of its properties, made to require all of them, so
/// that the branches tell themselves apart by which properties are present.
fn requiring_own_properties(converted: Value, raw: &Value, components: &Value) -> Value {
    let target = match raw.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components")) {
        Some(pointer) => components.pointer(pointer).unwrap_or(raw),
        None => raw,
    };
    let names: Vec<Value> = target
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().map(Value::String).collect())
        .unwrap_or_default();
    if names.is_empty() || target.get("required").is_some() {
        return converted;
    }
    json!({"allOf": [converted], "required": names})
}
