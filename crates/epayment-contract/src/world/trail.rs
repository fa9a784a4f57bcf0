//! What a scenario did, in order, for its report: each exchange with the step that made it, the
//! moments its clock moved, its customer acted or a fault was set up, and the exchanges the
//! step now running looked at (a failing step's are marked in the report).
//!
//! The exchanges (the simulator's log, or a remote run's recording proxy) are taken at each
//! step's start, so an exchange belongs to the step during which it was made; taking them costs
//! what reading them once at the end did.

use std::ops::Range;
use std::time::{Duration, Instant};

use epayment_sim::{Exchange, Simulator};
use serde::Serialize;

use crate::targets::proxy::RecordingProxy;

/// Where a scenario's exchanges are recorded: the embedded simulator, or the recording proxy
/// in front of a remote target.
pub trait ExchangeSource {
    /// Takes the exchanges recorded since the last take, oldest first.
    fn take_exchanges(&self) -> Vec<Exchange>;
}

impl ExchangeSource for Simulator {
    fn take_exchanges(&self) -> Vec<Exchange> {
        Simulator::take_exchanges(self)
    }
}

impl ExchangeSource for RecordingProxy {
    fn take_exchanges(&self) -> Vec<Exchange> {
        RecordingProxy::take_exchanges(self)
    }
}

/// What kind of moment a [`Note`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// The scenario's clock moved.
    Clock,
    /// The customer acted (in the app, which makes no exchange of the merchant's).
    Customer,
    /// A fault was set up for what comes next.
    Fault,
    /// The scenario set up the sales unit, the card or the issuer.
    Setup,
    /// A webhook delivery reached the receiver: the text is its event name.
    Delivery,
}

/// A moment on the scenario's timeline that is not an exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// How many exchanges came before it.
    pub after: usize,
    /// Clock, customer, fault, setup or a webhook delivery.
    pub kind: NoteKind,
    /// What happened: `10 minutes pass (now 2026-01-01 12:10 UTC)`.
    pub text: String,
    /// A delivery's: the status the receiver answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

/// The trail a scenario leaves as it runs.
#[derive(Debug, Default)]
pub struct Trail {
    exchanges: Vec<Exchange>,
    /// For each exchange, the index (from 0) of the step that made it.
    made_by: Vec<usize>,
    steps_started: usize,
    notes: Vec<Note>,
    looked_at: Vec<usize>,
    started: Option<Instant>,
}

/// A finished scenario's trail, as the reports read it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Timeline {
    /// For each exchange (numbered from 1), the index (from 0) of the step that made it.
    pub made_by: Vec<usize>,
    /// The moments that are not exchanges.
    pub notes: Vec<Note>,
    /// The exchanges the last step that ran looked at (the failing one, if one failed).
    pub looked_at: Vec<usize>,
    /// The index (from 0) of the last step that ran.
    pub last_step: Option<usize>,
    /// How long the scenario took, from the start of its world to its last step's end.
    pub duration: Duration,
}

impl Trail {
    /// A trail starting now.
    pub fn new() -> Self {
        Self { started: Some(Instant::now()), ..Self::default() }
    }

    /// A step starts: what the one before it made is collected first.
    pub fn step_started(&mut self, source: Option<&dyn ExchangeSource>) {
        self.collect(source);
        self.steps_started += 1;
        self.looked_at.clear();
    }

    /// Takes the new exchanges into the trail, as the running step's; their numbers (from 1).
    pub fn collect(&mut self, source: Option<&dyn ExchangeSource>) -> Range<usize> {
        let from = self.exchanges.len() + 1;
        if let Some(source) = source {
            let new = source.take_exchanges();
            let step = self.steps_started.saturating_sub(1);
            self.made_by.extend(std::iter::repeat_n(step, new.len()));
            self.exchanges.extend(new);
        }
        from..self.exchanges.len() + 1
    }

    /// Every exchange so far (collected), oldest first.
    pub fn exchanges(&self) -> &[Exchange] {
        &self.exchanges
    }

    /// Notes a moment that is not an exchange, after the exchanges so far.
    pub fn note(&mut self, kind: NoteKind, text: String) {
        self.notes.push(Note { after: self.exchanges.len(), kind, text, status: None });
    }

    /// Notes a webhook delivery of `event` that the receiver answered with `status`, after the
    /// exchanges so far (the steps look for new ones as they start and note).
    pub fn delivery(&mut self, event: String, status: u16) {
        self.notes.push(Note {
            after: self.exchanges.len(),
            kind: NoteKind::Delivery,
            text: event,
            status: Some(status),
        });
    }

    /// Marks exchanges the running step looked at.
    pub fn look_at(&mut self, numbers: impl IntoIterator<Item = usize>) {
        self.looked_at.extend(numbers);
    }

    /// Ends the trail: every exchange, and the timeline for the reports.
    pub fn finish(&mut self, source: Option<&dyn ExchangeSource>) -> (Vec<Exchange>, Timeline) {
        self.collect(source);
        let timeline = Timeline {
            made_by: std::mem::take(&mut self.made_by),
            notes: std::mem::take(&mut self.notes),
            looked_at: std::mem::take(&mut self.looked_at),
            last_step: self.steps_started.checked_sub(1),
            duration: self.started.map(|s| s.elapsed()).unwrap_or_default(),
        };
        (std::mem::take(&mut self.exchanges), timeline)
    }
}
