//! Which differences of a scenario are its cause and which follow from it, and the row each
//! falls under. A scenario stops at its first failing step on either side, and a difference
//! leaves the two servers in different states, so everything after the first difference is
//! read as its consequence: the first difference, and any other in the same pair of exchanges,
//! is the cause, each with the row that governs it ([`Rules::governing`]); every later
//! difference (an exchange on one side only, another outcome, amounts that differ since) follows
//! from it and takes the first difference's row.

use serde_json::Value;

use super::diff::Difference;
use super::rules::Rules;

/// Marks which of `found` (one scenario's differences, in order) follow from its first, and
/// names each one's row; `simulator` and `target` are the two sides' normalized exchanges.
pub fn attribute(found: &mut [Difference], simulator: &[Value], target: &[Value], rules: &Rules) {
    let Some(first) = found.first().map(|d| d.exchange) else { return };
    let mut cause_row = None;
    for (i, d) in found.iter_mut().enumerate() {
        let in_cause = i == 0 || (d.exchange == first && first != (None, None));
        if in_cause {
            d.rule = rules.governing(d, side(simulator, d.exchange.0), side(target, d.exchange.1));
            if i == 0 {
                cause_row.clone_from(&d.rule);
            }
        } else {
            d.follows = true;
            d.rule.clone_from(&cause_row);
        }
    }
}

/// Exchange `n` (from 1) of one side, where that side has it.
fn side(list: &[Value], n: Option<usize>) -> Option<&Value> {
    n.and_then(|n| n.checked_sub(1)).and_then(|i| list.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::diff::Kind;
    use serde_json::json;

    const LEDGER: &str = "\
| `capture-full-only` | a part capture is 400, 6140 | facts | high | x |
| `capture-amount` | more is 400, 6090 | facts | high | x |
| `token-keys` | a token; it lives 1 h | facts | high | x |
";

    fn difference(kind: Kind, exchange: (Option<usize>, Option<usize>), field: Option<&str>) -> Difference {
        Difference {
            kind,
            operation: "capturePayment".into(),
            exchange,
            field: field.map(str::to_owned),
            simulator: String::new(),
            target: String::new(),
            rule: None,
            follows: false,
        }
    }

    fn answer(status: u16, code: Option<&str>, rule: Option<&str>) -> Value {
        let body = code.map(|c| json!({"extraDetails": [{"name": "ErrorCode", "reason": c}]}));
        json!({"operation": "capturePayment", "response": {"status": status, "body": body, "rule": rule}})
    }

    #[test]
    fn the_first_difference_is_the_cause_and_what_comes_after_follows_under_its_row() {
        let rules = Rules::parse(LEDGER);
        // A part capture: accepted by the simulator, refused by a full-capture-only target;
        // then a second capture the simulator refuses for lack of what is left, and a read the
        // target never made.
        let simulator =
            [answer(200, None, None), answer(400, Some("6090"), Some("capture-amount")), answer(200, None, None)];
        let target = [answer(400, Some("6140"), None), answer(200, None, None)];
        let mut found = vec![
            difference(Kind::Status, (Some(1), Some(1)), None),
            difference(Kind::Status, (Some(2), Some(2)), None),
            difference(Kind::ExchangeOnOneSide, (Some(3), None), None),
            difference(Kind::Outcome, (None, None), None),
        ];
        attribute(&mut found, &simulator, &target, &rules);
        let shown: Vec<(bool, Option<&str>)> = found.iter().map(|d| (d.follows, d.rule.as_deref())).collect();
        assert_eq!(
            shown,
            [
                (false, Some("capture-full-only")),
                (true, Some("capture-full-only")),
                (true, Some("capture-full-only")),
                (true, Some("capture-full-only")),
            ],
            "the simulator's later refusal names its own rule, but it follows from the first difference"
        );
    }

    #[test]
    fn differences_in_the_first_pair_are_all_the_cause() {
        let rules = Rules::parse(LEDGER);
        let token = json!({"operation": "fetchAuthorizationTokenUsingPost", "response": {"status": 200}});
        let mut found = vec![
            difference(Kind::Value, (Some(1), Some(1)), Some("/response/body/expires_in")),
            difference(Kind::Value, (Some(1), Some(1)), Some("/response/body/ext_expires_in")),
            difference(Kind::ExchangeOnOneSide, (None, Some(5)), None),
        ];
        attribute(&mut found, std::slice::from_ref(&token), std::slice::from_ref(&token), &rules);
        let follows: Vec<bool> = found.iter().map(|d| d.follows).collect();
        assert_eq!(follows, [false, false, true]);
        assert!(found.iter().all(|d| d.rule.as_deref() == Some("token-keys")), "{found:#?}");
        attribute(&mut [], &[], &[], &rules);
    }
}
