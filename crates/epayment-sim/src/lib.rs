//! A stateful simulator of the Vipps MobilePay ePayment API: for tests, and as a local
//! sandbox (`cargo run -p epayment-sim -- --port 8085`).
//!
//! It remembers payments, does the aggregate arithmetic, refuses what the API refuses with the
//! same status and error code, replays idempotent retries, checks every request against the
//! effective ePayment document (`epayment-openapi`), issues expiring access tokens, signs
//! webhook deliveries, injects faults, and logs every exchange.
//!
//! The layout follows a request, so the file answers the question:
//! - `simulator`: [`SimulatorBuilder`] and [`Simulator`], all a user holds (start it, act as
//!   the customer, set up a sales unit, move the clock, inject faults, read what happened).
//! - `front`: the one HTTP front (hyper), the same for tests and the sandbox.
//! - `api`: a request in, an outcome out, with no transport: routing, the endpoint's next
//!   fault ([`Fault`]), one handler per operation, the exchange log ([`Exchange`]).
//! - `model`: the rules (payments, idempotency, rate limits, tokens, sales units, retention).
//! - `delivery`: webhook deliveries, a worker per registration.
//!
//! Below them, what they all speak of: [`Endpoint`], the endpoints served; [`Limits`], the
//! simulator's bounds on itself; [`clock`], the one clock everything keeps time by; and
//! `lock`, how they all take a lock a panic may have poisoned.
//! [`mutants`] serves the contract harness's mutation run alone.
//!
//! ```no_run
//! # async fn run() {
//! use epayment_sim::{Endpoint, Simulator};
//! let sim = Simulator::start().await;
//! // Point a client at sim.uri(): the token at /accesstoken/get, the API under /epayment.
//! sim.fail_next(Endpoint::Capture, 1, 503);
//! # }
//! ```
#![deny(missing_docs)]

mod api;
pub mod clock;
mod delivery;
mod endpoint;
mod front;
mod limits;
mod lock;
mod model;
pub mod mutants;
mod simulator;

pub use api::tenants::Tenant;
pub use api::{Exchange, Fault, LostAnswer, RecordedRequest, RecordedResponse, body_value};
pub use delivery::{Delivery, Registration, Scope, WebhookDestinations, WebhookDispatcher};
pub use endpoint::Endpoint;
pub use limits::Limits;
pub use model::{
    ApiError, CardNetwork, Market, PAYMENT_AMOUNTS, Payment, REFUND_AMOUNTS, Retention, SalesUnit, SalesUnits,
    TestCredentials,
};
pub use simulator::{Simulator, SimulatorBuilder};
