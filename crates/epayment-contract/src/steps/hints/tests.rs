//! Hints as a newcomer meets them: slips in money, spelling and parameters.

use std::path::Path;

use super::*;
use crate::running::selection::load;
use Keyword::{Given, Then, When};
use cucumber::World as _;

/// Every step of the features under `dir` that the library cannot run.
fn check_features(dir: &Path) -> Result<Vec<StepProblem>, String> {
    Ok(check(&load(dir)?, &crate::steps::collection()?))
}

fn first_suggestion(keyword: Keyword, text: &str) -> String {
    advise(keyword, text).1.first().map(|s| s.0.clone()).unwrap_or_default()
}

#[test]
fn money_slips_get_a_hint_and_the_right_step() {
    let (hints, suggestions) = advise(Given, "a payment of 10,00 NOK has been authorized");
    assert_eq!(hints, ["{money} is written with a decimal point, not a comma: `10.00 NOK`"]);
    assert_eq!(suggestions[0].0, "Given a payment of {money} has been authorized");
    assert_eq!(suggestions[0].1, "Given a payment of 10.00 NOK has been authorized");
    let (hints, _) = advise(Given, "a payment of 10 NOK has been created");
    assert_eq!(hints, ["{money} has two decimals: `10.00 NOK`"]);
    let (hints, _) = advise(When, "the merchant captures NOK 10.00");
    assert_eq!(hints, ["{money} has the amount first, then the currency: `10.00 NOK`"]);
    let (hints, _) = advise(When, "the merchant captures 2.50 nok");
    assert_eq!(hints, ["{money} is an amount, a space and an upper-case currency code: `2.50 NOK`"]);
}

#[test]
fn spelling_slips_find_the_step_meant() {
    assert_eq!(
        first_suggestion(Given, "a payment of 10.00 NOK has been authorised"),
        "Given a payment of {money} has been authorized"
    );
    assert_eq!(first_suggestion(When, "the merchant capture 2.50 NOK"), "When the merchant captures {money}");
    assert_eq!(first_suggestion(Then, "the captured amount should be 2.50 NOK"), "Then the {total} amount is {money}");
}

#[test]
fn the_steps_qa_reached_for_are_found_from_their_slips() {
    let (hints, suggestions) = advise(Given, "the sales unit is in Finnish");
    assert_eq!(hints, ["`Finnish` is not a {market}; one of: Norway, Denmark, Finland: write `Finland`"]);
    assert_eq!(suggestions[0].0, "Given the sales unit is in {market}");
    assert_eq!(first_suggestion(Given, "the sales unit is Danish"), "Given the sales unit is in {market}");
    let (hints, _) = advise(When, "the merchant creates a payment of 10.00 NOK with reference order-1002");
    assert_eq!(hints, ["{string} is text in double quotes: write \"order-1002\""]);
    assert_eq!(
        first_suggestion(When, "the merchant creates a payment of 10.00 NOK with a reference already taken"),
        "When the merchant creates a payment of {money} with the reference already taken"
    );
    assert_eq!(
        first_suggestion(When, "the merchant captures 10.00 NOK and cancels the payment at once"),
        "When the merchant captures {money} and cancels the payment at the same time"
    );
    assert_eq!(
        first_suggestion(When, "the customer with phone number \"4712345678\" approves the payment"),
        "When the test customer with phone number {string} approves the payment"
    );
    assert_eq!(
        first_suggestion(Given, "the API answers the next capture after 300 ms"),
        "Given the API answers the next {action} only after {int} ms"
    );
    assert_eq!(
        first_suggestion(Given, "the client times out an attempt after 100 ms"),
        "Given the client gives up on an attempt after {int} ms"
    );
    assert_eq!(
        first_suggestion(Then, "exactly one of capture and cancel succeeds"),
        "Then exactly one of the {action} and the {action} succeeds"
    );
    assert_eq!(first_suggestion(Then, "the capture was sent twice"), "Then the {action} was sent {int} time(s)");
    assert_eq!(
        first_suggestion(Given, "a second payment of 5.00 NOK is authorized"),
        "Given a second payment of {money} has been authorized"
    );
    assert_eq!(
        first_suggestion(When, "the merchant refunds 1.00 NOK with the idempotency key \"r1\""),
        "When the merchant refunds {money} with idempotency key {string}"
    );
}

#[test]
fn other_parameters_get_hints_too() {
    let (hints, _) = advise(When, "the merchant captures 2.50 NOK with idempotency key order-1");
    assert_eq!(hints, ["{string} is text in double quotes: write \"order-1\""]);
    let (hints, _) = advise(Then, "the payout succeeds");
    assert!(hints.iter().any(|h| h.starts_with("`payout` is not an {action}; one of: capture")), "{hints:?}");
    let (hints, _) = advise(Then, "the paid amount is 2.50 NOK");
    assert!(hints.iter().any(|h| h.starts_with("`paid` is not a {total}")), "{hints:?}");
    // Another word as well (authorised): the money is judged as what looks like money.
    let (hints, _) = advise(Given, "a payment of 10.00 ABC has been authorised");
    assert_eq!(hints, ["`ABC` is not a currency the API takes (NOK, DKK, EUR, SEK, USD, GBP)"]);
    let (hints, suggestions) = advise(Given, "a payment of 10,00 NOK has been authorised");
    assert_eq!(hints, ["{money} is written with a decimal point, not a comma: `10.00 NOK`"]);
    assert_eq!(suggestions[0].0, "Given a payment of {money} has been authorized");
    let (hints, _) = advise(When, "the merchant capture 2.50 NOK");
    assert!(hints.is_empty(), "money that is right is not blamed: {hints:?}");
    let (hints, _) = advise(Given, "a payment of 10.00 ABC has been created");
    assert_eq!(hints, ["`ABC` is not a currency the API takes (NOK, DKK, EUR, SEK, USD, GBP)"]);
    let (hints, suggestions) = advise(Then, "the webhooks arrive in the order created authorized captured");
    assert_eq!(
        hints,
        ["{events} is event names in capitals, separated by a comma and a space: `CREATED, AUTHORIZED, CAPTURED`"]
    );
    assert_eq!(suggestions[0].0, "Then the webhooks arrive in the order {events}");
    let (hints, _) = advise(Then, "the event log is in the order CREATED, DISPUTED");
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(hints[0].starts_with("DISPUTED is not an event name; one of: CREATED,"), "{hints:?}");
    let (hints, _) = advise(Given, "ten days pass");
    assert!(hints.iter().any(|h| h.starts_with("{period} is a whole number and a unit")), "{hints:?}");
}

#[test]
fn alternatives_are_read_both_ways() {
    assert_eq!(advice::variants("{period} pass(es)"), ["{period} pass", "{period} passes"]);
    assert_eq!(
        advice::variants("at least {period} has/have passed"),
        ["at least {period} has passed", "at least {period} have passed"]
    );
}

#[test]
fn the_committed_features_have_no_problem() {
    let dir = crate::paths::workspace_root().join("features");
    assert_eq!(check_features(&dir).expect("features parse"), []);
}

/// A step library in which one text matches two steps.
#[derive(Debug, Default, cucumber::World)]
struct Overlapping;

#[cucumber::given(expr = "a payment of {int} øre")]
fn by_expression(_world: &mut Overlapping, _amount: u32) {}

#[cucumber::given(regex = r"^a payment of (\d+) øre$")]
fn by_regex(_world: &mut Overlapping, _amount: String) {}

#[test]
fn an_ambiguous_step_names_both_candidates() {
    let dir = std::env::temp_dir().join(format!("epayment-hints-ambiguous-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("a.feature"), "Feature: a\n  Scenario: s\n    Given a payment of 5 øre\n").expect("write");
    let problems = load(&dir).map(|features| check(&features, &Overlapping::collection()));
    std::fs::remove_dir_all(&dir).ok();
    let problems = problems.expect("parses");
    assert_eq!(problems.len(), 1);
    let ProblemKind::Ambiguous(candidates) = &problems[0].kind else { panic!("{problems:?}") };
    assert_eq!(candidates.len(), 2, "{candidates:?}");
    assert!(candidates.iter().any(|c| c == r"^a payment of (\d+) øre$"), "{candidates:?}");
    assert!(problems[0].to_string().contains("matches more than one step:"), "{}", problems[0]);
}

#[test]
fn a_feature_with_slips_is_reported_step_by_step() {
    let dir = std::env::temp_dir().join(format!("epayment-hints-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("slips.feature"),
        "Feature: slips\n  Scenario: s\n    Given a payment of 10,00 NOK has been authorized\n    When the merchant capture 2.50 NOK\n    Then the capture succeeds\n",
    )
    .expect("write");
    let problems = check_features(&dir).expect("parses");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(problems[0].kind, ProblemKind::Unmatched);
    let text = render(&problems);
    assert!(
        text.contains("slips.feature:3: `Given a payment of 10,00 NOK has been authorized` matches no step"),
        "{text}"
    );
    assert!(text.contains("  hint: {money} is written with a decimal point"), "{text}");
    let explained = problems[0].explanation();
    assert_eq!(explained.matches("decimal point").count(), 1, "a normal run says the hint once: {explained}");
    assert!(
        text.contains(
            "  did you mean:\n    When the merchant captures {money}\n        e.g. When the merchant captures 2.50 NOK"
        ),
        "{text}"
    );
}
