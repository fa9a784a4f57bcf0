//! Which FIDELITY.md row governs a difference. Each row is named by the id the simulator
//! writes at the rule (`// fidelity: <id>`; `xtask/tests/ledger.rs` keeps the two in step), and
//! says in words which status and error code the rule answers with: a difference is matched by
//! its error code (either side's, the simulator's first), then by a status that has a row of
//! its own, then by the field that differs. Where several rows name the code, the one about the
//! exchange's operation wins (`capture-amount` for a capture's 6090).

use std::path::Path;

use serde_json::Value;

use super::diff::{Difference, Kind, error_code};

/// Statuses a rule answers without an error code, and the row that says so.
const STATUS_ROWS: &[(u16, &str)] = &[
    (401, "token-bearer"),
    (404, "unknown-path-404"),
    (405, "method-405"),
    (413, "body-limit-413"),
    (429, "rate-limits"),
];

/// FIDELITY.md's rows: id and what the simulator does.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    rows: Vec<(String, String)>,
}

impl Rules {
    /// The rows of the ledger at `path`; none when it cannot be read (a difference then names
    /// no row, and the report says the ledger was not found).
    pub fn load(path: &Path) -> Self {
        std::fs::read_to_string(path).map(|text| Self::parse(&text)).unwrap_or_default()
    }

    /// The rows of a ledger's text: table lines whose first cell is an id in backticks.
    pub fn parse(text: &str) -> Self {
        let rows = text
            .lines()
            .filter_map(|line| {
                let mut cells = line.strip_prefix('|')?.split('|').map(str::trim);
                let id = cells.next()?.strip_prefix('`')?.strip_suffix('`')?;
                Some((id.to_owned(), cells.next()?.to_owned()))
            })
            .collect();
        Self { rows }
    }

    /// Whether the ledger had any row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether `id` is a row.
    pub fn has(&self, id: &str) -> bool {
        self.rows.iter().any(|(row, _)| row == id)
    }

    /// The row that governs `difference`, whose exchanges (normalized) are `simulator` and
    /// `target` where each side has one.
    pub fn governing(
        &self,
        difference: &Difference,
        simulator: Option<&Value>,
        target: Option<&Value>,
    ) -> Option<String> {
        let noun = noun(&difference.operation);
        let codes = [simulator, target].into_iter().flatten().filter_map(error_code);
        for code in codes {
            if let Some(id) = self.best(noun, |what| mentions(what, &code)) {
                return Some(id);
            }
        }
        let statuses = [simulator, target].into_iter().flatten().filter_map(|e| e["response"]["status"].as_u64());
        for status in statuses {
            let row = STATUS_ROWS.iter().find(|(s, _)| u64::from(*s) == status).map(|(_, id)| *id);
            if let Some(id) = row.filter(|id| self.has(id)) {
                return Some(id.to_owned());
            }
        }
        if difference.kind == Kind::Value || difference.kind == Kind::FieldOnOneSide {
            let field = difference.field.as_deref().unwrap_or_default();
            for name in field.rsplit('/').filter(|n| !n.is_empty() && !n.chars().all(|c| c.is_ascii_digit())) {
                if matches!(name, "value" | "currency" | "body" | "response" | "request") {
                    continue;
                }
                if let Some(id) = self.best(noun, |what| what.contains(&format!("`{name}`")) || mentions(what, name)) {
                    return Some(id);
                }
            }
        }
        None
    }

    /// The first row whose text `fits`, a row about `noun` before any other.
    fn best(&self, noun: Option<&str>, fits: impl Fn(&str) -> bool) -> Option<String> {
        let fitting: Vec<&String> = self.rows.iter().filter(|(_, what)| fits(what)).map(|(id, _)| id).collect();
        let about = |id: &&&String| noun.is_some_and(|noun| id.split('-').any(|part| part == noun));
        fitting.iter().find(about).or(fitting.first()).map(|id| (*id).clone())
    }
}

/// What an operation is about, as the ledger's ids name it.
fn noun(operation: &str) -> Option<&'static str> {
    Some(match operation {
        "capturePayment" => "capture",
        "refundPayment" => "refund",
        "cancelPayment" => "cancel",
        "createPayment" => "create",
        "forceApprove" => "approve",
        "getPaymentEventLog" => "event",
        "fetchAuthorizationTokenUsingPost" => "token",
        _ => return None,
    })
}

/// Whether `text` has `word` as a whole word (`6090`, not `60901`).
fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let apart = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
        apart(before) && apart(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LEDGER: &str = "\
| rule | what | authority | sure | pinned by |
| --- | --- | --- | --- | --- |
| `refusal-sticks-to-key` | Not kept: 401, 409, 429, 6090 | facts | high | x |
| `refund-amount` | more is 400, 6150 | facts | high | x |
| `capture-amount` | more is 400, 6090 | facts | high | x |
| `rate-limits` | the next call gets 429 | facts | high | x |
| `capture-guarantee` | `captureGuaranteedUntil` is when the guarantee ends | facts | high | x |
";

    fn difference(kind: Kind, operation: &str, field: Option<&str>) -> Difference {
        Difference {
            kind,
            operation: operation.into(),
            exchange: (Some(1), Some(1)),
            field: field.map(str::to_owned),
            simulator: String::new(),
            target: String::new(),
            rule: None,
        }
    }

    fn answer(status: u16, code: Option<&str>) -> Value {
        let body = code.map(|c| json!({"extraDetails": [{"name": "ErrorCode", "reason": c}]}));
        json!({"response": {"status": status, "body": body}})
    }

    #[test]
    fn a_difference_is_matched_by_code_then_status_then_field() {
        let rules = Rules::parse(LEDGER);
        let capture = difference(Kind::Status, "capturePayment", None);
        let (refused, ok) = (answer(400, Some("6090")), answer(200, None));
        assert_eq!(
            rules.governing(&capture, Some(&refused), Some(&ok)).as_deref(),
            Some("capture-amount"),
            "the capture's row"
        );
        assert_eq!(
            rules.governing(&capture, Some(&ok), Some(&refused)).as_deref(),
            Some("capture-amount"),
            "either side's code"
        );
        let limited = difference(Kind::ExchangeOnOneSide, "capturePayment", None);
        assert_eq!(rules.governing(&limited, Some(&answer(429, None)), None).as_deref(), Some("rate-limits"));
        let field = difference(Kind::FieldOnOneSide, "getPayment", Some("/response/body/captureGuaranteedUntil"));
        assert_eq!(rules.governing(&field, Some(&ok), Some(&ok)).as_deref(), Some("capture-guarantee"));
        let nothing = difference(Kind::Value, "getPayment", Some("/response/body/state"));
        assert_eq!(rules.governing(&nothing, Some(&ok), Some(&ok)), None);
        assert!(!mentions("code 60901", "6090"));
        assert!(Rules::load(Path::new("/no/such/FIDELITY.md")).is_empty());
    }

    #[test]
    fn every_status_row_is_a_row_of_the_ledger() {
        let rules = Rules::load(&crate::paths::workspace_root().join("FIDELITY.md"));
        for (status, id) in STATUS_ROWS {
            assert!(rules.has(id), "{status}: FIDELITY.md has no row `{id}`");
        }
    }
}
