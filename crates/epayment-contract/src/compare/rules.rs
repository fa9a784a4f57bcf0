//! Which FIDELITY.md row governs a difference. Each row is named by the id the simulator
//! writes at the rule (`// fidelity: <id>`; `xtask/tests/ledger.rs` keeps the two in step).
//!
//! Where the simulator refused, it says which rule did (its `Sim-Rule` header, kept as the
//! exchange's `response.rule`), and that row governs. Otherwise (the simulator accepted and
//! the target refused, or a refusal decided outside the model, such as a rate limit) the row is
//! found from the words of the ledger: a row that mentions the error code (either side's, the
//! simulator's first), then a row a status has of its own, then a row a field has of its own,
//! then a row that mentions the field. Among rows that mention the code, one whose id names the
//! exchange's operation comes first (`capture-full-only` for a capture's 6140), then one that is
//! `our choice` (the simulator's guess, the likelier to be wrong), then the one that mentions
//! the fewest codes (the most specific).

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

/// Fields one rule decides, and its row.
const FIELD_ROWS: &[(&str, &str)] =
    &[("captureGuaranteedUntil", "capture-guarantee"), ("expires_in", "token-keys"), ("ext_expires_in", "token-keys")];

/// One row of FIDELITY.md.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// The rule's id.
    pub id: String,
    /// What the simulator does.
    pub what: String,
    /// On what authority: `facts`, `document`, `our choice`, with details.
    pub authority: String,
    /// How sure: `high`, `medium`, `low`.
    pub sure: String,
}

impl Row {
    /// Whether the rule is the simulator's choice where the facts are silent.
    pub fn is_choice(&self) -> bool {
        self.authority.starts_with("our choice")
    }

    /// How many error codes (numbers of four digits or more) its text names.
    fn codes(&self) -> usize {
        self.what.split(|c: char| !c.is_ascii_digit()).filter(|n| n.len() >= 4).count()
    }
}

/// FIDELITY.md's rows.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    rows: Vec<Row>,
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
                let mut cells = line.strip_prefix('|')?.split(" | ").map(str::trim);
                let id = cells.next()?.strip_prefix('`')?.strip_suffix('`')?;
                let mut cell = || cells.next().unwrap_or_default().to_owned();
                Some(Row { id: id.to_owned(), what: cell(), authority: cell(), sure: cell() })
            })
            .collect();
        Self { rows }
    }

    /// Every row, in the ledger's order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Whether the ledger had any row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row `id`, if the ledger has one.
    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows.iter().find(|row| row.id == id)
    }

    /// The row that governs `difference`, whose exchanges (normalized) are `simulator` and
    /// `target` where each side has one.
    pub fn governing(
        &self,
        difference: &Difference,
        simulator: Option<&Value>,
        target: Option<&Value>,
    ) -> Option<String> {
        let named = simulator.and_then(|e| e.pointer("/response/rule")).and_then(Value::as_str);
        if let Some(row) = named.and_then(|id| self.row(id)) {
            return Some(row.id.clone());
        }
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
            if let Some(row) = row.and_then(|id| self.row(id)) {
                return Some(row.id.clone());
            }
        }
        if !matches!(difference.kind, Kind::Value | Kind::FieldOnOneSide) {
            return None;
        }
        let field = difference.field.as_deref().unwrap_or_default();
        let names: Vec<&str> = field
            .rsplit('/')
            .filter(|n| !n.is_empty() && !n.chars().all(|c| c.is_ascii_digit()))
            .filter(|n| !matches!(*n, "value" | "currency" | "body" | "response" | "request"))
            .collect();
        for name in &names {
            let row = FIELD_ROWS.iter().find(|(f, _)| f == name).and_then(|(_, id)| self.row(id));
            if let Some(row) = row {
                return Some(row.id.clone());
            }
        }
        names
            .iter()
            .find_map(|name| self.best(noun, |what| what.contains(&format!("`{name}`")) || mentions(what, name)))
    }

    /// The row whose text `fits` that is the most likely: one whose id names `noun`, then one
    /// that is our choice, then the one naming the fewest codes, then the first.
    fn best(&self, noun: Option<&str>, fits: impl Fn(&str) -> bool) -> Option<String> {
        let about = |row: &Row| noun.is_some_and(|noun| row.id.split('-').any(|part| part == noun));
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, row)| fits(&row.what))
            .min_by_key(|(i, row)| (!about(row), !row.is_choice(), row.codes(), *i))
            .map(|(_, row)| row.id.clone())
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
| `capture-after-full-capture` | after a full capture 6090, not 6170 | our choice | low | x |
| `capture-full-only` | a part capture is 400, 6140 | facts | high | x |
| `sales-unit-configuration` | Not modelled yet: 5010..5100, 6140 | facts | high | x |
| `test-amounts` | declined with 10010 | facts; the codes are our choice | low | x |
| `approve-only-created` | otherwise 400 with 10010 | facts | medium | x |
| `rate-limits` | the next call gets 429 | facts | high | x |
| `capture-guarantee` | `captureGuaranteedUntil` is when the guarantee ends | facts | high | x |
| `token-keys` | a token for the right keys; it lives 1 h | facts | high | x |
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
            follows: false,
        }
    }

    fn answer(status: u16, code: Option<&str>) -> Value {
        let body = code.map(|c| json!({"extraDetails": [{"name": "ErrorCode", "reason": c}]}));
        json!({"response": {"status": status, "body": body}})
    }

    /// A refusal whose answer names the simulator's rule.
    fn named(code: &str, rule: &str) -> Value {
        let mut refused = answer(400, Some(code));
        refused["response"]["rule"] = json!(rule);
        refused
    }

    #[test]
    fn the_row_the_simulator_names_governs() {
        let rules = Rules::parse(LEDGER);
        let capture = difference(Kind::ErrorCode, "capturePayment", None);
        let full_only = answer(400, Some("6140"));
        let after_full = named("6090", "capture-after-full-capture");
        assert_eq!(
            rules.governing(&capture, Some(&after_full), Some(&full_only)).as_deref(),
            Some("capture-after-full-capture")
        );
        let approve = difference(Kind::Status, "forceApprove", None);
        let declined = named("10010", "test-amounts");
        assert_eq!(
            rules.governing(&approve, Some(&declined), Some(&answer(200, None))).as_deref(),
            Some("test-amounts")
        );
        let unknown = named("6150", "no-such-row");
        assert_eq!(
            rules.governing(&capture, Some(&unknown), Some(&full_only)).as_deref(),
            Some("refund-amount"),
            "a name the ledger lacks is not taken: the code's row is"
        );
    }

    #[test]
    fn without_a_name_a_difference_is_matched_by_code_then_status_then_field() {
        let rules = Rules::parse(LEDGER);
        let capture = difference(Kind::Status, "capturePayment", None);
        let ok = answer(200, None);
        assert_eq!(
            rules.governing(&capture, Some(&ok), Some(&answer(400, Some("6140")))).as_deref(),
            Some("capture-full-only"),
            "the row about the operation, not the sales unit's"
        );
        assert_eq!(
            rules.governing(&capture, Some(&ok), Some(&answer(400, Some("6090")))).as_deref(),
            Some("capture-after-full-capture"),
            "among rows about the operation, the simulator's choice"
        );
        assert_eq!(
            rules.governing(&capture, Some(&answer(400, Some("6150"))), Some(&ok)).as_deref(),
            Some("refund-amount"),
            "a row that mentions the code, about another operation, when none is about this one"
        );
        let approve = difference(Kind::Status, "forceApprove", None);
        assert_eq!(
            rules.governing(&approve, Some(&ok), Some(&answer(400, Some("10010")))).as_deref(),
            Some("approve-only-created")
        );
        let limited = difference(Kind::ExchangeOnOneSide, "capturePayment", None);
        assert_eq!(rules.governing(&limited, Some(&answer(429, None)), None).as_deref(), Some("rate-limits"));
        let field = difference(Kind::Value, "getPayment", Some("/response/body/captureGuaranteedUntil"));
        assert_eq!(rules.governing(&field, Some(&ok), Some(&ok)).as_deref(), Some("capture-guarantee"));
        let lifetime = difference(Kind::Value, "fetchAuthorizationTokenUsingPost", Some("/response/body/expires_in"));
        assert_eq!(rules.governing(&lifetime, Some(&ok), Some(&ok)).as_deref(), Some("token-keys"));
        let nothing = difference(Kind::Value, "getPayment", Some("/response/body/state"));
        assert_eq!(rules.governing(&nothing, Some(&ok), Some(&ok)), None);
        assert!(!mentions("code 60901", "6090"));
        assert!(Rules::load(Path::new("/no/such/FIDELITY.md")).is_empty());
    }

    #[test]
    fn rows_keep_their_authority_and_sureness() {
        let rules = Rules::parse(LEDGER);
        let choice = rules.row("capture-after-full-capture").cloned().unwrap_or_default();
        assert_eq!((choice.authority.as_str(), choice.sure.as_str(), choice.is_choice()), ("our choice", "low", true));
        assert!(!rules.row("test-amounts").is_some_and(Row::is_choice), "a fact with a chosen code is not a choice");
    }

    #[test]
    fn every_status_and_field_row_is_a_row_of_the_ledger() {
        let rules = Rules::load(&crate::paths::workspace_root().join("FIDELITY.md"));
        for (what, id) in STATUS_ROWS
            .iter()
            .map(|(s, id)| (s.to_string(), id))
            .chain(FIELD_ROWS.iter().map(|(f, id)| ((*f).to_owned(), id)))
        {
            assert!(rules.row(id).is_some(), "{what}: FIDELITY.md has no row `{id}`");
        }
    }
}
