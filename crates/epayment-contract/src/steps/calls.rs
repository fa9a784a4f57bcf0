//! Calls sent at once, and how many times a call was sent: a capture racing a cancel, with
//! assertions that hold whichever the API took first, and the attempts a client's retries made.

use cucumber::gherkin::Table;
use epayment::{Aggregate, EventName};

use super::assertions::{aggregate_differences, read_events, read_payment, what_happened};
use super::{StepDef, THEN, WHEN, step};
use crate::steps::params::{Action, Money};
use crate::world::PaymentWorld;

pub(super) const STEPS: &[StepDef] = &[
    StepDef {
        keywords: WHEN,
        pattern: "the merchant captures {money} and cancels the payment at the same time",
        example: "the merchant captures 10.00 NOK and cancels the payment at the same time",
        run: step!(capture_and_cancel_at_once(Money)),
    },
    StepDef {
        keywords: THEN,
        pattern: "exactly one of the {action} and the {action} succeeds",
        example: "exactly one of the capture and the cancel succeeds",
        run: step!(exactly_one_succeeds(Action, Action)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the aggregate is one of:",
        example: "the aggregate is one of:",
        run: step!(aggregate_is_one_of(table)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the aggregate adds up",
        example: "the aggregate adds up",
        run: step!(aggregate_adds_up),
    },
    StepDef {
        keywords: THEN,
        pattern: "the {action} was sent {int} time(s)",
        example: "the capture was sent 2 times",
        run: step!(sent_times(Action, usize)),
    },
];

/// Both calls leave before either is answered; which one the API applies first is its own
/// business, so the `Then` steps that follow hold for either order.
async fn capture_and_cancel_at_once(w: &mut PaymentWorld, money: Money) {
    let (reference, client) = (w.reference(), w.client());
    let (captured, cancelled) =
        tokio::join!(client.capture(&reference, money.0).send(), client.cancel(&reference).send());
    w.keep_outcomes(vec![(Action::Capture, captured.map(drop)), (Action::Cancel, cancelled.map(drop))]);
}

async fn exactly_one_succeeds(w: &mut PaymentWorld, first: Action, second: Action) {
    let outcome = |action: Action| {
        w.outcomes.get(&action).unwrap_or_else(|| panic!("no {} happened in this scenario", action.noun()))
    };
    let (a, b) = (outcome(first), outcome(second));
    if a.result.is_ok() != b.result.is_ok() {
        return;
    }
    let both = if a.result.is_ok() { "both succeeded" } else { "neither succeeded" };
    panic!(
        "expected exactly one of the {} and the {} to succeed; {both}: the {} {}, the {} {}",
        first.noun(),
        second.noun(),
        first.noun(),
        what_happened(a),
        second.noun(),
        what_happened(b)
    );
}

/// A table with a header row and one row of money per outcome the scenario allows.
async fn aggregate_is_one_of(w: &mut PaymentWorld, table: Option<&Table>) {
    let table = table.unwrap_or_else(|| panic!("`the aggregate is one of:` needs a table"));
    let [header, rows @ ..] = table.rows.as_slice() else { panic!("the aggregate table has a header row") };
    assert!(!rows.is_empty(), "the aggregate table has a header row and at least one row of money");
    let aggregate = read_payment(w).await.aggregate;
    if rows.iter().any(|row| aggregate_differences(header, row, &aggregate).is_empty()) {
        return;
    }
    panic!("expected the aggregate to be one of the {} rows; it is {}", rows.len(), shown(&aggregate));
}

/// What the API's books must say whatever happened: no more captured and cancelled than was
/// authorized, no more refunded than captured, and each total the sum of its successful
/// events in the event log.
async fn aggregate_adds_up(w: &mut PaymentWorld) {
    let aggregate = read_payment(w).await.aggregate;
    let events = read_events(w).await;
    let minor = |amount: &epayment::Amount| amount.minor_units();
    let logged = |name: EventName| -> i64 {
        events.iter().filter(|e| e.success && e.name == name).map(|e| minor(&e.amount)).sum()
    };
    let mut wrong = Vec::new();
    if minor(&aggregate.captured) + minor(&aggregate.cancelled) > minor(&aggregate.authorized) {
        wrong.push("more is captured and cancelled than was authorized".to_owned());
    }
    if minor(&aggregate.refunded) > minor(&aggregate.captured) {
        wrong.push("more is refunded than was captured".to_owned());
    }
    for (total, amount, name) in [
        ("authorized", &aggregate.authorized, EventName::Authorized),
        ("captured", &aggregate.captured, EventName::Captured),
        ("cancelled", &aggregate.cancelled, EventName::Cancelled),
        ("refunded", &aggregate.refunded, EventName::Refunded),
    ] {
        let sum = logged(name.clone());
        if minor(amount) != sum {
            wrong.push(format!("the {total} amount is {amount} but its {name} events add up to {sum} minor units"));
        }
    }
    assert!(wrong.is_empty(), "expected the aggregate to add up; {} (it is {})", wrong.join("; "), shown(&aggregate));
}

/// The calls the last step of that action sent to the API (a retried call is sent again).
async fn sent_times(w: &mut PaymentWorld, action: Action, times: usize) {
    let outcome = w.outcomes.get(&action).unwrap_or_else(|| panic!("no {} happened in this scenario", action.noun()));
    let numbers = outcome.exchanges.clone();
    let operation = action.endpoint().map(epayment_sim::Endpoint::id);
    let sent: Vec<usize> = {
        let exchanges = w.exchanges();
        let of_action = |n: &usize| exchanges.get(n - 1).is_some_and(|e| operation.is_none_or(|op| e.operation == op));
        numbers.into_iter().filter(of_action).collect()
    };
    w.trail.look_at(sent.iter().copied());
    let list = sent.iter().map(|n| format!("exchange {n}")).collect::<Vec<_>>().join(", ");
    assert!(
        sent.len() == times,
        "expected the {} to be sent {times} time(s); it was sent {} time(s){}",
        action.noun(),
        sent.len(),
        if list.is_empty() { String::new() } else { format!(" ({list})") }
    );
}

/// An aggregate as a sentence gives it.
fn shown(a: &Aggregate) -> String {
    format!("authorized {}, captured {}, cancelled {}, refunded {}", a.authorized, a.captured, a.cancelled, a.refunded)
}
