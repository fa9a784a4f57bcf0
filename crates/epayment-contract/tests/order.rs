//! Scenarios mean what they say whatever the order of their steps: one clock move runs every
//! webhook retry that falls due in it, what the receiver accepted before a long move is still
//! said to be accepted, and a sales-unit setting written before the payment applies to the
//! unit that payment is made on.
//!
//! And the order audit of the setup steps (STEPS.md, "Setup steps and the payment's step"):
//! each setup step written before the payment's step and after it, with the same steps around
//! it. Where the order does not matter both pass; where it does, the wrong order fails with a
//! sentence that says where to write the step.

use epayment_contract::{Options, SnapshotPolicy, Target};

/// Runs `feature` alone on the embedded simulator, writing nothing.
async fn run_alone(feature: &str) -> epayment_contract::Summary {
    let dir = tempfile::tempdir().expect("a folder");
    let features = dir.path().join("features");
    std::fs::create_dir_all(&features).expect("features");
    std::fs::write(features.join("clock.feature"), feature).expect("a feature");
    let mut options = Options::new(Target::Sim);
    options.features = features;
    options.snapshots = dir.path().join("snapshots");
    options.junit = dir.path().join("junit.xml");
    options.report = dir.path().join("report.html");
    options.snapshot_policy = SnapshotPolicy::WriteNothing;
    epayment_contract::run(&options).await.expect("the run")
}

/// Runs `feature` alone and returns how many passed, and the problems.
async fn problems(feature: &str) -> (usize, Vec<String>) {
    let summary = run_alone(feature).await;
    (summary.passed, summary.problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_move_of_ten_seconds_runs_both_retries_of_a_webhook_failed_twice() {
    let feature = "Feature: Retries\n\n  Scenario: Two failures, one move\n    \
        Given a payment of 10.00 NOK has been authorized\n    \
        Then a webhook epayments.payment.authorized.v1 is received for 10.00 NOK\n    \
        Given the webhook receiver fails the next 2 deliveries\n    \
        When the merchant captures 2.50 NOK\n    \
        Then the webhook epayments.payment.captured.v1 is held back\n    \
        When 10 seconds pass\n    \
        Then a webhook epayments.payment.captured.v1 is received for 2.50 NOK\n";
    assert_eq!(problems(feature).await, (1, vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_failure_after_a_long_move_says_what_the_receiver_accepted_before_it() {
    let feature = "Feature: Accepted\n\n  Scenario: Ten minutes later\n    \
        Given a payment of 10.00 NOK has been authorized\n    \
        Then a webhook epayments.payment.authorized.v1 is received for 10.00 NOK\n    \
        When 10 minutes pass\n    \
        Then the webhooks arrive in the order CREATED, CAPTURED\n";
    let (passed, problems) = problems(feature).await;
    assert_eq!(passed, 0);
    assert_eq!(
        problems,
        ["clock.feature:3 Ten minutes later: `Then the webhooks arrive in the order CREATED, CAPTURED` failed: \
          expected the webhooks to arrive in the order CREATED, CAPTURED; the receiver accepted \
          CREATED of 10.00 NOK, AUTHORIZED of 10.00 NOK"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sales_unit_setting_written_before_the_payment_applies_to_the_unit_it_is_made_on() {
    let feature = "Feature: Setup first\n\n  Scenario: Late capture before a Danish payment\n    \
        Given the sales unit has late capture\n    \
        And a payment of 10.00 DKK has been authorized\n    \
        When 179 days pass\n    \
        And the merchant captures 2.50 DKK\n    \
        Then the capture succeeds\n\n  \
        Scenario: Full capture only before a Danish payment\n    \
        Given the sales unit allows only full capture\n    \
        And a payment of 10.00 DKK has been authorized\n    \
        When the merchant captures 2.50 DKK\n    \
        Then the capture is rejected with error code 6140\n\n  \
        Scenario: A Mastercard guarantee of 30 days on a Danish unit with late capture\n    \
        Given the sales unit has late capture\n    \
        And the customer pays with a Mastercard card\n    \
        And a payment of 10.00 DKK has been authorized\n    \
        Then the capture guarantee lasts 30 days\n";
    assert_eq!(problems(feature).await, (3, vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_said_not_to_arrive_that_did_fails_with_the_count() {
    let feature = "Feature: Counted\n\n  Scenario: One captured\n    \
        Given a payment of 10.00 NOK has been authorized\n    \
        When the merchant captures 2.50 NOK\n    \
        Then 1 webhook epayments.payment.captured.v1 arrived\n    \
        And no webhook epayments.payment.captured.v1 arrives\n";
    let (passed, problems) = problems(feature).await;
    assert_eq!(passed, 0);
    assert_eq!(
        problems,
        ["clock.feature:3 One captured: `And no webhook epayments.payment.captured.v1 arrives` failed: expected no \
          epayments.payment.captured.v1 webhook; 1 arrived (the receiver accepted CREATED of 10.00 NOK, \
          AUTHORIZED of 10.00 NOK, CAPTURED of 2.50 NOK)"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_call_of_an_action_is_told_from_any_of_its_calls() {
    let feature = "Feature: Last\n\n  Scenario: Retried\n    \
        Given a payment of 10.00 NOK has been authorized\n    \
        And the API fails the next capture with status 503\n    \
        When the merchant captures 2.50 NOK\n    \
        Then the capture is answered with status 503\n    \
        And the last capture got status 200\n    \
        And the last capture got status 503\n";
    let (passed, problems) = problems(feature).await;
    assert_eq!(passed, 0);
    assert_eq!(
        problems,
        ["clock.feature:3 Retried: `And the last capture got status 503` failed: expected the last capture to get \
          status 503; it got 200 (exchange 4)"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successful_webhook_is_not_taken_for_a_failed_one() {
    let feature = "Feature: Payload\n\n  Scenario: Captured for real\n    \
        Given a payment of 10.00 NOK has been authorized\n    \
        When the merchant captures 2.50 NOK\n    \
        Then a failed webhook epayments.payment.captured.v1 is received for 2.50 NOK\n";
    let (passed, problems) = problems(feature).await;
    assert_eq!(passed, 0);
    assert_eq!(
        problems,
        ["clock.feature:3 Captured for real: `Then a failed webhook epayments.payment.captured.v1 is received for \
          2.50 NOK` failed: expected a signed epayments.payment.captured.v1 webhook with success false for 2.50 NOK; \
          none arrived within 5 s (the receiver accepted CREATED of 10.00 NOK, AUTHORIZED of 10.00 NOK, CAPTURED \
          of 2.50 NOK)"]
    );
}

/// One setup step's case: the step, the payment's step, what follows both, and which order,
/// if any, fails and with what.
struct Case {
    setup: &'static str,
    payment: &'static str,
    then: &'static [&'static str],
    wrong: Wrong,
}

/// The order a setup step may not be written in, and the words its failure has.
enum Wrong {
    /// Either order works.
    Neither,
    /// Written before the payment's step, the scenario fails so.
    Before(&'static str),
    /// Written after the payment's step, the scenario fails so.
    After(&'static str),
}

/// A capture whose first answer never reached the client: sent again, and taken once.
const CAPTURED_ONCE_IN_TWO_SENDINGS: &[&str] = &[
    "When the merchant captures 2.50 NOK",
    "Then the capture was sent 2 times",
    "And the captured amount is 2.50 NOK",
];

const CASES: &[Case] = &[
    Case {
        setup: "the customer pays with a Mastercard card",
        payment: "a payment of 10.00 NOK has been authorized",
        then: &["Then the capture guarantee lasts 30 days"],
        wrong: Wrong::After("write `Given the customer pays with a Mastercard card` before the payment's step"),
    },
    Case {
        setup: "the sales unit is in Finland",
        payment: "a payment of 10.00 EUR has been authorized",
        then: &["When the merchant captures 10.00 EUR", "Then the capture succeeds"],
        wrong: Wrong::After("write `Given the sales unit is in Finland` before the payment's step"),
    },
    Case {
        setup: "the sales unit has late capture",
        payment: "a payment of 10.00 DKK has been authorized",
        then: &["When 179 days pass", "And the merchant captures 2.50 DKK", "Then the capture succeeds"],
        wrong: Wrong::After("late capture must be set before the customer approves"),
    },
    Case {
        setup: "the sales unit allows only full capture",
        payment: "a payment of 10.00 DKK has been authorized",
        then: &["When the merchant captures 2.50 DKK", "Then the capture is rejected with error code 6140"],
        wrong: Wrong::Neither,
    },
    Case {
        setup: "the issuer releases the reservation when the capture guarantee ends",
        payment: "a payment of 10.00 NOK has been authorized",
        then: &[
            "When 8 days pass",
            "And the merchant captures 2.50 NOK",
            "Then the capture is rejected with error code 6260",
        ],
        wrong: Wrong::Neither,
    },
    Case {
        setup: "the API fails the next capture with status 503",
        payment: "a payment of 10.00 NOK has been authorized",
        then: &[
            "When the merchant captures 2.50 NOK",
            "Then the capture is answered with status 503",
            "And the capture succeeds",
        ],
        wrong: Wrong::Neither,
    },
    Case {
        setup: "the API refuses the next capture with error code 6280",
        payment: "a payment of 10.00 NOK has been authorized",
        then: &[
            "When the merchant captures 2.50 NOK",
            "Then the capture is answered with status 400",
            "And the event log shows a failed CAPTURED of 2.50 NOK",
        ],
        wrong: Wrong::Neither,
    },
    Case {
        setup: "the API loses the answer to the next capture",
        payment: "a payment of 10.00 NOK has been authorized",
        then: CAPTURED_ONCE_IN_TWO_SENDINGS,
        wrong: Wrong::Neither,
    },
    Case {
        setup: "the API drops the connection of the next capture",
        payment: "a payment of 10.00 NOK has been authorized",
        then: CAPTURED_ONCE_IN_TWO_SENDINGS,
        wrong: Wrong::Neither,
    },
    Case {
        setup: "the API answers the next capture only after 20 ms",
        payment: "a payment of 10.00 NOK has been authorized",
        then: &["When the merchant captures 2.50 NOK", "Then the capture was sent 1 time", "And the capture succeeds"],
        wrong: Wrong::Neither,
    },
    // A Danish payment: the client is made again for the Danish unit, and keeps the timeout.
    Case {
        setup: "the client gives up on an attempt after 250 ms",
        payment: "a payment of 10.00 DKK has been authorized",
        then: &[
            "Given the API answers the next capture only after 750 ms",
            "When the merchant captures 2.50 DKK",
            "Then the capture was sent 2 times",
            "And the captured amount is 2.50 DKK",
        ],
        wrong: Wrong::Neither,
    },
    // Before the payment's step there is no token yet to expire.
    Case {
        setup: "the access token has expired",
        payment: "a payment of 10.00 NOK has been authorized",
        then: &["When the merchant captures 2.50 NOK", "Then 1 call got status 401", "And the capture succeeds"],
        wrong: Wrong::Before("write `Given the access token has expired` after the payment's step"),
    },
    Case {
        setup: "the webhook receiver fails the next 1 delivery",
        payment: "a payment of 10.00 NOK has been authorized",
        then: &[
            "When the merchant captures 2.50 NOK",
            "And 10 seconds pass",
            "Then the webhooks arrive in the order CREATED, AUTHORIZED, CAPTURED",
        ],
        wrong: Wrong::Neither,
    },
    Case {
        setup: "the customer does nothing for 11 minutes",
        payment: "a payment of 10.00 NOK has been created",
        then: &["Then the payment state is CREATED"],
        wrong: Wrong::After("expected the payment state to be CREATED, it is EXPIRED"),
    },
    Case {
        setup: "11 minutes pass",
        payment: "a payment of 10.00 NOK has been created",
        then: &["Then the payment state is CREATED"],
        wrong: Wrong::After("expected the payment state to be CREATED, it is EXPIRED"),
    },
];

/// The feature of every case, each as two scenarios: `<n> before` and `<n> after`.
fn feature() -> String {
    let mut text = String::from("Feature: Setup order\n");
    for (n, case) in CASES.iter().enumerate() {
        let then = case.then.iter().map(|line| format!("    {line}\n")).collect::<String>();
        text.push_str(&format!(
            "\n  Scenario: {n} before\n    Given {}\n    And {}\n{then}\n  Scenario: {n} after\n    Given {}\n    And {}\n{then}",
            case.setup, case.payment, case.payment, case.setup
        ));
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_setup_step_works_in_either_order_or_the_wrong_order_says_where_to_write_it() {
    let summary = run_alone(&feature()).await;
    let ran = |name: String| {
        let record = summary.records.iter().find(|r| r.scenario == name);
        record.unwrap_or_else(|| panic!("{name} did not run")).clone()
    };
    let mut wrong = Vec::new();
    for (n, case) in CASES.iter().enumerate() {
        let (before, after) = match case.wrong {
            Wrong::Neither => (None, None),
            Wrong::Before(words) => (Some(words), None),
            Wrong::After(words) => (None, Some(words)),
        };
        for (order, expected) in [("before", before), ("after", after)] {
            match (expected, ran(format!("{n} {order}")).failure()) {
                (None, None) => {}
                (Some(words), Some(failure)) if failure.contains(words) => {}
                (expected, got) => wrong.push(format!(
                    "`{}` {order} the payment: expected {}, got {got:?}",
                    case.setup,
                    expected.map_or("a pass".to_owned(), |w| format!("a failure saying {w:?}"))
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
