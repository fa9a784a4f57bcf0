//! Two runs of one scenario, exchange by exchange: the exchanges are lined up by operation (a
//! call one server answered and the other did not take leaves a gap, not a shift), and each
//! pair is compared for its status, its error code, and every field of both bodies.

use serde::Serialize;
use serde_json::Value;
use similar::{Algorithm, DiffOp};

/// What kind of difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Another HTTP status.
    Status,
    /// The same status, another error code.
    ErrorCode,
    /// A field in one side's body only.
    FieldOnOneSide,
    /// The same field with another value.
    Value,
    /// An exchange one side made and the other did not.
    ExchangeOnOneSide,
    /// The scenario passed on one side and failed on the other.
    Outcome,
}

impl Kind {
    /// As the report names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Status => "a different status",
            Kind::ErrorCode => "a different error code",
            Kind::FieldOnOneSide => "a field on one side only",
            Kind::Value => "a different value",
            Kind::ExchangeOnOneSide => "an exchange on one side only",
            Kind::Outcome => "a different outcome",
        }
    }
}

/// One difference, with both sides in a few words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// What kind.
    pub kind: Kind,
    /// The exchange's operation.
    pub operation: String,
    /// Its number on the simulator and on the target (from 1), where it is on that side.
    pub exchange: (Option<usize>, Option<usize>),
    /// The field, as a JSON pointer into the exchange (`/response/body/aggregate/...`).
    pub field: Option<String>,
    /// The simulator's side.
    pub simulator: String,
    /// The target's side.
    pub target: String,
    /// The FIDELITY.md rule that governs it, when one does.
    pub rule: Option<String>,
    /// Whether it follows from the scenario's first difference (its cause) rather than being
    /// part of it: it then takes the cause's row.
    pub follows: bool,
}

/// What a comparison found in one scenario, kept on the target's record for the HTML report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Comparison {
    /// Every difference, in the order of the exchanges.
    pub differences: Vec<Difference>,
    /// The simulator's exchanges, normalized.
    pub simulator: Vec<Value>,
    /// The target's exchanges, normalized.
    pub target: Vec<Value>,
}

/// The differences between two runs' normalized exchanges of one scenario, and how many pairs
/// of exchanges were lined up and compared.
pub fn differences(simulator: &[Value], target: &[Value]) -> (Vec<Difference>, usize) {
    let key = |e: &Value| format!("{} {}", e["request"]["method"].as_str().unwrap_or(""), operation(e));
    let (left, right): (Vec<String>, Vec<String>) =
        (simulator.iter().map(key).collect(), target.iter().map(key).collect());
    let (mut found, mut pairs) = (Vec::new(), 0);
    for op in similar::capture_diff_slices(Algorithm::Myers, &left, &right) {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                pairs += len;
                for i in 0..len {
                    let (a, b) = (old_index + i, new_index + i);
                    found.extend(pair(&simulator[a], &target[b], (a + 1, b + 1)));
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                found.extend((old_index..old_index + old_len).map(|i| alone(&simulator[i], Some(i + 1), None)));
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                found.extend((new_index..new_index + new_len).map(|i| alone(&target[i], None, Some(i + 1))));
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                found.extend((old_index..old_index + old_len).map(|i| alone(&simulator[i], Some(i + 1), None)));
                found.extend((new_index..new_index + new_len).map(|i| alone(&target[i], None, Some(i + 1))));
            }
        }
    }
    (found, pairs)
}

fn operation(e: &Value) -> &str {
    e["operation"].as_str().unwrap_or("unexpected")
}

/// An exchange on one side only.
fn alone(e: &Value, simulator: Option<usize>, target: Option<usize>) -> Difference {
    let shown = summary(e);
    let (simulator_side, target_side) = match simulator {
        Some(_) => (shown, "no such exchange".to_owned()),
        None => ("no such exchange".to_owned(), shown),
    };
    Difference {
        kind: Kind::ExchangeOnOneSide,
        operation: operation(e).to_owned(),
        exchange: (simulator, target),
        field: None,
        simulator: simulator_side,
        target: target_side,
        rule: None,
        follows: false,
    }
}

/// An exchange in a few words: `POST /epayment/v1/payments/[reference-1]/capture -> 400 (6090)`.
pub fn summary(e: &Value) -> String {
    let code = error_code(e).map(|c| format!(" ({c})")).unwrap_or_default();
    format!(
        "{} {} -> {}{code}",
        e["request"]["method"].as_str().unwrap_or(""),
        e["request"]["path"].as_str().unwrap_or(""),
        e["response"]["status"]
    )
}

/// The error code of a problem answer.
pub fn error_code(e: &Value) -> Option<String> {
    let details = e.pointer("/response/body/extraDetails")?.as_array()?;
    let code = details.iter().find(|d| d["name"] == "ErrorCode")?;
    code["reason"].as_str().map(str::to_owned)
}

/// The differences of one pair of exchanges of the same operation.
fn pair(a: &Value, b: &Value, numbers: (usize, usize)) -> Vec<Difference> {
    let make = |kind, field: Option<String>, simulator: String, target: String| Difference {
        kind,
        operation: operation(a).to_owned(),
        exchange: (Some(numbers.0), Some(numbers.1)),
        field,
        simulator,
        target,
        rule: None,
        follows: false,
    };
    let (status_a, status_b) = (&a["response"]["status"], &b["response"]["status"]);
    if status_a != status_b {
        return vec![make(Kind::Status, None, summary(a), summary(b))];
    }
    let (code_a, code_b) = (error_code(a), error_code(b));
    if code_a != code_b {
        return vec![make(Kind::ErrorCode, None, summary(a), summary(b))];
    }
    let mut found = Vec::new();
    for side in ["request", "response"] {
        let pointer = format!("/{side}/body");
        fields(a.pointer(&pointer), b.pointer(&pointer), &pointer, &mut |field, x, y| {
            let kind = if x.is_none() || y.is_none() { Kind::FieldOnOneSide } else { Kind::Value };
            let show = |v: Option<&Value>| v.map_or_else(|| "absent".to_owned(), |v| cut(&v.to_string()));
            found.push(make(kind, Some(field), show(x), show(y)));
        });
    }
    found
}

/// What [`fields`] calls for each field that differs: its pointer and both sides.
type FoundField<'a> = dyn FnMut(String, Option<&Value>, Option<&Value>) + 'a;

/// Calls `found` for every leaf field that differs between `a` and `b` (one side absent, or
/// another value), by JSON pointer.
fn fields(a: Option<&Value>, b: Option<&Value>, at: &str, found: &mut FoundField<'_>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut names: Vec<&String> = x.keys().chain(y.keys()).collect();
            names.sort();
            names.dedup();
            for name in names {
                let pointer = format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"));
                fields(x.get(name), y.get(name), &pointer, found);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                fields(x.get(i), y.get(i), &format!("{at}/{i}"), found);
            }
        }
        (x, y) if x != y => found(at.to_owned(), x, y),
        _ => {}
    }
}

/// At most 120 characters of a value.
fn cut(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::normalize::normalize;
    use epayment_sim::{Exchange, RecordedRequest, RecordedResponse};
    use serde_json::json;

    fn exchange(operation: &str, status: u16, body: Value) -> Exchange {
        Exchange {
            operation: operation.into(),
            request: RecordedRequest {
                method: "POST".into(),
                path: "/epayment/v1/payments/contract-order-0001/capture".into(),
                headers: Default::default(),
                body: Some(json!({"modificationAmount": {"currency": "NOK", "value": 250}})),
            },
            response: RecordedResponse { status, headers: Default::default(), body: Some(body) },
        }
    }

    fn prepared(exchanges: &[Exchange]) -> Vec<Value> {
        let comparable = crate::running::verdict::exchanges::comparable(exchanges, &[]);
        normalize(&comparable).as_array().cloned().unwrap_or_default()
    }

    #[test]
    fn what_is_normalized_is_not_a_difference() {
        let problem = |trace: &str, psp: &str, detail: &str| {
            json!({"traceId": trace, "status": 400, "title": "Bad", "detail": detail, "pspReference": psp,
                "extraDetails": [{"name": "ErrorCode", "reason": "6090"}]})
        };
        let sim = prepared(&[exchange("capturePayment", 400, problem("sim-trace-00000007", "1234567890", "too much"))]);
        let target = prepared(&[exchange(
            "capturePayment",
            400,
            problem("00-9f8e7d-01", "9876543210", "Capture amount too high"),
        )]);
        assert_eq!(
            differences(&sim, &target),
            (vec![], 1),
            "trace id, pspReference and the problem's words are normalized"
        );
    }

    #[test]
    fn status_code_fields_and_gaps_are_differences() {
        let ok = |captured: i64| json!({"aggregate": {"capturedAmount": {"currency": "NOK", "value": captured}}, "state": "AUTHORIZED"});
        let refused = json!({"traceId": "t", "status": 400, "extraDetails": [{"name": "ErrorCode", "reason": "6140"}]});
        let sim = prepared(&[exchange("capturePayment", 200, ok(250)), exchange("getPayment", 200, ok(250))]);
        let target = prepared(&[exchange("capturePayment", 400, refused), exchange("getPayment", 200, ok(0))]);
        let (found, pairs) = differences(&sim, &target);
        assert_eq!(pairs, 2);
        assert_eq!(found.iter().map(|d| d.kind).collect::<Vec<_>>(), [Kind::Status, Kind::Value]);
        assert!(found[0].target.ends_with("-> 400 (6140)"), "{}", found[0].target);
        assert_eq!(found[1].field.as_deref(), Some("/response/body/aggregate/capturedAmount/value"));
        let (gap, _) = differences(&sim, &sim[..1]);
        assert_eq!((gap.len(), gap[0].kind, gap[0].exchange), (1, Kind::ExchangeOnOneSide, (Some(2), None)));
        let extra = json!({"state": "AUTHORIZED", "captureGuaranteedUntil": "2026-01-08T12:00:00Z"});
        let (one_side, _) = differences(
            &prepared(&[exchange("getPayment", 200, json!({"state": "AUTHORIZED"}))]),
            &prepared(&[exchange("getPayment", 200, extra)]),
        );
        assert_eq!((one_side[0].kind, one_side[0].simulator.as_str()), (Kind::FieldOnOneSide, "absent"));
    }
}
