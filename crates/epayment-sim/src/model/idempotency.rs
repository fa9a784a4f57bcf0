//! The idempotency store: the answer kept for each key of each payment, so that a retry gets
//! the first answer again and changes nothing.
//!
//! It keeps what a replay needs and nothing a caller sends: a digest of the request (to tell
//! another body from the same one) and the answer the simulator wrote. A create with a
//! megabyte of metadata costs what one without does.

use crate::mutants::Rules;
use std::collections::{HashMap, VecDeque};

use bytes::Bytes;
use epayment_vocabulary::ErrorCode;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::{ApiError, PaymentKey};
use crate::endpoint::Endpoint;

/// A kept answer, compact: a long-running sandbox keeps one per successful keyed call.
#[derive(Clone, Debug)]
struct Replay {
    endpoint: Endpoint,
    /// The digest of the request body with its keys sorted ([`canonical`]), so that key order
    /// does not count as another body.
    body: BodyDigest,
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
    /// About how many bytes `answers` holds ([`Replay::cost`]).
    bytes: usize,
}

/// Answers kept per payment and Idempotency-Key.
#[derive(Debug)]
pub(crate) struct ReplayStore {
    payments: HashMap<PaymentKey, Keys>,
    /// The most keys kept per payment; the oldest is forgotten past it.
    max_keys: usize,
}

impl ReplayStore {
    /// An empty store keeping at most `max_keys` keys per payment.
    pub(crate) fn new(max_keys: usize) -> Self {
        Self { payments: HashMap::new(), max_keys }
    }

    /// Whether `key` was used before on `payment`, and if so whether for this very call:
    /// another endpoint or another body with the same key is a 409 (4010 for capture, 4150 for
    /// refund, 4020 otherwise).
    pub(crate) fn check(
        &self,
        payment: &PaymentKey,
        key: &str,
        endpoint: Endpoint,
        body: &BodyDigest,
        rules: &Rules,
    ) -> Result<Seen, ApiError> {
        let Some(replay) = self.payments.get(payment).and_then(|keys| keys.answers.get(key)) else {
            return Ok(Seen::New);
        };
        // fidelity: idempotency-conflict
        if rules.enforced("idempotency-conflict") && replay.endpoint != endpoint {
            let refusal = ApiError::conflict(
                ErrorCode::IdempotencyKeyReused,
                "the idempotency key was used for another operation",
            );
            return Err(refusal.fidelity("idempotency-conflict"));
        }
        if rules.enforced("idempotency-conflict") && replay.body != *body {
            let code = match endpoint {
                Endpoint::Capture => ErrorCode::CaptureIdempotencyConflict,
                Endpoint::Refund => ErrorCode::ReferenceExistsOrRefundConflict,
                _ => ErrorCode::IdempotencyKeyReused,
            };
            let refusal = ApiError::conflict(code, "the idempotency key was used with another body");
            return Err(refusal.fidelity("idempotency-conflict"));
        }
        Ok(Seen::Replay(replay.answer.clone()))
    }

    /// Keeps the answer of a call that was applied, or a refusal that sticks to its key;
    /// `body` is the digest of its [`canonical`] form.
    pub(crate) fn keep(
        &mut self,
        payment: &PaymentKey,
        key: &str,
        endpoint: Endpoint,
        body: BodyDigest,
        answer: Result<Bytes, ApiError>,
    ) {
        let keys = self.payments.entry(payment.clone()).or_default();
        let added = Replay::cost(key, &answer);
        if let Some(before) = keys.answers.insert(key.to_owned(), Replay { endpoint, body, answer }) {
            keys.bytes -= Replay::cost(key, &before.answer);
        } else {
            keys.order.push_back(key.to_owned());
        }
        keys.bytes += added;
        while keys.order.len() > self.max_keys {
            if let Some(oldest) = keys.order.pop_front()
                && let Some(gone) = keys.answers.remove(&oldest)
            {
                keys.bytes -= Replay::cost(&oldest, &gone.answer);
            }
        }
    }

    /// About how many bytes the answers kept for `payment` hold.
    pub(crate) fn bytes_of(&self, payment: &PaymentKey) -> usize {
        self.payments.get(payment).map_or(0, |keys| keys.bytes)
    }

    /// Forgets every answer kept for `payment`.
    pub(crate) fn forget(&mut self, payment: &PaymentKey) {
        self.payments.remove(payment);
    }
}

impl Replay {
    /// About how many bytes a kept answer holds: its key, the answer, and the entry around them.
    fn cost(key: &str, answer: &Result<Bytes, ApiError>) -> usize {
        const ENTRY: usize = 160;
        let answer = match answer {
            Ok(bytes) => bytes.len(),
            Err(refusal) => {
                64 + refusal.detail.len() + refusal.fields.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
            }
        };
        ENTRY + 2 * key.len() + answer
    }
}

/// The SHA-256 of a request body's [`canonical`] form.
pub(crate) type BodyDigest = [u8; 32];

/// The digest of `value` with its keys sorted: equal for the same body sent with its keys in
/// another order, different (but for a SHA-256 collision) for any other body.
pub(crate) fn digest(value: &Value) -> BodyDigest {
    Sha256::digest(canonical(value).as_bytes()).into()
}

/// A request body with its object keys sorted, so that key order does not count as another
/// body.
fn canonical(value: &Value) -> String {
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
