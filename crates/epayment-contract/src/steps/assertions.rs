//! What must be true afterwards: how an action ended, what the API answered, and what the
//! payment, its aggregate and its event log say.

use cucumber::gherkin::Table;
use epayment::{Amount, Error, EventName, PaymentEvent, State};

use super::{StepDef, THEN, step};
use crate::steps::params::{Action, EventNames, Money, Period, Total};
use crate::world::{Outcome, PaymentWorld};

pub(super) const STEPS: &[StepDef] = &[
    StepDef {
        keywords: THEN,
        pattern: "the {action} succeeds",
        example: "the capture succeeds",
        run: step!(succeeds(Action)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the {action} is rejected with error code {int}",
        example: "the capture is rejected with error code 6090",
        run: step!(rejected_with_code(Action, u32)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the {action} is rejected with status {int}",
        example: "the capture is rejected with status 409",
        run: step!(rejected_with_status(Action, u16)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the {action} is refused before sending",
        example: "the capture is refused before sending",
        run: step!(refused_before_sending(Action)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the {action} is answered with status {int}",
        example: "the refund is answered with status 429",
        run: step!(answered_with_status(Action, u16)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the last {action} got status {int}",
        example: "the last capture got status 200",
        run: step!(last_got_status(Action, u16)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the aggregate is:",
        example: "the aggregate is:",
        run: step!(aggregate_is(table)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the {total} amount is {money}",
        example: "the captured amount is 2.50 NOK",
        run: step!(total_is(Total, Money)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the payment state is {word}",
        example: "the payment state is AUTHORIZED",
        run: step!(state_is(String)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the first payment's state is {word}",
        example: "the first payment's state is AUTHORIZED",
        run: step!(first_state_is(String)),
    },
    StepDef {
        keywords: THEN,
        pattern: "{int} call(s) got status {int}",
        example: "1 call got status 429",
        run: step!(calls_got_status(usize, u16)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the event log shows {word} of {money}",
        example: "the event log shows CAPTURED of 2.50 NOK",
        run: step!(event_logged(String, Money)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the event log shows a failed {word} of {money}",
        example: "the event log shows a failed CAPTURED of 2.50 NOK",
        run: step!(failed_event_logged(String, Money)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the capture guarantee lasts {period}",
        example: "the capture guarantee lasts 7 days",
        run: step!(guarantee_lasts(Period)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the event log is in the order {events}",
        example: "the event log is in the order CREATED, AUTHORIZED, CAPTURED",
        run: step!(event_log_order(EventNames)),
    },
];

async fn succeeds(w: &mut PaymentWorld, action: Action) {
    let outcome = outcome(w, action);
    if outcome.result.is_err() {
        panic!("expected the {} to succeed; {}", action.noun(), what_happened(outcome));
    }
}

async fn rejected_with_code(w: &mut PaymentWorld, action: Action, code: u32) {
    let outcome = outcome(w, action);
    if !matches!(&outcome.result, Err(e) if e.code().map(|c| c.code()) == Some(code)) {
        panic!("expected the {} to be rejected with error code {code}; {}", action.noun(), what_happened(outcome));
    }
}

async fn rejected_with_status(w: &mut PaymentWorld, action: Action, status: u16) {
    let outcome = outcome(w, action);
    if !matches!(&outcome.result, Err(e) if e.status() == Some(status)) {
        panic!("expected the {} to be rejected with status {status}; {}", action.noun(), what_happened(outcome));
    }
}

async fn refused_before_sending(w: &mut PaymentWorld, action: Action) {
    let outcome = outcome(w, action);
    if !matches!(&outcome.result, Err(Error::InvalidInput(_))) {
        panic!("expected the {} to be refused before sending; {}", action.noun(), what_happened(outcome));
    }
}

async fn answered_with_status(w: &mut PaymentWorld, action: Action, status: u16) {
    let numbers = outcome(w, action).exchanges.clone();
    let answers: Vec<(usize, u16)> = {
        let exchanges = w.exchanges();
        numbers.iter().filter_map(|n| exchanges.get(n - 1).map(|e| (*n, e.response.status))).collect()
    };
    if answers.iter().any(|(_, s)| *s == status) {
        w.trail.look_at(answers.iter().filter(|(_, s)| *s == status).map(|(n, _)| *n));
        return;
    }
    w.trail.look_at(numbers.iter().copied());
    let seen: Vec<String> = answers.iter().map(|(n, s)| format!("{s} (exchange {n})")).collect();
    let seen = if seen.is_empty() { "it made no call the simulator saw".to_owned() } else { seen.join(", ") };
    panic!(
        "expected a call of the {} to be answered with status {status}; its calls were answered {seen}",
        action.noun()
    );
}

/// The answer to the last call the last step of that action made (after the client's retries),
/// where `is answered with status` takes any of its calls.
async fn last_got_status(w: &mut PaymentWorld, action: Action, status: u16) {
    let last = outcome(w, action).exchanges.last().copied();
    let got = last.and_then(|n| w.exchanges().get(n - 1).map(|e| e.response.status));
    w.trail.look_at(last);
    match (last, got) {
        (Some(_), Some(got)) if got == status => {}
        (Some(n), Some(got)) => {
            panic!("expected the last {} to get status {status}; it got {got} (exchange {n})", action.noun())
        }
        _ => panic!("expected the last {} to get status {status}; it made no call the simulator saw", action.noun()),
    }
}

async fn aggregate_is(w: &mut PaymentWorld, table: Option<&Table>) {
    let table = table.unwrap_or_else(|| panic!("`the aggregate is:` needs a table"));
    let [header, row] = table.rows.as_slice() else {
        panic!("the aggregate table has a header row and one row of money")
    };
    let payment = read_payment(w).await;
    let wrong = aggregate_differences(header, row, &payment.aggregate);
    assert!(wrong.is_empty(), "expected {}", wrong.join("; and "));
}

/// How `aggregate` differs from a table's `row` of money under its `header` of totals, each as
/// `the captured amount to be 2.50 NOK, it is 0.00 NOK`.
pub(super) fn aggregate_differences(header: &[String], row: &[String], aggregate: &epayment::Aggregate) -> Vec<String> {
    let mut wrong = Vec::new();
    for (name, cell) in header.iter().zip(row) {
        let total: Total = name.trim().parse().unwrap_or_else(|e| panic!("column {name}: {e}"));
        let expected: Money = cell.trim().parse().unwrap_or_else(|e| panic!("{e}"));
        let actual = total.of(aggregate);
        if *actual != expected.0 {
            wrong.push(format!("the {} amount to be {}, it is {actual}", name.trim(), expected.0));
        }
    }
    wrong
}

async fn total_is(w: &mut PaymentWorld, total: Total, money: Money) {
    let payment = read_payment(w).await;
    let actual = total.of(&payment.aggregate);
    assert!(*actual == money.0, "expected the {} amount to be {}, it is {actual}", total.word(), money.0);
}

async fn state_is(w: &mut PaymentWorld, state: String) {
    let expected: State = state.parse().unwrap_or_else(|_| panic!("{state} is not a state"));
    let payment = read_payment(w).await;
    assert!(payment.state == expected, "expected the payment state to be {expected}, it is {}", payment.state);
}

/// The state of the scenario's first payment, once `a second payment ...` moved on from it.
async fn first_state_is(w: &mut PaymentWorld, state: String) {
    let expected: State = state.parse().unwrap_or_else(|_| panic!("{state} is not a state"));
    let first = w.earlier_payments.first().cloned().unwrap_or_else(|| {
        panic!("the scenario has one payment: `the first payment` needs `Given a second payment of ... has been authorized`")
    });
    let payment = w.client().payment(&first).await.unwrap_or_else(|e| panic!("reading the first payment: {e}"));
    w.look_at_new_exchanges();
    assert!(payment.state == expected, "expected the first payment's state to be {expected}, it is {}", payment.state);
}

async fn calls_got_status(w: &mut PaymentWorld, count: usize, status: u16) {
    let got: Vec<(usize, String)> = w
        .exchanges()
        .iter()
        .enumerate()
        .filter(|(_, e)| e.response.status == status)
        .map(|(i, e)| (i + 1, e.operation.clone()))
        .collect();
    w.trail.look_at(got.iter().map(|(n, _)| *n));
    if got.len() == count {
        return;
    }
    let calls = |n: usize| if n == 1 { "call".to_owned() } else { format!("{n} calls") };
    let how = if status >= 400 { "refused with" } else { "answered" };
    let expected = match count {
        0 => format!("expected no call to be {how} {status}"),
        n => format!("expected {} to be {how} {status}", if n == 1 { "1 call".to_owned() } else { calls(n) }),
    };
    let which: Vec<String> = got.iter().map(|(n, op)| format!("{op} (exchange {n})")).collect();
    match got.len() {
        0 => panic!("{expected}; none was"),
        1 => panic!("{expected}; {} was", which.join("")),
        _ => panic!("{expected}; {} were: {}", got.len(), which.join(", ")),
    }
}

async fn event_logged(w: &mut PaymentWorld, name: String, money: Money) {
    assert_event_logged(w, &name, &money.0, true).await;
}

async fn failed_event_logged(w: &mut PaymentWorld, name: String, money: Money) {
    assert_event_logged(w, &name, &money.0, false).await;
}

/// `captureGuaranteedUntil` on Get payment, counted from the AUTHORIZED event.
async fn guarantee_lasts(w: &mut PaymentWorld, period: Period) {
    let until = read_payment(w).await.capture_guaranteed_until();
    let until =
        until.unwrap_or_else(|| panic!("expected the payment to say until when a capture is guaranteed; it does not"));
    let events = read_events(w).await;
    let authorized = events.iter().find(|e| e.name == EventName::Authorized);
    let authorized =
        authorized.unwrap_or_else(|| panic!("expected an authorized payment; it is {}", logged_list(&events)));
    let lasts = Period((until - authorized.timestamp).to_std().unwrap_or_default());
    assert!(lasts == period, "expected the capture guarantee to last {period}; it lasts {lasts}");
}

async fn event_log_order(w: &mut PaymentWorld, names: EventNames) {
    let events = read_events(w).await;
    let logged: Vec<&EventName> = events.iter().map(|e| &e.name).collect();
    if logged.iter().copied().eq(names.0.iter()) {
        return;
    }
    panic!("expected the event log in the order {names}; it is {}", logged_list(&events));
}

/// An event of that name, amount and outcome in the payment's event log.
async fn assert_event_logged(w: &mut PaymentWorld, name: &str, amount: &Amount, success: bool) {
    let expected: EventName = name.parse().unwrap_or_else(|_| panic!("{name} is not an event name"));
    let events = read_events(w).await;
    let found = events.iter().any(|e| e.name == expected && e.amount == *amount && e.success == success);
    let what = if success { "" } else { "failed " };
    assert!(found, "expected {what}{name} of {amount} in the event log; it has {}", logged_list(&events));
}

/// The event log as a sentence lists it: `CREATED of 10.00 NOK, failed CAPTURED of 2.50 NOK`.
fn logged_list(events: &[PaymentEvent]) -> String {
    if events.is_empty() {
        return "no event".to_owned();
    }
    let each = events.iter().map(|e| format!("{}{} of {}", if e.success { "" } else { "failed " }, e.name, e.amount));
    each.collect::<Vec<_>>().join(", ")
}

/// The payment as the API tells it now (the exchange that read it is what the step looked at).
pub(super) async fn read_payment(w: &mut PaymentWorld) -> epayment::Payment {
    let payment = w.client().payment(&w.reference()).await.unwrap_or_else(|e| panic!("reading the payment: {e}"));
    w.look_at_new_exchanges();
    payment
}

/// The payment's event log as the API tells it now.
pub(super) async fn read_events(w: &mut PaymentWorld) -> Vec<PaymentEvent> {
    let events = w.client().events(&w.reference()).await.unwrap_or_else(|e| panic!("reading the event log: {e}"));
    w.look_at_new_exchanges();
    events
}

/// How the action ended, marking its last exchange as what the step looked at.
fn outcome(w: &mut PaymentWorld, action: Action) -> &Outcome {
    let last = w.outcomes.get(&action).and_then(|o| o.exchanges.last().copied());
    w.trail.look_at(last);
    w.outcomes.get(&action).unwrap_or_else(|| panic!("no {} happened in this scenario", action.noun()))
}

/// How an outcome ended, as the second half of a sentence: `it succeeded`, `it was rejected
/// with status 400 and error code 6090 (only 0.00 NOK is left to capture)`.
pub(super) fn what_happened(outcome: &Outcome) -> String {
    let mut text = match &outcome.result {
        Ok(()) => "it succeeded".to_owned(),
        Err(Error::InvalidInput(why)) => format!("it was refused before sending ({why})"),
        Err(Error::Api(problem)) => {
            let mut text = format!("it was rejected with status {}", problem.status);
            if let Some(code) = problem.code {
                text.push_str(&format!(" and error code {}", code.code()));
            }
            if let Some(detail) = &problem.detail {
                text.push_str(&format!(" ({detail})"));
            }
            text
        }
        Err(other) => format!("it failed: {other}"),
    };
    if let Some(last) = outcome.exchanges.last() {
        text.push_str(&format!(" (exchange {last})"));
    }
    text
}
