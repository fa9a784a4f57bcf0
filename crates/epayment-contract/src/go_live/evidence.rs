//! What a run's records say about each checklist item: its status, the payment references it
//! was evidenced on, and one dated request and response (from the redacted exchanges the
//! snapshots use, with phone numbers masked on top).

use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};
use cucumber::gherkin::Feature;
use serde::Serialize;
use serde_json::Value;

use super::items::{Check, Item, Section};
use crate::reports::record::ScenarioRecord;
use crate::running::selection;

/// Where an item stands after the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The run shows it done.
    Evidenced,
    /// A scenario that evidences it failed: the integration would not pass review so.
    Failed,
    /// A machine cannot show it (or not against this target): a person does it or attaches it.
    #[serde(rename = "needs-a-person")]
    NeedsPerson,
}

impl Status {
    /// As the checklist's status column shows it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Evidenced => "evidenced",
            Status::Failed => "failed",
            Status::NeedsPerson => "needs a person",
        }
    }
}

/// A scenario behind an item, and how it went.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioOutcome {
    /// `go-live/endpoints.feature:9`.
    pub place: String,
    /// Its name.
    pub name: String,
    /// `passed`, `failed` or `not run` (left out against this target).
    pub outcome: &'static str,
    /// Why it failed, in a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// One request and its response, as evidence.
#[derive(Clone, Debug, Serialize)]
pub struct Exchange {
    /// When the step that made it started (UTC, RFC 3339).
    pub at: String,
    /// The operationId.
    pub operation: String,
    /// Method, path, the headers the API reads (secrets replaced) and body.
    pub request: Value,
    /// Status and body.
    pub response: Value,
    #[serde(skip)]
    pub(super) time: Option<DateTime<Utc>>,
}

/// One item after the run.
#[derive(Clone, Debug, Serialize)]
pub struct ItemResult {
    /// The item's id.
    pub id: &'static str,
    /// Its section.
    pub section: Section,
    /// What the form asks.
    pub text: &'static str,
    /// Where it stands.
    pub status: Status,
    /// Why, in a sentence.
    pub detail: String,
    /// The payment references it was evidenced on (the form's "your reference ID").
    pub references: Vec<String>,
    /// The scenarios behind it.
    pub scenarios: Vec<ScenarioOutcome>,
    /// One request and response that shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Exchange>,
}

/// `item` judged by `records` (the run's) and `features` (the go-live set it ran).
pub fn judge(item: &Item, features: &[Feature], records: &[ScenarioRecord]) -> ItemResult {
    let mut result = ItemResult {
        id: item.id,
        section: item.section,
        text: item.text,
        status: Status::NeedsPerson,
        detail: String::new(),
        references: Vec::new(),
        scenarios: Vec::new(),
        evidence: None,
    };
    match item.check {
        Check::Scenarios { operation } => by_scenarios(&mut result, &item.tag(), operation, features, records),
        Check::SystemHeaders => system_headers(&mut result, records),
        Check::WebhooksAndPolling => {
            let polls = exchanges(records).filter(|(_, e)| e["operation"] == "getPayment" && answered(e)).count();
            result.detail = format!(
                "polling: {polls} getPayment calls answered in this run; webhooks: the run's receiver is not one the target \
                 can reach, so register yours (Webhooks API) and attach a delivery it verified"
            );
            result.evidence = first_answered(records.iter(), "getPayment");
        }
        Check::Person(what) => result.detail = what.to_owned(),
    }
    result
}

fn by_scenarios(
    result: &mut ItemResult,
    tag: &str,
    operation: Option<&str>,
    features: &[Feature],
    records: &[ScenarioRecord],
) {
    let mut ran = Vec::new();
    let mut not_run = 0;
    for (feature, rule, scenario) in selection::scenarios(features) {
        if !selection::tags_of(feature, rule, scenario).any(|t| t == tag) {
            continue;
        }
        let file = feature.path.as_deref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        let record = records.iter().find(|r| Some(&r.file) == file.as_ref() && r.line == scenario.position.line);
        let place = format!("{}:{}", file.as_deref().unwrap_or(&feature.name), scenario.position.line);
        let (outcome, failure) = match record {
            None => {
                not_run += 1;
                ("not run", None)
            }
            Some(r) if r.passed() => ("passed", None),
            Some(r) => ("failed", r.failure()),
        };
        result.scenarios.push(ScenarioOutcome { place, name: scenario.name.clone(), outcome, failure });
        if let Some(r) = record {
            ran.push(r);
            result.references.extend(reference_of(r));
        }
    }
    result.references.dedup();
    let total = result.scenarios.len();
    if let Some(failed) = result.scenarios.iter().find(|s| s.outcome == "failed") {
        result.status = Status::Failed;
        result.detail = format!("{} failed: {}", failed.place, failed.failure.as_deref().unwrap_or("see the report"));
    } else if total == 0 {
        result.detail = format!("no go-live scenario is tagged @{tag}");
    } else if not_run > 0 {
        result.detail = format!(
            "{not_run} of {total} scenarios cannot run against this target (the customer's side or days passing): \
             do it in the test app and note the payment's reference"
        );
    } else {
        result.status = Status::Evidenced;
        result.detail = format!("{total} scenario{} passed", if total == 1 { "" } else { "s" });
    }
    let passed = ran.into_iter().filter(|r| r.passed());
    result.evidence = operation.and_then(|op| first_answered(passed, op));
}

fn system_headers(result: &mut ItemResult, records: &[ScenarioRecord]) {
    let calls: Vec<_> = exchanges(records).filter(|(_, e)| is_epayment(e)).collect();
    let lacking = calls.iter().filter(|(_, e)| lacks_system_headers(e)).count();
    if calls.is_empty() {
        result.detail = "the run made no ePayment request".to_owned();
    } else if lacking == 0 {
        result.status = Status::Evidenced;
        result.detail = format!("all {} ePayment requests carried them", calls.len());
        result.evidence = calls.first().map(|(r, e)| evidence(r, e));
    } else {
        result.status = Status::Failed;
        result.detail = format!(
            "{lacking} of {} ePayment requests lacked Vipps-System-Name or -Version: configure them \
             (--system-name and --system-version)",
            calls.len()
        );
        result.evidence = calls.iter().find(|(_, e)| lacks_system_headers(e)).map(|(r, e)| evidence(r, e));
    }
}

/// Whether a request went without `Vipps-System-Name` or `-Version` (or sent one empty).
fn lacks_system_headers(exchange: &Value) -> bool {
    let headers = &exchange["request"]["headers"];
    ["vipps-system-name", "vipps-system-version"].iter().any(|h| headers[h].as_str().is_none_or(str::is_empty))
}

fn is_epayment(exchange: &Value) -> bool {
    exchange["request"]["path"].as_str().is_some_and(|p| p.starts_with("/epayment/"))
}

/// Every exchange of every record, with its record.
fn exchanges(records: &[ScenarioRecord]) -> impl Iterator<Item = (&ScenarioRecord, &Value)> {
    records.iter().flat_map(|r| r.exchanges.as_array().into_iter().flatten().map(move |e| (r, e)))
}

/// The first exchange of `operation` that the API answered with success, as evidence.
fn first_answered<'a>(records: impl Iterator<Item = &'a ScenarioRecord>, operation: &str) -> Option<Exchange> {
    records.into_iter().find_map(|r| {
        let list = r.exchanges.as_array()?;
        list.iter().find(|e| e["operation"] == operation && answered(e)).map(|e| evidence(r, e))
    })
}

/// Whether the API answered `exchange` with success: a 2xx whose body, if any, is JSON (a
/// body that does not parse is recorded as a bare string, and evidences nothing).
fn answered(exchange: &Value) -> bool {
    let response = &exchange["response"];
    response["status"].as_u64().is_some_and(|s| (200..300).contains(&s)) && !response["body"].is_string()
}

fn evidence(record: &ScenarioRecord, exchange: &Value) -> Exchange {
    let index = record.exchanges.as_array().and_then(|l| l.iter().position(|e| std::ptr::eq(e, exchange)));
    let time = index.and_then(|i| made_at(record, i)).map(DateTime::<Utc>::from);
    Exchange {
        at: time.map_or_else(|| "unknown".to_owned(), |t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        operation: exchange["operation"].as_str().unwrap_or_default().to_owned(),
        request: masked(&exchange["request"]),
        response: masked(&exchange["response"]),
        time,
    }
}

/// When exchange `index` (from 0) was made: when the step that made it started.
fn made_at(record: &ScenarioRecord, index: usize) -> Option<SystemTime> {
    let step = *record.timeline.made_by.get(index)?;
    record.step_runs.get(step).and_then(|run| run.started).or(record.started)
}

/// The payment reference a scenario used: the one its first create sent, else the first
/// path that names one.
fn reference_of(record: &ScenarioRecord) -> Option<String> {
    let list = record.exchanges.as_array()?;
    let created = list.iter().find_map(|e| {
        (e["operation"] == "createPayment").then(|| e["request"]["body"]["reference"].as_str()).flatten()
    });
    let named = || {
        list.iter().find_map(|e| {
            let path = e["request"]["path"].as_str()?;
            let rest = path.strip_prefix("/epayment/v1/payments/")?;
            rest.split(['/', '?']).next().filter(|r| !r.is_empty())
        })
    };
    created.or_else(named).map(str::to_owned)
}

/// `value` with every phone number masked but its last two digits (a customer's number is
/// personal data, not evidence).
pub fn masked(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let phone = k.to_ascii_lowercase().contains("phone");
                    let shown = match v {
                        Value::String(s) if phone => Value::String(mask_digits(s)),
                        other => masked(other),
                    };
                    (k.clone(), shown)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(masked).collect()),
        other => other.clone(),
    }
}

fn mask_digits(number: &str) -> String {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    number
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen + 2 > digits { c } else { '•' }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_phone_number_keeps_only_its_last_two_digits_wherever_it_is() {
        let body = json!({"customer": {"phoneNumber": "4791234567"}, "profile": {"scope": "name"}, "list": [{"phone": "+47 912 34 567"}]});
        let shown = masked(&body);
        assert_eq!(shown["customer"]["phoneNumber"], "••••••••67");
        assert_eq!(shown["list"][0]["phone"], "+•• ••• •• •67");
        assert_eq!(shown["profile"]["scope"], "name");
    }

    #[test]
    fn a_scenarios_reference_is_its_creates_else_the_first_path_that_names_one() {
        let mut record = ScenarioRecord {
            exchanges: json!([
                {"operation": "fetchAuthorizationTokenUsingPost", "request": {"path": "/accesstoken/get"}},
                {"operation": "createPayment", "request": {"path": "/epayment/v1/payments", "body": {"reference": "go-live-1"}}},
            ]),
            ..ScenarioRecord::default()
        };
        assert_eq!(reference_of(&record).as_deref(), Some("go-live-1"));
        record.exchanges =
            json!([{"operation": "getPayment", "request": {"path": "/epayment/v1/payments/abc-2/events"}}]);
        assert_eq!(reference_of(&record).as_deref(), Some("abc-2"));
    }
}
