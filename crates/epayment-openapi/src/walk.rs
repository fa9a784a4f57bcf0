//! Walking an OpenAPI document as plain JSON: its operations, local `$ref`s, and parameters.
//!
//! Shared by the validator in this crate and by `cargo xtask spec-diff`, so that both read a
//! document the same way (which methods count, how a parameter is keyed, how deep a chain of
//! references is followed).

use std::collections::BTreeMap;

use serde_json::Value;

/// The HTTP methods an OpenAPI path item may hold, in the order the specification lists them.
pub const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// One operation of a document, as found under `paths`.
#[derive(Clone, Copy, Debug)]
pub struct RawOperation<'a> {
    /// The path template, e.g. `/v1/payments/{Reference}`.
    pub path: &'a str,
    /// Lower-case HTTP method.
    pub method: &'static str,
    /// The path item (for its shared parameters).
    pub item: &'a Value,
    /// The operation object.
    pub operation: &'a Value,
}

impl RawOperation<'_> {
    /// The operationId, if the document gives one.
    pub fn id(&self) -> Option<&str> {
        self.operation.get("operationId").and_then(Value::as_str)
    }
}

/// The path part of the first server URL, e.g. `/epayment`; empty when there is none.
pub fn server_base_path(doc: &Value) -> String {
    let url = doc.pointer("/servers/0/url").and_then(Value::as_str).unwrap_or("");
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    without_scheme.find('/').map_or(String::new(), |i| without_scheme[i..].trim_end_matches('/').to_owned())
}

/// Every operation of `doc`, path by path in document order, methods in [`HTTP_METHODS`] order.
pub fn operations(doc: &Value) -> impl Iterator<Item = RawOperation<'_>> {
    doc.get("paths").and_then(Value::as_object).into_iter().flatten().flat_map(|(path, item)| {
        HTTP_METHODS
            .into_iter()
            .filter_map(move |method| item.get(method).map(|operation| RawOperation { path, method, item, operation }))
    })
}

/// `value` with its local `$ref` followed, through chains of references at most 16 deep.
/// A reference that leads nowhere, or outside the document, is returned as it is, for the
/// caller to report.
pub fn resolve<'a>(root: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        let Some(pointer) = current.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) else {
            break;
        };
        let Some(target) = root.pointer(pointer) else { break };
        current = target;
    }
    current
}

/// How a parameter is told apart from the others of its operation: its location and its name,
/// in lower case for headers and path parameters (header names are case-insensitive, and a path
/// parameter's name is not sent), as written for query and cookie parameters, whose names are
/// sent as they are spelled.
pub fn parameter_key(parameter: &Value) -> (String, String) {
    let location = parameter.get("in").and_then(Value::as_str).unwrap_or_default();
    let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default();
    let name = if matches!(location, "header" | "path") { name.to_lowercase() } else { name.to_owned() };
    (location.to_owned(), name)
}

/// The parameters of an operation, resolved: the path item's, then the operation's, which win
/// where both declare the same one.
pub fn parameters<'a>(root: &'a Value, operation: &RawOperation<'a>) -> BTreeMap<(String, String), &'a Value> {
    let lists = [operation.item.get("parameters"), operation.operation.get("parameters")];
    lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| {
            let p = resolve(root, p);
            (parameter_key(p), p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operation_parameters_override_the_path_items() {
        let doc = json!({
            "components": {"parameters": {"Key": {"in": "header", "name": "Idempotency-Key", "required": true}}},
            "paths": {"/a/{id}": {
                "parameters": [{"in": "header", "name": "idempotency-key", "required": false},
                               {"in": "path", "name": "id", "required": true}],
                "post": {"operationId": "postA", "parameters": [{"$ref": "#/components/parameters/Key"}]},
                "get": {"operationId": "getA"}
            }}
        });
        let ops: Vec<_> = operations(&doc).collect();
        assert_eq!(
            ops.iter().map(|o| (o.method, o.id())).collect::<Vec<_>>(),
            [("get", Some("getA")), ("post", Some("postA"))]
        );
        let params = parameters(&doc, &ops[1]);
        assert_eq!(params.len(), 2);
        assert_eq!(params[&("header".to_owned(), "idempotency-key".to_owned())]["required"], true);
    }

    #[test]
    fn reference_chains_are_followed_and_dangling_ones_left() {
        let doc = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": {"type": "string"}, "d": {"$ref": "#/zz"}});
        assert_eq!(resolve(&doc, &doc["a"]), &json!({"type": "string"}));
        assert_eq!(resolve(&doc, &doc["d"]), &json!({"$ref": "#/zz"}));
        let external = json!({"$ref": "https://example.com/x.yaml#/S"});
        assert_eq!(resolve(&doc, &external), &external);
    }
}
