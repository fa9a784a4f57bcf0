//! What the merchant does with a payment: capture, refund and cancel, once, with a key of its
//! own, or several times. Each keeps its outcome for the `Then` steps.

use epayment::{Amount, Error, IdempotencyKey, Reference};

use super::{StepDef, WHEN, step};
use crate::steps::params::{Action, Money, Quoted};
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
        run: step!(capture_with_key(Money, Quoted)),
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
        run: step!(capture_for_reference(Money, Quoted)),
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
        run: step!(refund_with_key(Money, Quoted)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant refunds {money} {int} times",
        example: "the merchant refunds 1.00 NOK 3 times",
        run: step!(refund_times(Money, u32)),
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
    StepDef {
        keywords: WHEN,
        pattern: "the merchant cancels the payment with idempotency key {string}",
        example: "the merchant cancels the payment with idempotency key \"cancel-1\"",
        run: step!(cancel_with_key(Quoted)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant refunds {money} of an unknown payment",
        example: "the merchant refunds 1.00 NOK of an unknown payment",
        run: step!(refund_unknown(Money)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant cancels an unknown payment",
        example: "the merchant cancels an unknown payment",
        run: step!(cancel_unknown),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant cancels the payment {int} times",
        example: "the merchant cancels the payment 2 times",
        run: step!(cancel_times(u32)),
    },
];

async fn capture(w: &mut PaymentWorld, money: Money) {
    let result = w.client().capture(&w.reference(), money.0).send().await.map(drop);
    w.keep_outcome(Action::Capture, result);
}

async fn capture_with_key(w: &mut PaymentWorld, money: Money, Quoted(key): Quoted) {
    let result = with_key(w, Action::Capture, Some(money.0), key).await;
    w.keep_outcome(Action::Capture, result);
}

async fn capture_times(w: &mut PaymentWorld, money: Money, times: u32) {
    repeat(w, Call::Capture(money.0), times).await;
}

async fn capture_rest(w: &mut PaymentWorld) {
    let payment = w.client().payment(&w.reference()).await.unwrap_or_else(|e| panic!("reading the payment: {e}"));
    let rest = payment.aggregate.remaining_capturable();
    let result = w.client().capture(&w.reference(), rest).send().await.map(drop);
    w.keep_outcome(Action::Capture, result);
}

async fn capture_for_reference(w: &mut PaymentWorld, money: Money, Quoted(reference): Quoted) {
    let result = match Reference::new(reference) {
        Ok(reference) => w.client().capture(&reference, money.0).send().await.map(drop),
        Err(e) => Err(e.into()),
    };
    w.keep_outcome(Action::Capture, result);
}

async fn capture_unknown(w: &mut PaymentWorld, money: Money) {
    let result = w.client().capture(&unknown(), money.0).send().await.map(drop);
    w.keep_outcome(Action::Capture, result);
}

async fn refund_unknown(w: &mut PaymentWorld, money: Money) {
    let result = w.client().refund(&unknown(), money.0).send().await.map(drop);
    w.keep_outcome(Action::Refund, result);
}

async fn cancel_unknown(w: &mut PaymentWorld) {
    let result = w.client().cancel(&unknown()).send().await.map(drop);
    w.keep_outcome(Action::Cancel, result);
}

/// A reference no scenario's payment has.
fn unknown() -> Reference {
    Reference::new("unknown-order-9999").unwrap_or_else(|e| panic!("{e}"))
}

async fn refund(w: &mut PaymentWorld, money: Money) {
    let result = w.client().refund(&w.reference(), money.0).send().await.map(drop);
    w.keep_outcome(Action::Refund, result);
}

async fn refund_with_key(w: &mut PaymentWorld, money: Money, Quoted(key): Quoted) {
    let result = with_key(w, Action::Refund, Some(money.0), key).await;
    w.keep_outcome(Action::Refund, result);
}

async fn refund_times(w: &mut PaymentWorld, money: Money, times: u32) {
    repeat(w, Call::Refund(money.0), times).await;
}

async fn cancel(w: &mut PaymentWorld) {
    let result = w.client().cancel(&w.reference()).send().await.map(drop);
    w.keep_outcome(Action::Cancel, result);
}

async fn cancel_with_key(w: &mut PaymentWorld, Quoted(key): Quoted) {
    let result = with_key(w, Action::Cancel, None, key).await;
    w.keep_outcome(Action::Cancel, result);
}

async fn cancel_transaction_only(w: &mut PaymentWorld) {
    let result = w.client().cancel(&w.reference()).transaction_only().send().await.map(drop);
    w.keep_outcome(Action::Cancel, result);
}

async fn cancel_times(w: &mut PaymentWorld, times: u32) {
    repeat(w, Call::Cancel, times).await;
}

/// A capture, refund or cancel (no amount) with an idempotency key the scenario wrote (kept
/// as written in the snapshot); a key the client refuses is refused before sending.
async fn with_key(w: &mut PaymentWorld, action: Action, amount: Option<Amount>, key: String) -> Result<(), Error> {
    w.written_keys.push(key.clone());
    let key = IdempotencyKey::new(key)?;
    let reference = w.reference();
    match (action, amount) {
        (Action::Refund, Some(amount)) => {
            w.client().refund(&reference, amount).idempotency_key(key).send().await.map(drop)
        }
        (_, Some(amount)) => w.client().capture(&reference, amount).idempotency_key(key).send().await.map(drop),
        (_, None) => w.client().cancel(&reference).idempotency_key(key).send().await.map(drop),
    }
}

/// One merchant call, as a repeated step makes it.
enum Call {
    Capture(Amount),
    Refund(Amount),
    Cancel,
}

impl Call {
    fn action(&self) -> Action {
        match self {
            Call::Capture(_) => Action::Capture,
            Call::Refund(_) => Action::Refund,
            Call::Cancel => Action::Cancel,
        }
    }

    async fn send(&self, client: &epayment::Client, reference: &Reference) -> Result<(), Error> {
        match self {
            Call::Capture(amount) => client.capture(reference, amount.clone()).send().await.map(drop),
            Call::Refund(amount) => client.refund(reference, amount.clone()).send().await.map(drop),
            Call::Cancel => client.cancel(reference).send().await.map(drop),
        }
    }
}

/// The same call `times` times, each with a key of its own; the outcome is the first failure,
/// or success.
async fn repeat(w: &mut PaymentWorld, call: Call, times: u32) {
    let reference = w.reference();
    let mut result = Ok(());
    for _ in 0..times {
        let done = call.send(w.client(), &reference).await;
        if result.is_ok() {
            result = done;
        }
    }
    w.keep_outcome(call.action(), result);
}
