//! What legitimately differs between two servers answering the same scenario, made equal
//! before the comparison: the references each run generates, the ids and times each server
//! makes, and the words of its problems. The README lists each with its reason.
//!
//! The exchanges come already redacted (`crate::exchanges::redacted`): tokens are `[token]`,
//! keys `[key-n]` and pspReferences `[psp-n]` in the order they first appear, trace ids
//! `[trace-id]`, event timestamps `[timestamp]`, token times `[unix-time]`.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

/// The references a run makes (`contract-order-0001` on a simulator of the harness's own,
/// `contract-<uuid>-0001` elsewhere), found anywhere in a string.
fn reference_pattern() -> &'static Regex {
    static PATTERN: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| Regex::new(r"contract-(?:order|[0-9a-f]{32})-\d{4}").unwrap_or_else(|e| panic!("{e}")))
}

/// An RFC 3339 date-time, the whole string.
fn time_pattern() -> &'static Regex {
    static PATTERN: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Fields whose value says nothing about behaviour, and why (the README's table).
pub const NORMALISED: &[(&str, &str)] = &[
    (
        "references",
        "each run makes its own (a real environment keeps them for good): `[reference-n]` by first appearance",
    ),
    (
        "Idempotency-Keys, pspReferences, tokens, trace ids",
        "each run or server makes its own; already placeholders in the redacted exchanges",
    ),
    (
        "date-times (event timestamps, captureGuaranteedUntil, token times)",
        "each server's clock: `[time]`; the order of events is still compared",
    ),
    ("redirectUrl", "a landing page of each server's own"),
    (
        "a problem's title, detail and type",
        "words and links that change over time; its status and error code are compared",
    ),
    ("client_id", "each target's own keys"),
];

/// The scenario's exchanges with what legitimately differs made equal.
pub fn normalize(exchanges: &Value) -> Value {
    let mut references = HashMap::new();
    let mut value = exchanges.clone();
    walk(&mut value, &mut references);
    if let Value::Array(list) = &mut value {
        for exchange in list {
            if let Some(client_id) = exchange.pointer_mut("/request/headers/client_id") {
                *client_id = Value::String("[client-id]".into());
            }
            if let Some(body) = exchange.pointer_mut("/response/body")
                && is_problem(body)
                && let Value::Object(problem) = body
            {
                for words in ["title", "detail", "type"] {
                    problem.remove(words);
                }
            }
            if let Some(url) = exchange.pointer_mut("/response/body/redirectUrl") {
                *url = Value::String("[redirect-url]".into());
            }
        }
    }
    value
}

/// A problem document: it has a trace id and a status.
fn is_problem(body: &Value) -> bool {
    body.get("traceId").is_some() && body.get("status").is_some()
}

fn walk(value: &mut Value, references: &mut HashMap<String, String>) {
    match value {
        Value::String(text) => {
            if time_pattern().is_match(text) {
                *text = "[time]".into();
                return;
            }
            let replaced = reference_pattern().replace_all(text, |found: &regex::Captures<'_>| {
                let next = references.len() + 1;
                references.entry(found[0].to_owned()).or_insert_with(|| format!("[reference-{next}]")).clone()
            });
            if let std::borrow::Cow::Owned(new) = replaced {
                *text = new;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, references)),
        Value::Object(map) => map.values_mut().for_each(|item| walk(item, references)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exchange(reference: &str, trace: &str, time: &str) -> Value {
        json!([{
            "operation": "capturePayment",
            "request": {"method": "POST", "path": format!("/epayment/v1/payments/{reference}/capture"),
                "headers": {"client_id": "sim-client-id"}},
            "response": {"status": 400, "body": {"traceId": trace, "status": 400, "title": "Bad Request",
                "detail": format!("no payment {reference}"), "type": "https://x/errors#6090",
                "extraDetails": [{"name": "ErrorCode", "reason": "6090"}], "at": time}}
        }])
    }

    #[test]
    fn what_each_server_makes_its_own_is_made_equal_and_the_rest_is_kept() {
        let sim = normalize(&exchange("contract-order-0001", "sim-trace-00000001", "2026-01-01T12:00:00Z"));
        let remote = normalize(&exchange(
            "contract-0123456789abcdef0123456789abcdef-0001",
            "00-a1b2c3-01",
            "2026-12-02T01:25:41.360517251Z",
        ));
        let mut remote_trace = remote.clone();
        remote_trace[0]["response"]["body"]["traceId"] = sim[0]["response"]["body"]["traceId"].clone();
        assert_eq!(sim, remote_trace, "equal but for the trace id, which redaction makes [trace-id]");
        assert_eq!(sim[0]["request"]["path"], "/epayment/v1/payments/[reference-1]/capture");
        assert_eq!(sim[0]["response"]["body"]["extraDetails"][0]["reason"], "6090", "the code is kept");
        assert!(sim[0]["response"]["body"].get("detail").is_none());
    }

    #[test]
    fn the_readme_lists_what_is_made_equal() {
        let readme = std::fs::read_to_string(crate::paths::workspace_root().join("README.md")).expect("README.md");
        for (what, why) in NORMALISED {
            assert!(
                readme.contains(&format!("| {what} | {why} |")),
                "README.md's table lacks {what:?} as the code says it"
            );
        }
    }
}
