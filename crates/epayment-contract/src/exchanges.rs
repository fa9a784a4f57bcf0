//! What happens to a scenario's exchanges once it has run: checked against the document, then
//! redacted and compared with its snapshot.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

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

/// The value the committed snapshot `name` holds, read back from its YAML; `None` when there
/// is none or it cannot be read.
pub fn committed_snapshot(dir: &Path, name: &str) -> Option<Value> {
    let text = std::fs::read_to_string(dir.join(format!("{name}.snap"))).ok()?;
    // An insta snapshot is a `---` metadata block, then the YAML.
    let body = text.splitn(3, "---\n").nth(2)?;
    serde_norway::from_str(body).ok()
}

/// The difference between the committed snapshot `name` and `value`, as a unified diff of
/// both written the same way (so that only what changed shows, not how insta formats YAML).
/// `None` when there is no committed snapshot to compare with.
pub fn snapshot_diff(dir: &Path, name: &str, value: &Value) -> Option<String> {
    let committed = committed_snapshot(dir, name)?;
    let (old, new) = (serde_norway::to_string(&committed).ok()?, serde_norway::to_string(value).ok()?);
    let diff = similar::TextDiff::from_lines(&old, &new);
    Some(diff.unified_diff().context_radius(3).header("committed", "this run").to_string())
}

/// The exchanges as a snapshot shows them: the headers that matter, secrets and volatile
/// values replaced by stable placeholders, amounts in the API's minor units.
///
/// `written_keys` are idempotency keys the scenario wrote; they stay. Other keys are random
/// and become `[key-1]`, `[key-2]`, ... by order of appearance; so do pspReferences.
pub fn redacted(exchanges: &[Exchange], written_keys: &[String]) -> Value {
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
            if let Some(body) = &e.request.body {
                request["body"] = scrub(body, &mut keys, &mut psp, written_keys);
            }
            let mut response = json!({"status": e.response.status});
            if let Some(body) = &e.response.body {
                response["body"] = scrub(body, &mut keys, &mut psp, written_keys);
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

fn scrub(value: &Value, keys: &mut Placeholders, psp: &mut Placeholders, written_keys: &[String]) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let replaced = match (k.as_str(), v) {
                    ("pspReference", Value::String(s)) => Value::String(psp.get(s)),
                    ("idempotencyKey", Value::String(s)) if !written_keys.contains(s) => Value::String(keys.get(s)),
                    ("traceId", Value::String(_)) => Value::String("[trace-id]".into()),
                    ("timestamp", Value::String(_)) => Value::String("[timestamp]".into()),
                    ("access_token", _) => Value::String("[token]".into()),
                    ("expires_on" | "not_before", _) => Value::String("[unix-time]".into()),
                    _ => scrub(v, keys, psp, written_keys),
                };
                out.insert(k.clone(), replaced);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| scrub(v, keys, psp, written_keys)).collect()),
        other => other.clone(),
    }
}

/// A snapshot name from the feature file and the scenario: `capture__full_capture`, with the
/// example's line for the rows of a Scenario Outline.
pub fn snapshot_name(feature_file: &Path, scenario: &str, outline_line: Option<usize>) -> String {
    let stem = feature_file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "feature".into());
    let mut name = format!("{}__{}", slug(&stem), slug(scenario));
    if let Some(line) = outline_line {
        name.push_str(&format!("__line_{line}"));
    }
    name
}

/// The words of `text` in lower case, joined by `_`: letters and digits of any script are kept
/// (`øre` stays `øre`), everything else (spaces, punctuation, and the characters Windows, macOS
/// or Linux refuse in file names) becomes one `_`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
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
    fn names_follow_the_feature_file_and_scenario() {
        let name = snapshot_name(Path::new("features/partial_capture.feature"), "Capture 2.50 NOK, then more!", None);
        assert_eq!(name, "partial_capture__capture_2_50_nok_then_more");
        assert!(snapshot_name(Path::new("a.feature"), "x", Some(12)).ends_with("__line_12"));
        // Letters outside ASCII stay as written; what no file system takes does not.
        let name = snapshot_name(Path::new("refund.feature"), "Refunding one øre more: <refused>? \"Æ/Å\"|*", None);
        assert_eq!(name, "refund__refunding_one_øre_more_refused_æ_å");
        assert!(!name.contains(['<', '>', ':', '"', '/', '\\', '|', '?', '*']));
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
