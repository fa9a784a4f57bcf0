//! What must be true afterwards: how an action ended, what the API answered, and what the
//! payment, its aggregate and its event log say.

use cucumber::gherkin::Table;
use epayment::{Amount, Error, EventName, State};

use super::{StepDef, THEN, step};
use crate::params::{Action, Money, Total};
use crate::world::PaymentWorld;

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
];

async fn succeeds(w: &mut PaymentWorld, action: Action) {
    match outcome(w, action) {
        Ok(()) => {}
        Err(e) => panic!("the {action:?} failed: {e}"),
    }
}

async fn rejected_with_code(w: &mut PaymentWorld, action: Action, code: u32) {
    match outcome(w, action) {
        Err(e) if e.code().map(|c| c.code()) == Some(code) => {}
        Err(e) => panic!("the {action:?} was rejected, but not with error code {code}: {e}"),
        Ok(()) => panic!("the {action:?} succeeded; expected error code {code}"),
    }
}

async fn rejected_with_status(w: &mut PaymentWorld, action: Action, status: u16) {
    match outcome(w, action) {
        Err(e) if e.status() == Some(status) => {}
        Err(e) => panic!("the {action:?} was rejected, but not with status {status}: {e}"),
        Ok(()) => panic!("the {action:?} succeeded; expected status {status}"),
    }
}

async fn refused_before_sending(w: &mut PaymentWorld, action: Action) {
    match outcome(w, action) {
        Err(Error::InvalidInput(_)) => {}
        Err(e) => panic!("the {action:?} was sent and refused by the API, not refused before sending: {e}"),
        Ok(()) => panic!("the {action:?} succeeded; expected it to be refused before sending"),
    }
}

async fn aggregate_is(w: &mut PaymentWorld, table: Option<&Table>) {
    let table = table.unwrap_or_else(|| panic!("`the aggregate is:` needs a table"));
    let [header, row] = table.rows.as_slice() else {
        panic!("the aggregate table has a header row and one row of money")
    };
    let payment = w.client().payment(&w.reference()).await.unwrap_or_else(|e| panic!("reading the payment: {e}"));
    for (name, cell) in header.iter().zip(row) {
        let total: Total = name.trim().parse().unwrap_or_else(|e| panic!("column {name}: {e}"));
        let expected: Money = cell.trim().parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(total.of(&payment.aggregate), &expected.0, "{name} amount");
    }
}

async fn total_is(w: &mut PaymentWorld, total: Total, money: Money) {
    let payment = w.client().payment(&w.reference()).await.unwrap_or_else(|e| panic!("reading the payment: {e}"));
    assert_eq!(total.of(&payment.aggregate), &money.0, "{total:?} amount");
}

async fn state_is(w: &mut PaymentWorld, state: String) {
    let payment = w.client().payment(&w.reference()).await.unwrap_or_else(|e| panic!("reading the payment: {e}"));
    let expected: State = state.parse().unwrap_or_else(|_| panic!("{state} is not a state"));
    assert_eq!(payment.state, expected);
}

async fn calls_got_status(w: &mut PaymentWorld, count: usize, status: u16) {
    let statuses: Vec<u16> = w.sim().exchanges().iter().map(|e| e.response.status).collect();
    let got = statuses.iter().filter(|s| **s == status).count();
    assert_eq!(got, count, "calls with status {status}; the statuses were {statuses:?}");
}

async fn event_logged(w: &mut PaymentWorld, name: String, money: Money) {
    assert_event_logged(w, &name, &money.0, true).await;
}

async fn failed_event_logged(w: &mut PaymentWorld, name: String, money: Money) {
    assert_event_logged(w, &name, &money.0, false).await;
}

/// An event of that name, amount and outcome in the payment's event log.
async fn assert_event_logged(w: &PaymentWorld, name: &str, amount: &Amount, success: bool) {
    let expected: EventName = name.parse().unwrap_or_else(|_| panic!("{name} is not an event name"));
    let events = w.client().events(&w.reference()).await.unwrap_or_else(|e| panic!("reading the event log: {e}"));
    let found = events.iter().any(|e| e.name == expected && e.amount == *amount && e.success == success);
    let seen: Vec<String> = events
        .iter()
        .map(|e| format!("{}{} of {}", if e.success { "" } else { "failed " }, e.name, e.amount))
        .collect();
    let what = if success { "" } else { "failed " };
    assert!(found, "no {what}{name} of {amount} in the event log: {seen:?}");
}

fn outcome(w: &PaymentWorld, action: Action) -> &Result<(), Error> {
    w.outcomes.get(&action).unwrap_or_else(|| panic!("no {action:?} happened in this scenario"))
}
