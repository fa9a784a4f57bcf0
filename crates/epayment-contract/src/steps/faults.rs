//! What goes wrong on the way, injected into the simulator: an answer refused, lost or cut
//! off, an expired token, a webhook receiver that fails.

use epayment_sim::{Fault, LostAnswer};

use super::{GIVEN, StepDef, step};
use crate::params::Action;
use crate::world::PaymentWorld;

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
    let endpoint = action.endpoint().unwrap_or_else(|| panic!("the API cannot fail a customer's {action:?}"));
    w.sim().fail_next(endpoint, 1, status);
}

async fn api_refuses_next(w: &mut PaymentWorld, action: Action, code: u32) {
    let endpoint = action.endpoint().unwrap_or_else(|| panic!("the API cannot refuse a customer's {action:?}"));
    w.sim().inject(endpoint, Fault::Refuse { status: 400, code }, 1);
}

async fn api_loses_next(w: &mut PaymentWorld, action: Action) {
    let endpoint = action.endpoint().unwrap_or_else(|| panic!("the API cannot lose a customer's {action:?}"));
    w.sim().lose_next(endpoint, LostAnswer::ServerError);
}

async fn api_drops_next(w: &mut PaymentWorld, action: Action) {
    let endpoint = action.endpoint().unwrap_or_else(|| panic!("the API cannot drop a customer's {action:?}"));
    w.sim().lose_next(endpoint, LostAnswer::DroppedConnection);
}

async fn token_expired(w: &mut PaymentWorld) {
    w.sim().expire_tokens();
}

async fn receiver_fails(w: &mut PaymentWorld, n: usize) {
    let receiver = w.receiver.as_ref().unwrap_or_else(|| panic!("webhooks need the simulator"));
    receiver.server.fail_next(n);
}
