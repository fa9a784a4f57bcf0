//! The scenario's clock: it moves only when a step says time passes, or when the client
//! waits (a `Retry-After` costs no real time).

use super::{GIVEN_OR_WHEN, StepDef, THEN, step};
use crate::steps::params::Period;
use crate::world::PaymentWorld;
use crate::world::trail::NoteKind;

pub(super) const STEPS: &[StepDef] = &[
    StepDef {
        keywords: GIVEN_OR_WHEN,
        pattern: "{period} pass(es)",
        example: "15 days pass",
        run: step!(time_passes(Period)),
    },
    StepDef {
        keywords: GIVEN_OR_WHEN,
        pattern: "the customer does nothing for {period}",
        example: "the customer does nothing for 10 minutes",
        run: step!(customer_idles(Period)),
    },
    StepDef {
        keywords: THEN,
        pattern: "at least {period} has/have passed",
        example: "at least 1 minute has passed",
        run: step!(time_has_passed(Period)),
    },
];

async fn time_passes(w: &mut PaymentWorld, period: Period) {
    let verb = if period.to_string().starts_with("1 ") { "passes" } else { "pass" };
    advance(w, period, &format!("{period} {verb}")).await;
}

async fn customer_idles(w: &mut PaymentWorld, period: Period) {
    advance(w, period, &format!("the customer does nothing for {period}")).await;
}

async fn time_has_passed(w: &mut PaymentWorld, period: Period) {
    let passed = Period(std::time::Duration::from_secs(w.time_passed().await.as_secs()));
    assert!(passed.0 >= period.0, "expected at least {period} to have passed on the scenario's clock; {passed} have");
}

/// Moves the scenario's clock (or waits, on a real environment), and notes it on the timeline.
async fn advance(w: &mut PaymentWorld, period: Period, what: &str) {
    w.pass_time(period.0).await.unwrap_or_else(|e| panic!("{period} cannot pass: {e}"));
    w.note(NoteKind::Clock, what);
}
