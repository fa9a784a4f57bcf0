//! What goes wrong on the way, injected into the simulator: an answer refused, lost, cut off
//! or late, an expired token, a webhook receiver that fails; and how long the client waits
//! for an answer.

use std::time::Duration;

use epayment_sim::{Fault, LostAnswer};

use super::{GIVEN, StepDef, step};
use crate::steps::params::Action;
use crate::world::PaymentWorld;
use crate::world::trail::NoteKind;

pub(super) const STEPS: &[StepDef] = &[
    StepDef {
        keywords: GIVEN,
        pattern: "the API fails the next {action} with status {int}",
        example: "the API fails the next capture with status 503",
        run: step!(api_fails_next(Action, u16)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the API refuses the next {action} with error code {int}",
        example: "the API refuses the next capture with error code 6280",
        run: step!(api_refuses_next(Action, u32)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the API loses the answer to the next {action}",
        example: "the API loses the answer to the next capture",
        run: step!(api_loses_next(Action)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the API drops the connection of the next {action}",
        example: "the API drops the connection of the next refund",
        run: step!(api_drops_next(Action)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the API answers the next {action} only after {int} ms",
        example: "the API answers the next capture only after 300 ms",
        run: step!(api_delays_next(Action, u64)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the client gives up on an attempt after {int} ms",
        example: "the client gives up on an attempt after 100 ms",
        run: step!(client_attempt_timeout(u64)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the access token has expired",
        example: "the access token has expired",
        run: step!(token_expired),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the webhook receiver fails the next {int} delivery/deliveries",
        example: "the webhook receiver fails the next 1 delivery",
        run: step!(receiver_fails(usize)),
    },
];

async fn api_fails_next(w: &mut PaymentWorld, action: Action, status: u16) {
    w.sim().fail_next(endpoint(action, "fail"), 1, status);
    w.note(NoteKind::Fault, &format!("the API fails the next {} with status {status}", action.noun()));
}

async fn api_refuses_next(w: &mut PaymentWorld, action: Action, code: u32) {
    w.sim().inject(endpoint(action, "refuse"), Fault::Refuse { status: 400, code }, 1);
    w.note(NoteKind::Fault, &format!("the API refuses the next {} with error code {code}", action.noun()));
}

async fn api_loses_next(w: &mut PaymentWorld, action: Action) {
    w.sim().lose_next(endpoint(action, "lose the answer to"), LostAnswer::ServerError);
    w.note(NoteKind::Fault, &format!("the API loses the answer to the next {}", action.noun()));
}

async fn api_drops_next(w: &mut PaymentWorld, action: Action) {
    w.sim().lose_next(endpoint(action, "drop"), LostAnswer::DroppedConnection);
    w.note(NoteKind::Fault, &format!("the API drops the connection of the next {}", action.noun()));
}

/// The next call is applied at once and answered `ms` later, for real: the client's
/// per-attempt timeout runs on tokio's clock, not on the scenario's, so a late answer costs
/// real time (keep it well under a second).
async fn api_delays_next(w: &mut PaymentWorld, action: Action, ms: u64) {
    let delay = Duration::from_millis(ms);
    w.sim().inject(endpoint(action, "delay"), Fault::Delay(delay), 1);
    w.note(NoteKind::Fault, &format!("the API answers the next {} only after {ms} ms", action.noun()));
}

async fn client_attempt_timeout(w: &mut PaymentWorld, ms: u64) {
    w.set_attempt_timeout(Duration::from_millis(ms));
    w.note(NoteKind::Setup, &format!("the client gives up on an attempt after {ms} ms"));
}

/// Expires the tokens the client holds: before the payment's step it holds none yet, and the
/// step would change nothing, so it fails saying so.
async fn token_expired(w: &mut PaymentWorld) {
    let sim = w.sim();
    assert!(
        w.reference.is_some(),
        "the client has no token before its first call: write `Given the access token has expired` after the \
         payment's step"
    );
    sim.expire_tokens();
    w.note(NoteKind::Fault, "the access token expires");
}

async fn receiver_fails(w: &mut PaymentWorld, n: usize) {
    w.webhooks().1.server.fail_next(n);
    let deliveries = if n == 1 { "delivery" } else { "deliveries" };
    w.note(NoteKind::Fault, &format!("the webhook receiver fails the next {n} {deliveries}"));
}

/// The simulator's endpoint for an action of the merchant's; the customer's happen in the app.
fn endpoint(action: Action, verb: &str) -> epayment_sim::Endpoint {
    action.endpoint().unwrap_or_else(|| panic!("the API cannot {verb} the customer's {}", action.noun()))
}
