//! What the scenario's webhook receiver got: signed deliveries, verified at the simulator's
//! time, and deliveries held back behind a failed one.

use std::time::{Duration, SystemTime};

use epayment::Amount;

use super::{StepDef, THEN, step};
use crate::params::Money;
use crate::world::{PaymentWorld, Receiver};

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
];

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

/// The events the receiver accepted (answered 2xx) whose signature verifies, at the
/// simulator's time: a receiver's clock agrees with the API's.
fn accepted_events(sim: &epayment_sim::Simulator, receiver: &Receiver) -> Vec<epayment::webhooks::WebhookEvent> {
    let verifier = epayment::webhooks::Verifier::new(receiver.secret.clone());
    let now = SystemTime::from(sim.clock().now());
    let accepted = receiver.server.received().into_iter().filter(|r| r.status < 300);
    accepted.filter_map(|r| verifier.verify(&r.method, &r.path_and_query, &r.headers, &r.body, now).ok()).collect()
}
