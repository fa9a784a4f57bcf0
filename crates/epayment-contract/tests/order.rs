//! Scenarios mean what they say whatever the order of their steps: one clock move runs every
//! webhook retry that falls due in it, what the receiver accepted before a long move is still
//! said to be accepted, and a sales-unit setting written before the payment applies to the
//! unit that payment is made on.

use epayment_contract::{Options, SnapshotPolicy, Target};

/// Runs `feature` alone on the embedded simulator, writing nothing, and returns the problems.
async fn problems(feature: &str) -> (usize, Vec<String>) {
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
    let summary = epayment_contract::run(&options).await.expect("the run");
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
