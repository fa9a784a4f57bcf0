//! Faults to inject into the next calls of an endpoint, for tests of retries and idempotency.
//!
//! One queue per endpoint; a request takes its fault, if any, in one step under the
//! simulator's lock, so two concurrent requests can never take the same fault, and a queued
//! fault is never skipped.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::endpoint::Endpoint;

/// What happens to one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (a problem document, and `Retry-After` if given) without
    /// applying anything.
    Fail {
        /// HTTP status, e.g. 500, 503, 423, 429.
        status: u16,
        /// Seconds for a `Retry-After` header.
        retry_after: Option<u64>,
    },
    /// Refuse with this status and error code without applying anything, as the API refuses
    /// what it tried and could not do (a force approve with 10010..10070, a capture with 6280).
    /// A refused capture, refund or cancel of an existing payment is logged as a failed event
    /// (`success: false`) and delivered as such.
    Refuse {
        /// HTTP status, usually 400.
        status: u16,
        /// The error code.
        code: u32,
    },
    /// Apply the operation, then lose the answer.
    LoseAnswer(LostAnswer),
    /// Apply and answer, but only after this long.
    Delay(Duration),
}

/// How an answer is lost after the operation was applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LostAnswer {
    /// The client gets a 500 problem.
    ServerError,
    /// The connection closes with no answer.
    DroppedConnection,
}

/// The queue of faults per endpoint; each call of the endpoint takes the first.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    queues: HashMap<Endpoint, VecDeque<Fault>>,
}

impl Faults {
    /// Queues `fault` for the next `times` calls of `endpoint`, after those already queued.
    pub(crate) fn push(&mut self, endpoint: Endpoint, fault: Fault, times: usize) {
        let queue = self.queues.entry(endpoint).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// Takes the fault for this call of `endpoint`, if one is queued.
    pub(crate) fn take(&mut self, endpoint: Endpoint) -> Option<Fault> {
        self.queues.get_mut(&endpoint).and_then(VecDeque::pop_front)
    }

    /// Forgets every queued fault.
    pub(crate) fn clear(&mut self) {
        self.queues.clear();
    }

    /// How many faults are still queued for `endpoint`.
    pub(crate) fn pending(&self, endpoint: Endpoint) -> usize {
        self.queues.get(&endpoint).map_or(0, VecDeque::len)
    }
}
