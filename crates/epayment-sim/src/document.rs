//! The ePayment document as a validator: every operation's parameters, request body and
//! answers, checked with JSON Schema.
//!
//! The simulator checks every request with it; the contract harness checks every request and
//! answer it sees. OpenAPI 3.0 schemas are not quite JSON Schema, so each is converted first:
//! `nullable: true` becomes a `null` type (and a `null` enum value), OpenAPI-only keywords are
//! dropped, and `oneOf` is read as `anyOf` in which each object branch that requires nothing
//! requires its own properties: the document's `Customer` lists three object shapes
//! (`phoneNumber`, `personalQr`, `customerToken`) none of which requires its field, so read
//! literally any object would match all three and `oneOf` would refuse every customer.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value, json};

/// The project's own ePayment document, embedded at build time.
pub const EPAYMENT_YAML: &str = include_str!("../../../openapi/epayment.yaml");

/// One way in which a request or answer breaks the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where: a JSON pointer into the body (`/modificationAmount/value`), or `header:Name`,
    /// `path:Name`, `body`.
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
struct Check(Arc<jsonschema::Validator>);

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Check")
    }
}

impl Check {
    fn violations(&self, instance: &Value, prefix: &str) -> Vec<Violation> {
        self.0
            .iter_errors(instance)
            .map(|e| {
                let pointer = e.instance_path().to_string();
                let at = if prefix.is_empty() {
                    if pointer.is_empty() { "/".to_owned() } else { pointer }
                } else {
                    prefix.to_owned()
                };
                Violation { at, message: e.to_string() }
            })
            .collect()
    }
}

/// A header or path parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// Its name, as the document spells it.
    pub name: String,
    /// `header` or `path` (query parameters are checked the same way).
    pub location: String,
    /// Whether it must be present.
    pub required: bool,
    check: Check,
}

/// A request or answer body.
#[derive(Clone, Debug)]
pub struct Body {
    /// Whether a request must have one.
    pub required: bool,
    /// The component schema's name, when the body is one.
    pub schema_name: Option<String>,
    check: Check,
}

/// One operation of the document.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The operationId.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/v1/payments/{Reference}/capture`.
    pub path: String,
    /// Path-level and operation-level parameters (operation-level ones win).
    pub parameters: Vec<Parameter>,
    /// The request body, if the operation takes one.
    pub request_body: Option<Body>,
    /// Answers by status (`"200"`, `"400"`, `"default"`); `None` for an answer without a body.
    pub responses: BTreeMap<String, Option<Body>>,
}

/// A document ready to check requests and answers against.
#[derive(Debug)]
pub struct ApiDocument {
    operations: Vec<Operation>,
    components: BTreeMap<String, Check>,
}

impl ApiDocument {
    /// The embedded `openapi/epayment.yaml`, parsed and compiled once.
    pub fn epayment() -> &'static ApiDocument {
        static DOCUMENT: OnceLock<ApiDocument> = OnceLock::new();
        DOCUMENT.get_or_init(|| {
            // The embedded document is checked by this crate's tests; failing here means the
            // build embedded a broken file, which no caller can recover from.
            let value: Value = serde_norway::from_str(EPAYMENT_YAML).expect("openapi/epayment.yaml is valid YAML");
            ApiDocument::from_value(&value).expect("openapi/epayment.yaml compiles")
        })
    }

    /// Compiles a parsed OpenAPI 3.0 document.
    pub fn from_value(doc: &Value) -> Result<Self, String> {
        let components = doc.pointer("/components").cloned().unwrap_or_else(|| json!({}));
        let converted = convert_components(&components);
        let compile = |schema: &Value| -> Result<Check, String> {
            let root = json!({"allOf": [convert(schema, &components)], "components": converted});
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .build(&root)
                .map(|v| Check(Arc::new(v)))
                .map_err(|e| format!("schema {schema}: {e}"))
        };
        let mut component_checks = BTreeMap::new();
        if let Some(schemas) = components.get("schemas").and_then(Value::as_object) {
            for name in schemas.keys() {
                let schema = json!({"$ref": format!("#/components/schemas/{name}")});
                component_checks.insert(name.clone(), compile(&schema)?);
            }
        }
        let resolve = |value: &Value| -> Value {
            match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(pointer) => doc.pointer(pointer).cloned().unwrap_or(Value::Null),
                None => value.clone(),
            }
        };
        let body_of = |body: &Value, required_default: bool| -> Result<Option<Body>, String> {
            let body = resolve(body);
            let Some(content) = body.get("content").and_then(Value::as_object) else { return Ok(None) };
            let Some(schema) = content.iter().find(|(ct, _)| ct.contains("json")).and_then(|(_, m)| m.get("schema"))
            else {
                return Ok(None);
            };
            let schema_name = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map(str::to_owned);
            let required = body.get("required").and_then(Value::as_bool).unwrap_or(required_default);
            Ok(Some(Body { required, schema_name, check: compile(schema)? }))
        };

        let mut operations = Vec::new();
        for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
            let shared = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            for method in ["get", "put", "post", "delete", "patch", "head", "options", "trace"] {
                let Some(op) = item.get(method) else { continue };
                let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
                let mut by_name: BTreeMap<(String, String), Value> = BTreeMap::new();
                for p in shared.iter().chain(op.get("parameters").and_then(Value::as_array).into_iter().flatten()) {
                    let p = resolve(p);
                    let key = (
                        p.get("in").and_then(Value::as_str).unwrap_or_default().to_owned(),
                        p.get("name").and_then(Value::as_str).unwrap_or_default().to_lowercase(),
                    );
                    by_name.insert(key, p);
                }
                let parameters = by_name
                    .into_values()
                    .map(|p| {
                        Ok(Parameter {
                            name: p.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(),
                            location: p.get("in").and_then(Value::as_str).unwrap_or_default().to_owned(),
                            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                            check: compile(p.get("schema").unwrap_or(&json!({})))?,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                let request_body = match op.get("requestBody") {
                    Some(body) => body_of(body, false)?,
                    None => None,
                };
                let mut responses = BTreeMap::new();
                for (status, answer) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                    responses.insert(status.clone(), body_of(answer, false)?);
                }
                operations.push(Operation {
                    id: id.to_owned(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    parameters,
                    request_body,
                    responses,
                });
            }
        }
        Ok(Self { operations, components: component_checks })
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// All operations, in document order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation that serves `method` and `path` (a concrete path such as
    /// `/v1/payments/abc/capture`, relative to the server URL), with its path parameters.
    pub fn route(&self, method: &str, path: &str) -> Option<(&Operation, BTreeMap<String, String>)> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.operations.iter().filter(|o| o.method.eq_ignore_ascii_case(method)).find_map(|o| {
            let template: Vec<&str> = o.path.split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut params = BTreeMap::new();
            for (t, s) in template.iter().zip(&segments) {
                match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    Some(name) if !s.is_empty() => {
                        params.insert(name.to_owned(), percent_decode(s));
                    }
                    Some(_) => return None,
                    None if t == s => {}
                    None => return None,
                }
            }
            Some((o, params))
        })
    }

    /// Checks an answer of operation `op`: a declared status against its schema; an
    /// undeclared error status (400 and up) against the `Problem` schema; an undeclared
    /// success status is a violation.
    pub fn check_response(&self, op: &Operation, status: u16, body: Option<&Value>) -> Vec<Violation> {
        if let Some(found) = op.check_declared_response(status, body) {
            return found;
        }
        if status < 400 {
            return vec![Violation {
                at: "status".into(),
                message: format!("{status} is not documented for {}", op.id),
            }];
        }
        match body {
            Some(body) if self.components.contains_key("Problem") => self.check_component("Problem", body),
            _ => Vec::new(),
        }
    }

    /// Checks a body against a component schema by name (`ModificationResponse`, ...).
    pub fn check_component(&self, name: &str, value: &Value) -> Vec<Violation> {
        match self.components.get(name) {
            Some(check) => check.violations(value, ""),
            None => vec![Violation { at: "/".into(), message: format!("no schema named {name}") }],
        }
    }
}

impl Operation {
    /// Checks a request: every declared header and path parameter (`headers` are looked up
    /// without regard to case), and the body.
    pub fn check_request(
        &self,
        headers: &dyn Fn(&str) -> Option<String>,
        path_params: &BTreeMap<String, String>,
        body: Option<&Value>,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        for p in &self.parameters {
            let value = match p.location.as_str() {
                "header" => headers(&p.name),
                "path" => path_params.get(&p.name).cloned(),
                _ => continue,
            };
            let at = format!("{}:{}", p.location, p.name);
            match value {
                None if p.required => out.push(Violation { at, message: "is required".into() }),
                None => {}
                Some(v) => out.extend(p.check.violations(&Value::String(v), &at)),
            }
        }
        match (&self.request_body, body) {
            (Some(spec), Some(body)) => out.extend(spec.check.violations(body, "")),
            (Some(spec), None) if spec.required => {
                out.push(Violation { at: "body".into(), message: "is required".into() })
            }
            _ => {}
        }
        out
    }

    /// The check of a declared status: `None` when the operation does not declare it.
    ///
    /// The document declares few error answers (getPayment none at all), while the API
    /// answers any call with 401, 404, 429 or 500 problems; [`ApiDocument::check_response`]
    /// holds undeclared error statuses to the `Problem` schema instead.
    fn check_declared_response(&self, status: u16, body: Option<&Value>) -> Option<Vec<Violation>> {
        let spec = self.responses.get(&status.to_string()).or_else(|| self.responses.get("default"))?;
        Some(match (spec, body) {
            (Some(spec), Some(body)) => spec.check.violations(body, ""),
            (Some(_), None) => vec![Violation { at: "body".into(), message: "is missing".into() }],
            (None, _) => Vec::new(),
        })
    }
}

fn convert_components(components: &Value) -> Value {
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

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> &'static ApiDocument {
        ApiDocument::epayment()
    }

    #[test]
    fn every_operation_of_the_document_is_there() {
        let ids: Vec<_> = doc().operations().iter().map(|o| o.id.as_str()).collect();
        for id in [
            "createPayment",
            "getPayment",
            "getPaymentEventLog",
            "cancelPayment",
            "capturePayment",
            "refundPayment",
            "forceApprove",
        ] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
    }

    #[test]
    fn routes_concrete_paths_to_operations() {
        let (op, params) = doc().route("POST", "/v1/payments/order-1234-abcd/capture").unwrap();
        assert_eq!(op.id, "capturePayment");
        assert_eq!(params["Reference"], "order-1234-abcd");
        assert_eq!(doc().route("GET", "/v1/payments/x%2Dy").unwrap().1["Reference"], "x-y");
        assert!(doc().route("DELETE", "/v1/payments/abc").is_none());
        assert!(doc().route("POST", "/v1/payments//capture").is_none());
    }

    #[test]
    fn request_checks_name_each_bad_header_parameter_and_field() {
        let op = doc().operation("capturePayment").unwrap();
        let headers = |name: &str| match name.to_ascii_lowercase().as_str() {
            "merchant-serial-number" => Some("12".to_owned()),
            "ocp-apim-subscription-key" => Some("k".to_owned()),
            _ => None,
        };
        let params = BTreeMap::from([("Reference".to_owned(), "short".to_owned())]);
        let body = json!({"modificationAmount": {"currency": "NOK", "value": -1}});
        let found: Vec<String> = op.check_request(&headers, &params, Some(&body)).into_iter().map(|v| v.at).collect();
        for expected in
            ["header:Merchant-Serial-Number", "header:Idempotency-Key", "path:Reference", "/modificationAmount/value"]
        {
            assert!(found.iter().any(|f| f == expected), "{expected} not in {found:?}");
        }
    }

    #[test]
    fn nullable_fields_take_null_and_customer_takes_one_field() {
        let event = json!({"reference": "order-1234-abcd", "pspReference": "p", "name": "CAPTURED",
            "amount": {"currency": "NOK", "value": 1}, "timestamp": "2026-11-27T10:00:00Z", "success": true,
            "idempotencyKey": null});
        assert_eq!(doc().check_component("PaymentEvent", &event), []);
        let customer = json!({"phoneNumber": "4712345678"});
        assert_eq!(doc().check_component("Customer", &customer), []);
        assert!(!doc().check_component("Customer", &json!({"phoneNumber": "12"})).is_empty());
    }

    #[test]
    fn response_checks_know_documented_statuses() {
        let op = doc().operation("capturePayment").unwrap();
        assert!(!doc().check_response(op, 201, None).is_empty(), "an undeclared success");
        let problem = json!({"type": "about:blank", "title": "t", "status": 400, "traceId": "x"});
        assert_eq!(doc().check_response(op, 400, Some(&problem)), []);
        assert!(!doc().check_response(op, 400, Some(&json!({"title": "t"}))).is_empty());
        let get = doc().operation("getPayment").unwrap();
        assert_eq!(doc().check_response(get, 404, Some(&problem)), [], "undeclared errors are problems");
        assert!(!doc().check_response(get, 503, Some(&json!({"oops": 1}))).is_empty());
        assert!(!doc().check_response(op, 200, Some(&json!({"amount": 1}))).is_empty());
    }
}
