//! What the merchant does with a payment: capture, refund and cancel, once, with a key of its
//! own, or several times. Each keeps its outcome for the `Then` steps.

use epayment::{IdempotencyKey, Reference};

use super::{StepDef, WHEN, step};
use crate::params::{Action, Money};
use crate::world::PaymentWorld;

pub(super) const STEPS: &[StepDef] = &[
    StepDef {
        keywords: WHEN,
        pattern: "the merchant captures {money}",
        example: "the merchant captures 2.50 NOK",
        run: step!(capture(Money)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant captures {money} with idempotency key {string}",
        example: "the merchant captures 2.50 NOK with idempotency key \"order-1-c1\"",
        run: step!(capture_with_key(Money, String)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant captures {money} {int} times",
        example: "the merchant captures 0.10 NOK 5 times",
        run: step!(capture_times(Money, u32)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant captures the remaining amount",
        example: "the merchant captures the remaining amount",
        run: step!(capture_rest),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant captures {money} for reference {string}",
        example: "the merchant captures 2.50 NOK for reference \"bad ref\"",
        run: step!(capture_for_reference(Money, String)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant captures {money} of an unknown payment",
        example: "the merchant captures 2.50 NOK of an unknown payment",
        run: step!(capture_unknown(Money)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant refunds {money}",
        example: "the merchant refunds 1.00 NOK",
        run: step!(refund(Money)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant refunds {money} with idempotency key {string}",
        example: "the merchant refunds 1.00 NOK with idempotency key \"order-1-r1\"",
        run: step!(refund_with_key(Money, String)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant cancels the payment",
        example: "the merchant cancels the payment",
        run: step!(cancel),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant cancels the payment only if it is not authorized",
        example: "the merchant cancels the payment only if it is not authorized",
        run: step!(cancel_transaction_only),
    },
];

async fn capture(w: &mut PaymentWorld, money: Money) {
    let result = w.client().capture(&w.reference(), money.0).send().await.map(drop);
    w.outcomes.insert(Action::Capture, result);
}

async fn capture_with_key(w: &mut PaymentWorld, money: Money, key: String) {
    w.written_keys.push(key.clone());
    let result = match IdempotencyKey::new(key) {
        Ok(key) => w.client().capture(&w.reference(), money.0).idempotency_key(key).send().await.map(drop),
        Err(e) => Err(e.into()),
    };
    w.outcomes.insert(Action::Capture, result);
}

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

async fn capture_rest(w: &mut PaymentWorld) {
    let payment = w.client().payment(&w.reference()).await.unwrap_or_else(|e| panic!("reading the payment: {e}"));
    let rest = payment.aggregate.remaining_capturable();
    let result = w.client().capture(&w.reference(), rest).send().await.map(drop);
    w.outcomes.insert(Action::Capture, result);
}

async fn capture_for_reference(w: &mut PaymentWorld, money: Money, reference: String) {
    let result = match Reference::new(reference) {
        Ok(reference) => w.client().capture(&reference, money.0).send().await.map(drop),
        Err(e) => Err(e.into()),
    };
    w.outcomes.insert(Action::Capture, result);
}

async fn capture_unknown(w: &mut PaymentWorld, money: Money) {
    let unknown = Reference::new("unknown-order-9999").unwrap_or_else(|e| panic!("{e}"));
    let result = w.client().capture(&unknown, money.0).send().await.map(drop);
    w.outcomes.insert(Action::Capture, result);
}

async fn refund(w: &mut PaymentWorld, money: Money) {
    let result = w.client().refund(&w.reference(), money.0).send().await.map(drop);
    w.outcomes.insert(Action::Refund, result);
}

async fn refund_with_key(w: &mut PaymentWorld, money: Money, key: String) {
    w.written_keys.push(key.clone());
    let result = match IdempotencyKey::new(key) {
        Ok(key) => w.client().refund(&w.reference(), money.0).idempotency_key(key).send().await.map(drop),
        Err(e) => Err(e.into()),
    };
    w.outcomes.insert(Action::Refund, result);
}

async fn cancel(w: &mut PaymentWorld) {
    let result = w.client().cancel(&w.reference()).send().await.map(drop);
    w.outcomes.insert(Action::Cancel, result);
}

async fn cancel_transaction_only(w: &mut PaymentWorld) {
    let result = w.client().cancel(&w.reference()).transaction_only().send().await.map(drop);
    w.outcomes.insert(Action::Cancel, result);
}
