//! A document compiled for checking: every operation's parameters, request body and answers,
//! with their schemas compiled once, and routing of concrete paths to operations.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};

use crate::schema::{Check, Violation, convert_components};
use crate::walk;

/// A header or path parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// Its name, as the document spells it.
    pub name: String,
    /// `header`, `path` or `query`.
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

/// A document ready to route and check requests and answers. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ApiDocument {
    inner: Arc<Compiled>,
}

#[derive(Debug)]
struct Compiled {
    base_path: String,
    operations: Vec<Operation>,
    components: BTreeMap<String, Check>,
}

impl ApiDocument {
    /// The effective ePayment document embedded in this crate (see [`crate::EPAYMENT_JSON`]),
    /// parsed and compiled once per process.
    pub fn epayment() -> &'static ApiDocument {
        static DOCUMENT: OnceLock<ApiDocument> = OnceLock::new();
        DOCUMENT.get_or_init(|| {
            // `cargo xtask regen` writes the embedded file and this crate's tests compile it;
            // failing here means the build embedded a broken file, which no caller can recover
            // from.
            ApiDocument::from_json(crate::EPAYMENT_JSON).unwrap_or_else(|e| panic!("the embedded epayment.json: {e}"))
        })
    }

    /// Parses and compiles an OpenAPI 3.0 document given as JSON text.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        Self::from_value(&value)
    }

    /// Compiles a parsed OpenAPI 3.0 document.
    pub fn from_value(doc: &Value) -> Result<Self, String> {
        let components = doc.pointer("/components").cloned().unwrap_or_else(|| json!({}));
        let converted = convert_components(&components);
        let compile = |schema: &Value| Check::compile(schema, &components, &converted);
        let mut component_checks = BTreeMap::new();
        if let Some(schemas) = components.get("schemas").and_then(Value::as_object) {
            for name in schemas.keys() {
                let schema = json!({"$ref": format!("#/components/schemas/{name}")});
                component_checks.insert(name.clone(), compile(&schema)?);
            }
        }
        let body_of = |body: &Value| -> Result<Option<Body>, String> {
            let body = walk::resolve(doc, body);
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
            let required = body.get("required").and_then(Value::as_bool).unwrap_or(false);
            Ok(Some(Body { required, schema_name, check: compile(schema)? }))
        };

        let mut operations = Vec::new();
        for raw in walk::operations(doc) {
            let Some(id) = raw.id() else { continue };
            let parameters = walk::parameters(doc, &raw)
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
            let request_body = match raw.operation.get("requestBody") {
                Some(body) => body_of(body)?,
                None => None,
            };
            let mut responses = BTreeMap::new();
            for (status, answer) in raw.operation.get("responses").and_then(Value::as_object).into_iter().flatten() {
                responses.insert(status.clone(), body_of(answer)?);
            }
            operations.push(Operation {
                id: id.to_owned(),
                method: raw.method.to_uppercase(),
                path: raw.path.to_owned(),
                parameters,
                request_body,
                responses,
            });
        }
        Ok(Self {
            inner: Arc::new(Compiled {
                base_path: walk::server_base_path(doc),
                operations,
                components: component_checks,
            }),
        })
    }

    /// The path part of the first server URL (`/epayment`), under which the paths are served.
    pub fn base_path(&self) -> &str {
        &self.inner.base_path
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.inner.operations.iter().find(|o| o.id == id)
    }

    /// All operations, in document order.
    pub fn operations(&self) -> &[Operation] {
        &self.inner.operations
    }

    /// The operation that serves `method` and `path` (a concrete path such as
    /// `/v1/payments/abc/capture`, relative to the server URL), with its path parameters,
    /// percent-decoded.
    pub fn route(&self, method: &str, path: &str) -> Option<(&Operation, BTreeMap<String, String>)> {
        self.inner
            .operations
            .iter()
            .filter(|o| o.method.eq_ignore_ascii_case(method))
            .find_map(|o| match_template(&o.path, path).map(|params| (o, params)))
    }

    /// The methods (upper case) that some operation serves at `path`, for a 405's `Allow`.
    pub fn methods_at(&self, path: &str) -> Vec<&str> {
        let mut methods: Vec<&str> = self
            .inner
            .operations
            .iter()
            .filter(|o| match_template(&o.path, path).is_some())
            .map(|o| o.method.as_str())
            .collect();
        methods.dedup();
        methods
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
            Some(body) if self.inner.components.contains_key("Problem") => self.check_component("Problem", body),
            _ => Vec::new(),
        }
    }

    /// Checks a body against a component schema by name (`ModificationResponse`, ...).
    pub fn check_component(&self, name: &str, value: &Value) -> Vec<Violation> {
        match self.inner.components.get(name) {
            Some(check) => check.violations(value, ""),
            None => vec![Violation { at: "/".into(), message: format!("no schema named {name}") }],
        }
    }
}

impl Operation {
    /// Checks a request: every declared header, path and query parameter (`headers` are looked
    /// up without regard to case), and the body.
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

/// The path parameters of `path` if it fits `template` segment by segment; an empty segment
/// never fills a parameter.
fn match_template(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let mut segments = path.trim_end_matches('/').split('/');
    let mut params = BTreeMap::new();
    for t in template.split('/') {
        let s = segments.next()?;
        match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) if !s.is_empty() => {
                let decoded = percent_encoding::percent_decode_str(s).decode_utf8_lossy();
                params.insert(name.to_owned(), decoded.into_owned());
            }
            Some(_) => return None,
            None if t == s => {}
            None => return None,
        }
    }
    segments.next().is_none().then_some(params)
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
        assert_eq!(doc().base_path(), "/epayment");
    }

    #[test]
    fn the_overlays_are_applied() {
        // 20-drop-merchant-endpoints: the merchant's own callback is not the API's.
        assert!(doc().route("POST", "/merchant-dynamic-shipping-callback").is_none());
        // 30-cancel-idempotency-key: cancel takes an optional key.
        let cancel = doc().operation("cancelPayment").unwrap();
        assert!(cancel.parameters.iter().any(|p| p.name.eq_ignore_ascii_case("Idempotency-Key") && !p.required));
    }

    #[test]
    fn routes_concrete_paths_to_operations() {
        let (op, params) = doc().route("POST", "/v1/payments/order-1234-abcd/capture").unwrap();
        assert_eq!(op.id, "capturePayment");
        assert_eq!(params["Reference"], "order-1234-abcd");
        assert_eq!(doc().route("GET", "/v1/payments/x%2Dy").unwrap().1["Reference"], "x-y");
        assert!(doc().route("DELETE", "/v1/payments/abc").is_none());
        assert!(doc().route("POST", "/v1/payments//capture").is_none());
        assert!(doc().route("POST", "/v1/payments/abc/capture/more").is_none());
        assert_eq!(doc().methods_at("/v1/payments/abc"), ["GET"]);
        assert!(doc().methods_at("/v2/nothing").is_empty());
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

    #[test]
    fn a_broken_document_is_an_error_not_a_panic() {
        assert!(ApiDocument::from_json("{").is_err());
        let bad_schema = json!({"paths": {"/a": {"get": {"operationId": "a", "parameters": [
            {"in": "query", "name": "q", "schema": {"type": 12}}]}}}});
        assert!(ApiDocument::from_value(&bad_schema).is_err());
        let empty = ApiDocument::from_value(&json!({})).unwrap();
        assert!(empty.operations().is_empty() && empty.base_path().is_empty());
    }
}
