//! What the scenario's webhook receiver got: signed deliveries, verified at the simulator's
//! time, and deliveries held back behind a failed one.

use std::time::Duration;

use epayment::Amount;
use epayment::webhooks::WebhookEvent;

use super::{StepDef, THEN, step};
use crate::steps::params::{EventNames, Money};
use crate::world::{PaymentWorld, Receiver};

/// How long a step waits for deliveries the simulator sends on its own.
const PATIENCE: Duration = Duration::from_secs(5);

pub(super) const STEPS: &[StepDef] = &[
    StepDef {
        keywords: THEN,
        pattern: "the webhook {word} is held back",
        example: "the webhook epayments.payment.captured.v1 is held back",
        run: step!(webhook_held_back(String)),
    },
    StepDef {
        keywords: THEN,
        pattern: "a webhook {word} is received for {money}",
        example: "a webhook epayments.payment.captured.v1 is received for 2.50 NOK",
        run: step!(webhook_received(String, Money)),
    },
    StepDef {
        keywords: THEN,
        pattern: "a failed webhook {word} is received for {money}",
        example: "a failed webhook epayments.payment.captured.v1 is received for 2.50 NOK",
        run: step!(failed_webhook_received(String, Money)),
    },
    StepDef {
        keywords: THEN,
        pattern: "no webhook {word} arrives",
        example: "no webhook epayments.payment.refunded.v1 arrives",
        run: step!(no_webhook(String)),
    },
    StepDef {
        keywords: THEN,
        pattern: "{int} webhook(s) {word} arrived",
        example: "2 webhooks epayments.payment.captured.v1 arrived",
        run: step!(webhooks_counted(u32, String)),
    },
    StepDef {
        keywords: THEN,
        pattern: "the webhooks arrive in the order {events}",
        example: "the webhooks arrive in the order CREATED, AUTHORIZED, CAPTURED",
        run: step!(webhooks_in_order(EventNames)),
    },
];

async fn webhook_received(w: &mut PaymentWorld, event_type: String, money: Money) {
    let (sim, receiver) = w.webhooks();
    let arrived = |events: &[WebhookEvent]| {
        events.iter().any(|e| e.event_type() == event_type && Amount::from(&e.amount) == money.0)
    };
    let events = wait_for(sim, receiver, arrived).await;
    if !arrived(&events) {
        panic!(
            "expected a signed {event_type} webhook for {}; none arrived within {} s (the receiver accepted {})",
            money.0,
            PATIENCE.as_secs(),
            accepted_list(&events)
        );
    }
}

/// A webhook whose payload says `success: false` (an operation the API tried and could not do).
async fn failed_webhook_received(w: &mut PaymentWorld, event_type: String, money: Money) {
    let (sim, receiver) = w.webhooks();
    let arrived = |events: &[WebhookEvent]| {
        events.iter().any(|e| e.event_type() == event_type && Amount::from(&e.amount) == money.0 && !e.success)
    };
    let events = wait_for(sim, receiver, arrived).await;
    if !arrived(&events) {
        panic!(
            "expected a signed {event_type} webhook with success false for {}; none arrived within {} s (the \
             receiver accepted {})",
            money.0,
            PATIENCE.as_secs(),
            accepted_list(&events)
        );
    }
}

async fn webhooks_in_order(w: &mut PaymentWorld, names: EventNames) {
    let (sim, receiver) = w.webhooks();
    let events = wait_for(sim, receiver, |events| events.len() >= names.0.len()).await;
    if !events.iter().map(|e| &e.name).eq(names.0.iter()) {
        panic!(
            "expected the webhooks to arrive in the order {names}; the receiver accepted {}",
            accepted_list(&events)
        );
    }
}

async fn webhook_held_back(w: &mut PaymentWorld, event_type: String) {
    let (sim, receiver) = w.webhooks();
    // Wait for the failed try; the events behind it stay queued until the clock moves.
    let failed = || receiver.server.received().iter().filter(|r| r.status >= 500).count();
    let _ = tokio::time::timeout(PATIENCE, async {
        while failed() == 0 {
            let tried = sim.webhooks().attempts();
            sim.webhooks().wait_for_attempts(tried + 1).await;
        }
    })
    .await;
    assert!(failed() > 0, "expected {event_type} to be held back behind a failed delivery; no delivery failed");
    let delivered = accepted_events(receiver).iter().any(|e| e.event_type() == event_type);
    assert!(!delivered, "expected {event_type} to be held back; it was delivered while an earlier event had failed");
}

async fn no_webhook(w: &mut PaymentWorld, event_type: String) {
    let events = settled(w).await;
    let arrived = events.iter().filter(|e| e.event_type() == event_type).count();
    assert!(
        arrived == 0,
        "expected no {event_type} webhook; {arrived} arrived (the receiver accepted {})",
        accepted_list(&events)
    );
}

async fn webhooks_counted(w: &mut PaymentWorld, count: u32, event_type: String) {
    let events = settled(w).await;
    let arrived = events.iter().filter(|e| e.event_type() == event_type).count();
    assert!(
        arrived == count as usize,
        "expected {count} {event_type} webhook(s); {arrived} arrived (the receiver accepted {})",
        accepted_list(&events)
    );
}

/// The accepted events once every delivery due by now has been made (or the patience ran out:
/// a receiver that hangs takes 10 s a try).
async fn settled(w: &PaymentWorld) -> Vec<WebhookEvent> {
    let (sim, receiver) = w.webhooks();
    let _ = tokio::time::timeout(PATIENCE, sim.webhooks().settled()).await;
    accepted_events(receiver)
}

/// The accepted events once `enough` says so, or when the patience runs out: the simulator
/// delivers on its own, and each delivery wakes the wait.
async fn wait_for(
    sim: &epayment_sim::Simulator,
    receiver: &Receiver,
    enough: impl Fn(&[WebhookEvent]) -> bool,
) -> Vec<WebhookEvent> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let delivered = sim.webhooks().deliveries().len();
        let events = accepted_events(receiver);
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        if enough(&events) || remaining.is_zero() {
            return events;
        }
        let _ = tokio::time::timeout(remaining, sim.webhooks().wait_for(delivered + 1)).await;
    }
}

/// The accepted events as a sentence lists them: `CREATED of 10.00 NOK, AUTHORIZED of 10.00 NOK`.
fn accepted_list(events: &[WebhookEvent]) -> String {
    if events.is_empty() {
        return "none".to_owned();
    }
    events.iter().map(|e| format!("{} of {}", e.name, Amount::from(&e.amount))).collect::<Vec<_>>().join(", ")
}

/// The events the receiver accepted (answered 2xx) whose signature verified when they
/// arrived, by the simulator's time: a receiver's clock agrees with the API's, and a delivery
/// accepted before a long clock move stays accepted.
fn accepted_events(receiver: &Receiver) -> Vec<WebhookEvent> {
    let verifier = epayment::webhooks::Verifier::new(receiver.secret.clone());
    let accepted = receiver.server.received().into_iter().filter(|r| r.status < 300);
    accepted.filter_map(|r| verifier.verify(&r.method, &r.path_and_query, &r.headers, &r.body, r.at).ok()).collect()
}
