//! What legitimately differs between two servers answering the same scenario, made equal
//! before the comparison: the references each run generates, the ids each server makes, the
//! words of its problems, and each server's clock (a time becomes its distance from the
//! scenario's start, so that durations are still compared). The scenarios guide lists each with its
//! reason.
//!
//! The exchanges come in the form a comparison reads (`crate::running::verdict::exchanges::comparable`): tokens
//! are `[token]`, keys `[key-n]` and pspReferences `[psp-n]` in the order they first appear,
//! trace ids `[trace-id]`; the servers' times are still there.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use regex::Regex;
use serde_json::Value;

/// The references a run makes (`contract-order-0001` on a simulator of the harness's own,
/// `contract-<uuid>-0001` elsewhere), found anywhere in a string.
fn reference_pattern() -> &'static Regex {
    static PATTERN: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| Regex::new(r"contract-(?:order|[0-9a-f]{32})-\d{4}").unwrap_or_else(|e| panic!("{e}")))
}

/// The suffix a remote run puts after a reference the scenario chose (`acme-order-1002-run-`
/// and 12 hex digits), which the simulator's run has not.
fn chosen_suffix() -> &'static Regex {
    static PATTERN: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| Regex::new(r"-run-[0-9a-f]{12}\b").unwrap_or_else(|e| panic!("{e}")))
}

/// An RFC 3339 date-time, the whole string.
fn time_pattern() -> &'static Regex {
    static PATTERN: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Fields whose value says nothing about behaviour, or says it in a form each server writes
/// its own way, and why (the scenarios guide's table, docs/scenarios.md).
pub const NORMALISED: &[(&str, &str)] = &[
    (
        "references",
        "each run makes its own (a real environment keeps them for good): `[reference-n]` by first appearance; \
         a reference the scenario chose loses the `-run-` suffix a remote run gives it",
    ),
    (
        "Idempotency-Keys, pspReferences, tokens, trace ids",
        "each run or server makes its own; already placeholders in the redacted exchanges",
    ),
    (
        "date-times (event timestamps, captureGuaranteedUntil)",
        "each server's clock: each becomes its distance from the scenario's start on that server's clock, \
         rounded to the hour (`[t0]`, `[t0+168h]`), the start being when the scenario's first token was issued \
         (its `not_before`), else the scenario's first date-time; so a guarantee of 7 days against one of 30 \
         differs, and seconds of latency do not; the order of events is still compared",
    ),
    ("token times (`expires_on`, `not_before`)", "each server's clock: `[unix-time]`"),
    (
        "a token's `expires_in` and `ext_expires_in`",
        "in whole minutes (`[60 min]`): the test environment may say 3599 for 3600; another lifetime still differs",
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
    let mut value = exchanges.clone();
    let mut walker = Walker { references: HashMap::new(), start: start(exchanges) };
    walker.walk(&mut value);
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

/// The scenario's start on its server's clock: when its first token was issued, else its
/// first date-time. (Its first date-time alone would not do: a scenario that reads its payment
/// once has one, `captureGuaranteedUntil`, and a guarantee measured from itself is always 0.)
fn start(exchanges: &Value) -> Option<DateTime<FixedOffset>> {
    let list = exchanges.as_array()?;
    let issued = list.iter().find_map(|e| unix_time(e.pointer("/response/body/not_before")?));
    issued.or_else(|| list.iter().find_map(first_time))
}

/// Unix seconds, as a string (as the token endpoint writes them) or a number.
fn unix_time(value: &Value) -> Option<DateTime<FixedOffset>> {
    let seconds = match value {
        Value::String(text) => text.parse().ok()?,
        other => other.as_i64()?,
    };
    DateTime::from_timestamp(seconds, 0).map(|t| t.fixed_offset())
}

/// The first RFC 3339 date-time in `value`, in document order.
fn first_time(value: &Value) -> Option<DateTime<FixedOffset>> {
    match value {
        Value::String(text) if time_pattern().is_match(text) => DateTime::parse_from_rfc3339(text).ok(),
        Value::Array(items) => items.iter().find_map(first_time),
        Value::Object(map) => map.values().find_map(first_time),
        _ => None,
    }
}

/// `at` as its distance from `start`, to the nearest hour: `[t0]`, `[t0+168h]`, `[t0-1h]`.
fn since(start: DateTime<FixedOffset>, at: DateTime<FixedOffset>) -> String {
    let hours = ((at - start).num_seconds() + 1800).div_euclid(3600);
    match hours {
        0 => "[t0]".to_owned(),
        h if h > 0 => format!("[t0+{h}h]"),
        h => format!("[t0{h}h]"),
    }
}

/// Seconds (text or a number) as whole minutes: `[60 min]`.
fn minutes(value: &Value) -> Option<String> {
    let seconds: i64 = match value {
        Value::String(text) => text.parse().ok()?,
        other => other.as_i64()?,
    };
    Some(format!("[{} min]", (seconds + 30).div_euclid(60)))
}

/// Rewrites what the walk meets: references by first appearance, times from the start.
struct Walker {
    references: HashMap<String, String>,
    start: Option<DateTime<FixedOffset>>,
}

impl Walker {
    fn walk(&mut self, value: &mut Value) {
        match value {
            Value::String(text) => self.text(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.walk(item)),
            Value::Object(map) => {
                for (name, item) in map.iter_mut() {
                    match name.as_str() {
                        "expires_on" | "not_before" => *item = Value::String("[unix-time]".into()),
                        "expires_in" | "ext_expires_in" => {
                            if let Some(whole) = minutes(item) {
                                *item = Value::String(whole);
                            }
                        }
                        _ => self.walk(item),
                    }
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &mut String) {
        if time_pattern().is_match(text) {
            let at = DateTime::parse_from_rfc3339(text).ok();
            *text = match (self.start, at) {
                (Some(start), Some(at)) => since(start, at),
                _ => "[time]".to_owned(),
            };
            return;
        }
        let references = &mut self.references;
        let replaced = reference_pattern().replace_all(text, |found: &regex::Captures<'_>| {
            let next = references.len() + 1;
            references.entry(found[0].to_owned()).or_insert_with(|| format!("[reference-{next}]")).clone()
        });
        if let std::borrow::Cow::Owned(new) = replaced {
            *text = new;
        }
        if let std::borrow::Cow::Owned(new) = chosen_suffix().replace_all(text, "") {
            *text = new;
        }
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
        let chosen = normalize(&exchange("acme-order-1002", "t", "2026-01-01T12:00:00Z"));
        let chosen_remote = normalize(&exchange("acme-order-1002-run-0123456789ab", "t", "2026-01-01T12:00:00Z"));
        assert_eq!(chosen, chosen_remote, "a chosen reference is compared without the remote run's suffix");
    }

    /// A scenario on a server whose clock reads `start` (unix seconds) when it issues the
    /// token (`lifetime` seconds), then reads a payment authorized `latency` seconds later whose
    /// capture is guaranteed for `days`.
    fn on_a_clock(start: i64, lifetime: &str, latency: i64, days: i64) -> Value {
        let at =
            |seconds: i64| DateTime::from_timestamp(start + seconds, 0).map(|t| t.to_rfc3339()).unwrap_or_default();
        json!([
            {"operation": "fetchAuthorizationTokenUsingPost", "request": {"method": "POST", "path": "/accesstoken/get"},
             "response": {"status": 200, "body": {"expires_in": lifetime, "ext_expires_in": lifetime,
                "expires_on": (start + 3600).to_string(), "not_before": start.to_string(), "access_token": "[token]"}}},
            {"operation": "getPayment", "request": {"method": "GET", "path": "/epayment/v1/payments/x"},
             "response": {"status": 200, "body": {"captureGuaranteedUntil": at(latency + days * 86_400)}}},
            {"operation": "getPaymentEventLog", "request": {"method": "GET", "path": "/epayment/v1/payments/x/events"},
             "response": {"status": 200, "body": [{"name": "CREATED", "timestamp": at(latency)}]}}
        ])
    }

    #[test]
    fn times_are_compared_as_durations_from_the_scenarios_start_to_the_hour() {
        let simulator = normalize(&on_a_clock(1_767_268_800, "3600", 1, 7));
        assert_eq!(simulator[1]["response"]["body"]["captureGuaranteedUntil"], "[t0+168h]");
        assert_eq!(simulator[2]["response"]["body"][0]["timestamp"], "[t0]");
        assert_eq!(simulator[0]["response"]["body"]["expires_in"], "[60 min]");
        assert_eq!(simulator[0]["response"]["body"]["not_before"], "[unix-time]");
        let elsewhere = normalize(&on_a_clock(1_800_000_000, "3599", 40, 7));
        assert_eq!(simulator, elsewhere, "another clock, seconds of latency and 3599 for 3600 are equal");
        let thirty_days = normalize(&on_a_clock(1_800_000_000, "3600", 1, 30));
        assert_eq!(thirty_days[1]["response"]["body"]["captureGuaranteedUntil"], "[t0+720h]");
        let short_tokens = normalize(&on_a_clock(1_767_268_800, "60", 1, 7));
        assert_eq!(short_tokens[0]["response"]["body"]["expires_in"], "[1 min]");
        let mut no_token = on_a_clock(1_767_268_800, "3600", 1, 7);
        if let Value::Array(list) = &mut no_token {
            list.remove(0);
        }
        let no_token = normalize(&no_token);
        assert_eq!(no_token[0]["response"]["body"]["captureGuaranteedUntil"], "[t0]", "the first date-time");
        assert_eq!(no_token[1]["response"]["body"][0]["timestamp"], "[t0-168h]");
    }

    #[test]
    fn the_readme_lists_what_is_made_equal() {
        let readme = std::fs::read_to_string(crate::paths::workspace_root().join("docs/scenarios.md"))
            .expect("docs/scenarios.md");
        for (what, why) in NORMALISED {
            assert!(
                readme.contains(&format!("| {what} | {why} |")),
                "docs/scenarios.md's table lacks {what:?} as the code says it"
            );
        }
    }
}
