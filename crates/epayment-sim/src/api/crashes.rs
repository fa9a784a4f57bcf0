//! A panic while answering is a defect of the simulator, never an answer of the API: the
//! request gets a 500 problem that says so, the simulator keeps serving (its locks recover
//! from a panic, see `crate::lock`), and the panic's message is kept, so that whoever runs it
//! (the contract harness's mutation run) can tell a crash from a refusal.

use std::any::Any;
use std::sync::Mutex;

use crate::lock::lock;

/// The panics survived, oldest first: at most [`Crashes::KEPT`] messages, so that a flood of
/// crashing requests cannot grow it without end.
#[derive(Debug, Default)]
pub(crate) struct Crashes {
    kept: Mutex<Vec<String>>,
}

impl Crashes {
    /// How many messages are kept.
    const KEPT: usize = 100;

    /// Notes one panic.
    pub(crate) fn record(&self, message: &str) {
        let mut kept = lock(&self.kept);
        if kept.len() < Self::KEPT {
            kept.push(message.to_owned());
        }
    }

    /// The messages kept.
    pub(crate) fn messages(&self) -> Vec<String> {
        lock(&self.kept).clone()
    }
}

/// What a panic said: its message, when it was a string.
pub(crate) fn message(payload: &(dyn Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(text), _) => (*text).to_owned(),
        (_, Some(text)) => text.clone(),
        _ => "a panic without a message".to_owned(),
    }
}
