//! What happens to a scenario's exchanges once it has run: checked against the document, and
//! redacted for its snapshot (secrets and random values replaced by stable placeholders).

use std::collections::{BTreeMap, HashMap};

use epayment_openapi::ApiDocument;
use epayment_sim::Exchange;
use serde_json::{Map, Value, json};

/// Request headers worth a snapshot: the ones the API reads. Others (host, user agent,
/// content length) vary by machine and say nothing about the contract.
const KEPT_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "idempotency-key",
    "merchant-serial-number",
    "ocp-apim-subscription-key",
    "vipps-system-name",
    "vipps-system-version",
    "vipps-system-plugin-name",
    "vipps-system-plugin-version",
    "client_id",
    "client_secret",
];

/// One way an exchange breaks the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which exchange, counting from 1.
    pub exchange: usize,
    /// What is wrong: the operation, request or response, JSON pointer and message.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exchange {} {}", self.exchange, self.message)
    }
}

/// Every way the exchanges break the document, each naming the operation and JSON pointer.
pub fn contract_violations(exchanges: &[Exchange]) -> Vec<Violation> {
    let document = ApiDocument::epayment();
    let mut out = Vec::new();
    for (i, e) in exchanges.iter().enumerate() {
        let Some(path) = e.request.path.strip_prefix(document.base_path()) else { continue };
        let path = path.split('?').next().unwrap_or_default();
        let Some((operation, params)) = document.route(&e.request.method, path) else {
            out.push(Violation {
                exchange: i + 1,
                message: format!("{} {} is not an operation of the document", e.request.method, e.request.path),
            });
            continue;
        };
        let headers = |name: &str| e.request.headers.get(&name.to_ascii_lowercase()).cloned();
        for v in operation.check_request(&headers, &params, e.request.body.as_ref()) {
            out.push(Violation {
                exchange: i + 1,
                message: format!("{} request {}: {}", operation.id, v.at, v.message),
            });
        }
        if e.response.status == 0 {
            continue; // the connection was dropped on purpose: no answer to check
        }
        for v in document.check_response(operation, e.response.status, e.response.body.as_ref()) {
            out.push(Violation {
                exchange: i + 1,
                message: format!("{} response {} {}: {}", operation.id, e.response.status, v.at, v.message),
            });
        }
    }
    out
}

/// The exchanges as a snapshot shows them: the headers that matter, secrets and volatile
/// values replaced by stable placeholders, amounts in the API's minor units.
///
/// `written_keys` are idempotency keys the scenario wrote; they stay. Other keys are random
/// and become `[key-1]`, `[key-2]`, ... by order of appearance; so do pspReferences.
pub fn redacted(exchanges: &[Exchange], written_keys: &[String]) -> Value {
    redact(exchanges, written_keys, Form::Snapshot)
}

/// The exchanges as `--compare` reads them: redacted as for a snapshot, but with each server's
/// times kept (event timestamps, the token's `not_before` and `expires_on`: the comparison
/// measures durations on them, then makes them placeholders) and, on an answer that names the
/// simulator's rule that refused it (its `Sim-Rule` header), that rule as `response.rule`.
pub fn comparable(exchanges: &[Exchange], written_keys: &[String]) -> Value {
    redact(exchanges, written_keys, Form::Comparison)
}

/// Which form [`redact`] makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// A snapshot's: every volatile value a placeholder.
    Snapshot,
    /// A comparison's: times and the simulator's rule kept.
    Comparison,
}

fn redact(exchanges: &[Exchange], written_keys: &[String], form: Form) -> Value {
    let mut keys = Placeholders::new("key");
    let mut psp = Placeholders::new("psp");
    let list = exchanges
        .iter()
        .map(|e| {
            let mut headers = BTreeMap::new();
            for (name, value) in &e.request.headers {
                if !KEPT_HEADERS.contains(&name.as_str()) {
                    continue;
                }
                let shown = match name.as_str() {
                    "authorization" => "Bearer [token]".to_owned(),
                    "ocp-apim-subscription-key" => "[subscription-key]".to_owned(),
                    "client_secret" => "[client-secret]".to_owned(),
                    "idempotency-key" if written_keys.contains(value) => value.clone(),
                    "idempotency-key" => keys.get(value),
                    _ => value.clone(),
                };
                headers.insert(name.clone(), Value::String(shown));
            }
            let mut request = json!({"method": e.request.method, "path": e.request.path, "headers": headers});
            let mut scrubber = Scrubber { keys: &mut keys, psp: &mut psp, written_keys, form };
            if let Some(body) = &e.request.body {
                request["body"] = scrubber.scrub(body);
            }
            let mut response = json!({"status": e.response.status});
            if let Some(body) = &e.response.body {
                response["body"] = scrubber.scrub(body);
            }
            let rule = e.response.headers.get(epayment_sim::ApiError::RULE_HEADER);
            if let Some(rule) = rule.filter(|_| form == Form::Comparison) {
                response["rule"] = Value::String(rule.clone());
            }
            json!({"operation": e.operation, "request": request, "response": response})
        })
        .collect();
    Value::Array(list)
}

struct Placeholders {
    kind: &'static str,
    seen: HashMap<String, String>,
}

impl Placeholders {
    fn new(kind: &'static str) -> Self {
        Self { kind, seen: HashMap::new() }
    }

    fn get(&mut self, value: &str) -> String {
        let next = self.seen.len() + 1;
        self.seen.entry(value.to_owned()).or_insert_with(|| format!("[{}-{next}]", self.kind)).clone()
    }
}

/// Replaces what a body may not show, and what varies from run to run, by placeholders.
struct Scrubber<'a> {
    keys: &'a mut Placeholders,
    psp: &'a mut Placeholders,
    written_keys: &'a [String],
    form: Form,
}

impl Scrubber<'_> {
    fn scrub(&mut self, value: &Value) -> Value {
        let snapshot = self.form == Form::Snapshot;
        match value {
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    let replaced = match (k.as_str(), v) {
                        ("pspReference", Value::String(s)) => Value::String(self.psp.get(s)),
                        ("idempotencyKey", Value::String(s)) if !self.written_keys.contains(s) => {
                            Value::String(self.keys.get(s))
                        }
                        ("traceId", Value::String(_)) => Value::String("[trace-id]".into()),
                        ("timestamp", Value::String(_)) if snapshot => Value::String("[timestamp]".into()),
                        ("access_token", _) => Value::String("[token]".into()),
                        ("expires_on" | "not_before", _) if snapshot => Value::String("[unix-time]".into()),
                        _ => self.scrub(v),
                    };
                    out.insert(k.clone(), replaced);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.scrub(v)).collect()),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use epayment_sim::{RecordedRequest, RecordedResponse};

    fn exchange(key: &str, psp: &str) -> Exchange {
        Exchange {
            operation: "capturePayment".into(),
            request: RecordedRequest {
                method: "POST".into(),
                path: "/epayment/v1/payments/contract-order-0001/capture".into(),
                headers: BTreeMap::from([
                    ("authorization".to_owned(), "Bearer secret-token".to_owned()),
                    ("ocp-apim-subscription-key".to_owned(), "sub-key".to_owned()),
                    ("idempotency-key".to_owned(), key.to_owned()),
                    ("host".to_owned(), "127.0.0.1:41234".to_owned()),
                ]),
                body: Some(json!({"modificationAmount": {"currency": "NOK", "value": 250}})),
            },
            response: RecordedResponse {
                status: 200,
                headers: BTreeMap::new(),
                body: Some(json!({"pspReference": psp, "traceId": "t-1"})),
            },
        }
    }

    #[test]
    fn secrets_ports_and_random_values_become_stable_placeholders() {
        let exchanges = [exchange("0b7d-random", "111"), exchange("order-1-c1", "222"), exchange("0b7d-random", "111")];
        let shown = redacted(&exchanges, &["order-1-c1".to_owned()]);
        let text = shown.to_string();
        for secret in ["secret-token", "sub-key", "41234", "0b7d-random", "111", "222", "t-1"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(shown[0]["request"]["headers"]["idempotency-key"], "[key-1]");
        assert_eq!(shown[1]["request"]["headers"]["idempotency-key"], "order-1-c1");
        assert_eq!(shown[2]["request"]["headers"]["idempotency-key"], "[key-1]");
        assert_eq!(shown[1]["response"]["body"]["pspReference"], "[psp-2]");
        assert_eq!(shown[0]["request"]["body"]["modificationAmount"]["value"], 250);
    }

    #[test]
    fn a_comparison_keeps_the_servers_times_and_the_simulators_rule_and_no_secret() {
        let mut refused = exchange("0b7d-random", "111");
        refused.response.headers.insert(epayment_sim::ApiError::RULE_HEADER.into(), "capture-amount".into());
        refused.response.body = Some(json!({
            "timestamp": "2026-01-01T12:00:00Z", "access_token": "secret-token", "not_before": "1767268800"
        }));
        let compared = comparable(std::slice::from_ref(&refused), &[]);
        assert_eq!(compared[0]["response"]["rule"], "capture-amount");
        assert_eq!(compared[0]["response"]["body"]["timestamp"], "2026-01-01T12:00:00Z");
        assert_eq!(compared[0]["response"]["body"]["not_before"], "1767268800");
        assert!(!compared.to_string().contains("secret-token") && !compared.to_string().contains("sub-key"));
        let snapshot = redacted(&[refused], &[]);
        assert_eq!(snapshot[0]["response"].get("rule"), None, "a snapshot does not change");
        assert_eq!(snapshot[0]["response"]["body"]["timestamp"], "[timestamp]");
    }

    #[test]
    fn a_response_that_breaks_the_schema_is_named_by_pointer() {
        let mut broken = exchange("k", "p");
        broken.request.headers.insert("merchant-serial-number".into(), "123456".into());
        broken.response.body = Some(json!({"amount": {"currency": "NOK", "value": "ten"}}));
        let found = contract_violations(&[broken]);
        assert!(
            found
                .iter()
                .any(|v| v.exchange == 1
                    && v.to_string().contains("exchange 1 capturePayment response 200 /amount/value")),
            "{found:?}"
        );
    }
}
