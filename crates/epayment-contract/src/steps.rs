//! The step library: the vocabulary QA writes scenarios in. `features/STEPS.md` lists every
//! step with an example (see [`crate::catalog`]).

use std::time::{Duration, SystemTime};

use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use epayment::{Amount, Error, EventName, IdempotencyKey, Reference, State, UserFlow};
use epayment_sim::{Fault, LostAnswer};

use crate::params::{Action, Money, Period, Total};
use crate::world::{PaymentWorld, Receiver};

const TEST_PHONE: &str = "4712345678";

// ---- Given -------------------------------------------------------------------------------

#[given(expr = "a payment of {money} has been created")]
async fn payment_created(w: &mut PaymentWorld, money: Money) {
    create(w, money.0).await.unwrap_or_else(|e| panic!("creating the payment: {e}"));
}

#[given(expr = "a payment of {money} has been authorized")]
async fn payment_authorized(w: &mut PaymentWorld, money: Money) {
    create(w, money.0).await.unwrap_or_else(|e| panic!("creating the payment: {e}"));
    approve(w).await.unwrap_or_else(|e| panic!("approving the payment: {e}"));
}

#[given(expr = "the sales unit allows only full capture")]
async fn full_capture_only(w: &mut PaymentWorld) {
    let msn = w.msn.clone();
    w.sim().update_sales_unit(&msn, |unit| unit.full_capture_only(true));
}

#[given(expr = "the sales unit has late capture")]
async fn late_capture(w: &mut PaymentWorld) {
    let msn = w.msn.clone();
    w.sim().update_sales_unit(&msn, |unit| unit.late_capture(true));
}

#[given(expr = "the API fails the next {action} with status {int}")]
async fn api_fails_next(w: &mut PaymentWorld, action: Action, status: u16) {
    let endpoint = action.endpoint().unwrap_or_else(|| panic!("the API cannot fail a customer's {action:?}"));
    w.sim().fail_next(endpoint, 1, status);
}

#[given(expr = "the API refuses the next {action} with error code {int}")]
async fn api_refuses_next(w: &mut PaymentWorld, action: Action, code: u32) {
    let endpoint = action.endpoint().unwrap_or_else(|| panic!("the API cannot refuse a customer's {action:?}"));
    w.sim().inject(endpoint, Fault::Refuse { status: 400, code }, 1);
}

#[given(expr = "the API loses the answer to the next {action}")]
async fn api_loses_next(w: &mut PaymentWorld, action: Action) {
    let endpoint = action.endpoint().unwrap_or_else(|| panic!("the API cannot lose a customer's {action:?}"));
    w.sim().lose_next(endpoint, LostAnswer::ServerError);
}

#[given(expr = "the API drops the connection of the next {action}")]
async fn api_drops_next(w: &mut PaymentWorld, action: Action) {
    let endpoint = action.endpoint().unwrap_or_else(|| panic!("the API cannot drop a customer's {action:?}"));
    w.sim().lose_next(endpoint, LostAnswer::DroppedConnection);
}

#[given(expr = "{period} pass(es)")]
#[when(expr = "{period} pass(es)")]
async fn time_passes(w: &mut PaymentWorld, period: Period) {
    w.sim().advance_clock(period.0).unwrap_or_else(|e| panic!("{e}"));
}

#[given(expr = "the customer does nothing for {period}")]
#[when(expr = "the customer does nothing for {period}")]
async fn customer_idles(w: &mut PaymentWorld, period: Period) {
    w.sim().advance_clock(period.0).unwrap_or_else(|e| panic!("{e}"));
}

#[given(expr = "the access token has expired")]
async fn token_expired(w: &mut PaymentWorld) {
    w.sim().expire_tokens();
}

// ---- When --------------------------------------------------------------------------------

#[when(expr = "the merchant creates a payment of {money}")]
async fn merchant_creates(w: &mut PaymentWorld, money: Money) {
    let result = create(w, money.0).await;
    w.outcomes.insert(Action::Create, result);
}

#[when(expr = "the merchant captures {money}")]
async fn capture(w: &mut PaymentWorld, money: Money) {
    let result = w.client().capture(&w.reference(), money.0).send().await.map(drop);
    w.outcomes.insert(Action::Capture, result);
}

#[when(expr = "the merchant captures {money} with idempotency key {string}")]
async fn capture_with_key(w: &mut PaymentWorld, money: Money, key: String) {
    w.written_keys.push(key.clone());
    let result = match IdempotencyKey::new(key) {
        Ok(key) => w.client().capture(&w.reference(), money.0).idempotency_key(key).send().await.map(drop),
        Err(e) => Err(e.into()),
    };
    w.outcomes.insert(Action::Capture, result);
}

#[when(expr = "the merchant captures {money} {int} times")]
async fn capture_times(w: &mut PaymentWorld, money: Money, times: u32) {
    let mut result = Ok(());
    for _ in 0..times {
        let done = w.client().capture(&w.reference(), money.0.clone()).send().await.map(drop);
        if result.is_ok() {
            result = done;
        }
    }
    w.outcomes.insert(Action::Capture, result);
}

#[when(expr = "the merchant captures the remaining amount")]
async fn capture_rest(w: &mut PaymentWorld) {
    let payment = w.client().payment(&w.reference()).await.unwrap_or_else(|e| panic!("reading the payment: {e}"));
    let rest = payment.aggregate.remaining_capturable();
    let result = w.client().capture(&w.reference(), rest).send().await.map(drop);
    w.outcomes.insert(Action::Capture, result);
}

#[when(expr = "the merchant captures {money} for reference {string}")]
async fn capture_for_reference(w: &mut PaymentWorld, money: Money, reference: String) {
    let result = match Reference::new(reference) {
        Ok(reference) => w.client().capture(&reference, money.0).send().await.map(drop),
        Err(e) => Err(e.into()),
    };
    w.outcomes.insert(Action::Capture, result);
}

#[when(expr = "the merchant captures {money} of an unknown payment")]
async fn capture_unknown(w: &mut PaymentWorld, money: Money) {
    let unknown = Reference::new("unknown-order-9999").unwrap_or_else(|e| panic!("{e}"));
    let result = w.client().capture(&unknown, money.0).send().await.map(drop);
    w.outcomes.insert(Action::Capture, result);
}

#[when(expr = "the merchant refunds {money}")]
async fn refund(w: &mut PaymentWorld, money: Money) {
    let result = w.client().refund(&w.reference(), money.0).send().await.map(drop);
    w.outcomes.insert(Action::Refund, result);
}

#[when(expr = "the merchant refunds {money} with idempotency key {string}")]
async fn refund_with_key(w: &mut PaymentWorld, money: Money, key: String) {
    w.written_keys.push(key.clone());
    let result = match IdempotencyKey::new(key) {
        Ok(key) => w.client().refund(&w.reference(), money.0).idempotency_key(key).send().await.map(drop),
        Err(e) => Err(e.into()),
    };
    w.outcomes.insert(Action::Refund, result);
}

#[when(expr = "the merchant cancels the payment")]
async fn cancel(w: &mut PaymentWorld) {
    let result = w.client().cancel(&w.reference()).send().await.map(drop);
    w.outcomes.insert(Action::Cancel, result);
}

#[when(expr = "the merchant cancels the payment only if it is not authorized")]
async fn cancel_transaction_only(w: &mut PaymentWorld) {
    let result = w.client().cancel(&w.reference()).transaction_only().send().await.map(drop);
    w.outcomes.insert(Action::Cancel, result);
}

#[when(expr = "the customer approves the payment")]
async fn customer_approves(w: &mut PaymentWorld) {
    let result = approve(w).await;
    w.outcomes.insert(Action::Approve, result);
}

#[when(expr = "the customer aborts the payment")]
async fn customer_aborts(w: &mut PaymentWorld) {
    let (msn, reference) = (w.msn.clone(), w.reference());
    let result = w.sim().abort(&msn, reference.as_str()).map_err(sim_refusal);
    w.outcomes.insert(Action::Abort, result);
}

// ---- Then --------------------------------------------------------------------------------

#[then(expr = "the {action} succeeds")]
async fn succeeds(w: &mut PaymentWorld, action: Action) {
    match outcome(w, action) {
        Ok(()) => {}
        Err(e) => panic!("the {action:?} failed: {e}"),
    }
}

#[then(expr = "the {action} is rejected with error code {int}")]
async fn rejected_with_code(w: &mut PaymentWorld, action: Action, code: u32) {
    match outcome(w, action) {
        Err(e) if e.code().map(|c| c.code()) == Some(code) => {}
        Err(e) => panic!("the {action:?} was rejected, but not with error code {code}: {e}"),
        Ok(()) => panic!("the {action:?} succeeded; expected error code {code}"),
    }
}

#[then(expr = "the {action} is rejected with status {int}")]
async fn rejected_with_status(w: &mut PaymentWorld, action: Action, status: u16) {
    match outcome(w, action) {
        Err(e) if e.status() == Some(status) => {}
        Err(e) => panic!("the {action:?} was rejected, but not with status {status}: {e}"),
        Ok(()) => panic!("the {action:?} succeeded; expected status {status}"),
    }
}

#[then(expr = "the {action} is refused before sending")]
async fn refused_before_sending(w: &mut PaymentWorld, action: Action) {
    match outcome(w, action) {
        Err(Error::InvalidInput(_)) => {}
        Err(e) => panic!("the {action:?} was sent and refused by the API, not refused before sending: {e}"),
        Ok(()) => panic!("the {action:?} succeeded; expected it to be refused before sending"),
    }
}

#[then(expr = "the aggregate is:")]
async fn aggregate_is(w: &mut PaymentWorld, step: &Step) {
    let table = step.table.as_ref().unwrap_or_else(|| panic!("`the aggregate is:` needs a table"));
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

#[then(expr = "the {total} amount is {money}")]
async fn total_is(w: &mut PaymentWorld, total: Total, money: Money) {
    let payment = w.client().payment(&w.reference()).await.unwrap_or_else(|e| panic!("reading the payment: {e}"));
    assert_eq!(total.of(&payment.aggregate), &money.0, "{total:?} amount");
}

#[then(expr = "the payment state is {word}")]
async fn state_is(w: &mut PaymentWorld, state: String) {
    let payment = w.client().payment(&w.reference()).await.unwrap_or_else(|e| panic!("reading the payment: {e}"));
    let expected: State = state.parse().unwrap_or_else(|_| panic!("{state} is not a state"));
    assert_eq!(payment.state, expected);
}

#[then(expr = "{int} call(s) got status {int}")]
async fn calls_got_status(w: &mut PaymentWorld, count: usize, status: u16) {
    let statuses: Vec<u16> = w.sim().exchanges().iter().map(|e| e.response.status).collect();
    let got = statuses.iter().filter(|s| **s == status).count();
    assert_eq!(got, count, "calls with status {status}; the statuses were {statuses:?}");
}

#[then(expr = "at least {period} has/have passed")]
async fn time_has_passed(w: &mut PaymentWorld, period: Period) {
    let passed = (w.sim().clock().now() - crate::world::chrono_start()).to_std().unwrap_or_default();
    assert!(passed >= period.0, "only {passed:?} passed on the scenario's clock");
}

#[then(expr = "the event log shows {word} of {money}")]
async fn event_logged(w: &mut PaymentWorld, name: String, money: Money) {
    assert_event_logged(w, &name, &money.0, true).await;
}

#[then(expr = "the event log shows a failed {word} of {money}")]
async fn failed_event_logged(w: &mut PaymentWorld, name: String, money: Money) {
    assert_event_logged(w, &name, &money.0, false).await;
}

#[then(expr = "a webhook {word} is received for {money}")]
async fn webhook_received(w: &mut PaymentWorld, event_type: String, money: Money) {
    let sim = w.sim();
    let receiver = w.receiver.as_ref().unwrap_or_else(|| panic!("webhooks need the simulator"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let delivered = sim.webhooks().deliveries();
        let events = accepted_events(sim, receiver);
        if events.iter().any(|e| e.event_type() == event_type && Amount::from(&e.amount) == money.0) {
            return;
        }
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        if remaining.is_zero() {
            let seen: Vec<String> = delivered.iter().map(|d| d.event_type.clone()).collect();
            panic!("no signed {event_type} webhook for {} arrived; deliveries: {seen:?}", money.0);
        }
        let _ = tokio::time::timeout(remaining, sim.webhooks().wait_for(delivered.len() + 1)).await;
    }
}

#[given(expr = "the webhook receiver fails the next {int} delivery/deliveries")]
async fn receiver_fails(w: &mut PaymentWorld, n: usize) {
    let receiver = w.receiver.as_ref().unwrap_or_else(|| panic!("webhooks need the simulator"));
    receiver.server.fail_next(n);
}

#[then(expr = "the webhook {word} is held back")]
async fn webhook_held_back(w: &mut PaymentWorld, event_type: String) {
    let sim = w.sim();
    let receiver = w.receiver.as_ref().unwrap_or_else(|| panic!("webhooks need the simulator"));
    // Wait for the failed try; the events behind it stay queued until the clock moves.
    let failed = || receiver.server.received().iter().filter(|r| r.status >= 500).count();
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while failed() == 0 {
            let tried = sim.webhooks().attempts();
            sim.webhooks().wait_for_attempts(tried + 1).await;
        }
    })
    .await;
    assert!(failed() > 0, "no delivery failed: nothing is held back");
    let delivered = accepted_events(sim, receiver).iter().any(|e| e.event_type() == event_type);
    assert!(!delivered, "{event_type} was delivered while an earlier event of the payment had failed");
}

// ---- helpers -----------------------------------------------------------------------------

/// The events the receiver accepted (answered 2xx) whose signature verifies, at the
/// simulator's time: a receiver's clock agrees with the API's.
fn accepted_events(sim: &epayment_sim::Simulator, receiver: &Receiver) -> Vec<epayment::webhooks::WebhookEvent> {
    let verifier = epayment::webhooks::Verifier::new(receiver.secret.clone());
    let now = SystemTime::from(sim.clock().now());
    let accepted = receiver.server.received().into_iter().filter(|r| r.status < 300);
    accepted.filter_map(|r| verifier.verify(&r.method, &r.path_and_query, &r.headers, &r.body, now).ok()).collect()
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

/// Creates the scenario's payment, on a sales unit whose market takes its currency.
async fn create(w: &mut PaymentWorld, amount: Amount) -> Result<(), Error> {
    w.use_sales_unit_for(amount.currency());
    let reference = w.next_reference();
    w.reference = Some(reference.clone());
    w.amount = Some(amount.clone());
    w.client()
        .create_payment(&reference, amount)
        .user_flow(UserFlow::WebRedirect)
        .return_url("https://shop.example/return")
        .description("Contract test payment")
        .send()
        .await
        .map(drop)
}

/// The customer approves: in the app on the simulator, by force approve on a remote target.
async fn approve(w: &mut PaymentWorld) -> Result<(), Error> {
    let reference = w.reference();
    match &w.sim {
        Some(sim) => sim.approve(&w.msn, reference.as_str()).map_err(sim_refusal),
        None => w.client().force_approve(&reference, TEST_PHONE).await,
    }
}

/// A refusal of the simulator's customer-side actions, as an API error.
fn sim_refusal(e: epayment_sim::ApiError) -> Error {
    let mut problem = epayment::Problem::bare(e.status);
    problem.detail = Some(e.detail);
    problem.code = e.code.map(epayment::ErrorCode::from_code);
    Error::Api(Box::new(problem))
}

fn outcome(w: &PaymentWorld, action: Action) -> &Result<(), Error> {
    w.outcomes.get(&action).unwrap_or_else(|| panic!("no {action:?} happened in this scenario"))
}
