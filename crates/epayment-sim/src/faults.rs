//! Faults to inject into the next calls of an operation, for tests of retries and idempotency.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::Op;

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

/// The queue of faults per operation; each call of the operation takes the first.
#[derive(Debug, Default)]
pub struct Faults {
    queues: HashMap<Op, VecDeque<Fault>>,
}

impl Faults {
    /// Queues `fault` for the next `times` calls of `op`, after those already queued.
    pub fn push(&mut self, op: Op, fault: Fault, times: usize) {
        let queue = self.queues.entry(op).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// Takes the fault for this call of `op`, if one is queued.
    pub fn take(&mut self, op: Op) -> Option<Fault> {
        self.queues.get_mut(&op).and_then(VecDeque::pop_front)
    }

    /// Takes the next fault of `op` only if it is a dropped connection.
    pub fn take_dropped_connection(&mut self, op: Op) -> bool {
        let queue = self.queues.get_mut(&op);
        match queue {
            Some(q) if q.front() == Some(&Fault::LoseAnswer(LostAnswer::DroppedConnection)) => {
                q.pop_front();
                true
            }
            _ => false,
        }
    }

    /// Forgets every queued fault.
    pub fn clear(&mut self) {
        self.queues.clear();
    }

    /// How many faults are still queued for `op`.
    pub fn pending(&self, op: Op) -> usize {
        self.queues.get(&op).map_or(0, VecDeque::len)
    }
}
