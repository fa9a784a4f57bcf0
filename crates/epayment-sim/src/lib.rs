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
//! - `front`: the one HTTP front (hyper), the same for tests and the sandbox, with its limits
//!   ([`FrontLimits`]).
//! - `api`: a request in, an outcome out, with no transport: routing ([`Endpoint`]), the
//!   endpoint's next fault ([`Fault`]), one handler per operation, the exchange log.
//! - `model`: the rules (payments, idempotency, rate limits, tokens, sales units, retention).
//! - `delivery`: webhook deliveries, a worker per registration.
//! - [`clock`]: the one clock everything above keeps time by.
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
mod exchange_log;
mod faults;
mod front;
mod model;
pub mod mutants;
mod simulator;
mod stalled_writes;

pub use api::tenants::Tenant;
pub use delivery::{
    DELIVERY_LOG_LIMIT, Delivery, FAILING_REGISTRATION_LIFETIME, MAX_REGISTRATIONS, MAX_REGISTRATIONS_PER_EVENT,
    MAX_URL_BYTES, MAX_WAITING_EVENTS, MAX_WAITING_EVENTS_IN_ALL, MAX_WAITING_EVENTS_PER_SALES_UNIT, RETRY_PERIOD,
    Registration, RetrySchedule, Scope, WebhookDestinations, WebhookDispatcher,
};
pub use endpoint::Endpoint;
pub use exchange_log::{Exchange, KEPT_BODY, RecordedRequest, RecordedResponse, SMALL_BODY, body_value};
pub use faults::{Fault, LostAnswer};
pub use front::FrontLimits;
pub use model::{
    ApiError, CardNetwork, EXPRESS_SCOPE, IssuedToken, Market, PAYMENT_AMOUNTS, Payment, REFUND_AMOUNTS, Retention,
    SALES_UNIT_SHARE, SCOPES, SalesUnit, SalesUnits, TestCredentials,
};
pub use simulator::{Simulator, SimulatorBuilder};
