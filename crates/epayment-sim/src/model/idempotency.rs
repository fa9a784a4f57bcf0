//! The idempotency store: the answer kept for each key of each payment, so that a retry gets
//! the first answer again and changes nothing.

use std::collections::{HashMap, VecDeque};

use bytes::Bytes;
use serde_json::Value;

use super::{ApiError, PaymentKey};
use crate::Endpoint;

/// The most keys kept per payment; the oldest is forgotten past it. The API allows five calls
/// of each operation a minute, so a real client's retry always finds its key; only a flood of
/// fresh keys on one payment (with the rate limits off) reaches the bound.
pub(crate) const MAX_KEYS_PER_PAYMENT: usize = 1_000;

/// A kept answer, compact: a long-running sandbox keeps one per successful keyed call.
#[derive(Clone, Debug)]
struct Replay {
    endpoint: Endpoint,
    /// The request body with its keys sorted, so that key order does not count as another body.
    body: String,
    /// The answer as it was sent, or the refusal that sticks to the key.
    answer: Result<Bytes, ApiError>,
}

/// What the store says about a keyed call.
pub(crate) enum Seen {
    /// The key is new: apply the call.
    New,
    /// The same call again: this is the first answer, as it was sent, or its refusal.
    Replay(Result<Bytes, ApiError>),
}

/// The keys of one payment, and their answers, in the order they were kept.
#[derive(Debug, Default)]
struct Keys {
    answers: HashMap<String, Replay>,
    order: VecDeque<String>,
}

/// Answers kept per payment and Idempotency-Key.
#[derive(Debug, Default)]
pub(crate) struct ReplayStore {
    payments: HashMap<PaymentKey, Keys>,
}

impl ReplayStore {
    /// Whether `key` was used before on `payment`, and if so whether for this very call:
    /// another endpoint or another body with the same key is a 409 (4010 for capture, 4150 for
    /// refund, 4020 otherwise).
    pub(crate) fn check(
        &self,
        payment: &PaymentKey,
        key: &str,
        endpoint: Endpoint,
        body: &str,
    ) -> Result<Seen, ApiError> {
        let Some(replay) = self.payments.get(payment).and_then(|keys| keys.answers.get(key)) else {
            return Ok(Seen::New);
        };
        // fidelity: idempotency-conflict
        if replay.endpoint != endpoint {
            let refusal = ApiError::status(409, Some(4020), "the idempotency key was used for another operation");
            return Err(refusal.fidelity("idempotency-conflict"));
        }
        if replay.body != body {
            let code = match endpoint {
                Endpoint::Capture => 4010,
                Endpoint::Refund => 4150,
                _ => 4020,
            };
            let refusal = ApiError::status(409, Some(code), "the idempotency key was used with another body");
            return Err(refusal.fidelity("idempotency-conflict"));
        }
        Ok(Seen::Replay(replay.answer.clone()))
    }

    /// Keeps the answer of a call that was applied, or a refusal that sticks to its key;
    /// `body` is its [`canonical`] form.
    pub(crate) fn keep(
        &mut self,
        payment: &PaymentKey,
        key: &str,
        endpoint: Endpoint,
        body: String,
        answer: Result<Bytes, ApiError>,
    ) {
        let keys = self.payments.entry(payment.clone()).or_default();
        if keys.answers.insert(key.to_owned(), Replay { endpoint, body, answer }).is_none() {
            keys.order.push_back(key.to_owned());
        }
        while keys.order.len() > MAX_KEYS_PER_PAYMENT {
            if let Some(oldest) = keys.order.pop_front() {
                keys.answers.remove(&oldest);
            }
        }
    }

    /// Forgets every answer kept for `payment`.
    pub(crate) fn forget(&mut self, payment: &PaymentKey) {
        self.payments.remove(payment);
    }
}

/// A request body with its object keys sorted, so that key order does not count as another
/// body.
pub(crate) fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted(v))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}
