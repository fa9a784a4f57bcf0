//! A stateful simulator of the Vipps MobilePay ePayment API: for tests, and as a local
//! sandbox (`cargo run -p epayment-sim -- --port 8085`).
//!
//! It remembers payments, does the aggregate arithmetic, refuses what the API refuses with the
//! same status and error code, replays idempotent retries, checks every request against the
//! effective ePayment document (`epayment-openapi`), issues expiring access tokens, signs
//! webhook deliveries, injects faults, and records every exchange.
//!
//! The layout follows the request: [`front`](crate) (hyper; the same for tests and the
//! sandbox) reads it, `api` answers it without knowing about transports (routing, the
//! endpoint's next fault, the endpoint, the recording), `model` holds the rules, and
//! `webhooks` delivers the events they cause.
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
mod endpoint;
mod faults;
mod front;
mod model;
mod recording;
mod webhooks;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use epayment_openapi::ApiDocument;
use tokio::sync::watch;

pub use endpoint::Endpoint;
pub use faults::{Fault, LostAnswer};
pub use model::{ApiError, IssuedToken, Market, Model, ModelConfig, Payment, SalesUnits, TestCredentials};
pub use recording::{Exchange, RecordedRequest, RecordedResponse};
pub use webhooks::{Delivery, Registration, RetrySchedule, WebhookDispatcher};

use api::SimulatedApi;
use recording::Recorder;

/// Configures a [`Simulator`].
#[derive(Debug)]
pub struct SimulatorBuilder {
    model: ModelConfig,
    document: Option<ApiDocument>,
    record_limit: usize,
    body_limit: usize,
    webhook_schedule: RetrySchedule,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            model: ModelConfig::default(),
            document: None,
            record_limit: 10_000,
            body_limit: Self::DEFAULT_BODY_LIMIT,
            webhook_schedule: RetrySchedule::Api,
        }
    }
}

impl SimulatorBuilder {
    /// The largest request body served unless [`SimulatorBuilder::body_limit`] says otherwise
    /// (1 MiB); a larger one gets 413 before it is read whole.
    pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;

    /// Seeds pspReferences, tokens, webhook ids and secrets.
    pub fn seed(mut self, seed: u64) -> Self {
        self.model.seed = seed;
        self
    }

    /// The model's settings (clock, token lifetime, credentials, seed).
    pub fn model(mut self, config: ModelConfig) -> Self {
        self.model = config;
        self
    }

    /// Whether the API's rate limits apply (on unless turned off): 5 create, capture, cancel
    /// and refund calls a minute per payment, 120 reads; the next gets 429 with `Retry-After`.
    /// Load tests and throughput benchmarks turn them off.
    pub fn rate_limits(mut self, on: bool) -> Self {
        self.model.rate_limits = on;
        self
    }

    /// Routes and checks requests with this document instead of the embedded effective
    /// ePayment document (to try a newly published one).
    pub fn document(mut self, document: ApiDocument) -> Self {
        self.document = Some(document);
        self
    }

    /// How many exchanges are kept; older ones are dropped (10 000 unless set).
    pub fn record_limit(mut self, limit: usize) -> Self {
        self.record_limit = limit;
        self
    }

    /// The largest request body, in bytes; a larger one gets 413 ([`Self::DEFAULT_BODY_LIMIT`]
    /// unless set).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Tries per webhook delivery, and the first wait between them (doubling after), instead
    /// of the Webhooks API's schedule (2 s, ..., daily, for 7 days on the simulator's clock).
    pub fn webhook_retries(mut self, attempts: u32, backoff: Duration) -> Self {
        self.webhook_schedule = RetrySchedule::Custom { attempts, backoff };
        self
    }

    /// Serves on a free loopback port. Must run inside a tokio runtime (the front and the
    /// webhook deliveries run on it).
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound, which leaves a test nothing to do; use
    /// [`SimulatorBuilder::serve`] to handle that.
    pub async fn start(self) -> Simulator {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .unwrap_or_else(|e| panic!("epayment-sim: cannot bind a loopback port: {e}"));
        self.serve(listener).unwrap_or_else(|e| panic!("epayment-sim: cannot serve: {e}"))
    }

    /// Serves on `listener` (to choose the address and port). Must run inside a tokio
    /// runtime.
    pub fn serve(self, listener: TcpListener) -> std::io::Result<Simulator> {
        let addr = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let seed = self.model.seed;
        let model = Model::new(self.model);
        let webhooks = WebhookDispatcher::start(seed, self.webhook_schedule, model.clock().clone());
        let document = self.document.unwrap_or_else(|| ApiDocument::epayment().clone());
        let api = Arc::new(SimulatedApi::new(document, model, Recorder::new(self.record_limit), webhooks));
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(front::run(listener, api.clone(), self.body_limit, stopped));
        Ok(Simulator { addr, api, stop })
    }
}

/// A running simulator. [`Simulator::stop`], or dropping it, stops it without blocking.
pub struct Simulator {
    addr: SocketAddr,
    api: Arc<SimulatedApi>,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("uri", &self.uri()).finish_non_exhaustive()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Simulator {
    /// Configures a simulator.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// A simulator with default settings on a free loopback port.
    pub async fn start() -> Simulator {
        Self::builder().start().await
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The host root, e.g. `http://127.0.0.1:41234`: the token at `/accesstoken/get`, the
    /// ePayment API under `/epayment`, the Webhooks API under `/webhooks`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The ePayment API's base URL (`{uri}/epayment`, the document's server base path).
    pub fn epayment_url(&self) -> String {
        format!("{}{}", self.uri(), self.api.document.base_path())
    }

    /// Stops accepting connections; open ones close after their request in flight.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// The simulator's clock: virtual when the model was given a start, the system's
    /// (plus what was advanced) otherwise. Hand it to whatever should keep the same time.
    pub fn clock(&self) -> clock::Clock {
        self.api.model().clock().clone()
    }

    /// Moves the clock forward, then applies what came due (expiries) and delivers their
    /// webhooks.
    pub fn advance_clock(&self, by: Duration) {
        self.with_model(|m| m.advance(by));
    }

    /// The keys the token endpoint accepts.
    pub fn credentials(&self) -> TestCredentials {
        self.api.model().credentials().clone()
    }

    /// Runs `f` on the model (to read payments, or to act as the customer), then delivers the
    /// webhooks of any events it caused.
    pub fn with_model<R>(&self, f: impl FnOnce(&mut Model) -> R) -> R {
        self.api.with_model(f)
    }

    /// The customer approves the payment in the app.
    pub fn approve(&self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.with_model(|m| m.approve(msn, reference))
    }

    /// The customer aborts the payment in the app.
    pub fn abort(&self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.with_model(|m| m.abort(msn, reference))
    }

    /// The payment times out before the customer answers.
    pub fn expire(&self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.with_model(|m| m.expire(msn, reference))
    }

    /// Switches a sales unit to full capture only (captures must take everything: 6140).
    pub fn set_full_capture_only(&self, msn: &str, on: bool) {
        self.with_model(|m| m.set_full_capture_only(msn, on));
    }

    /// Gives a sales unit late capture (Denmark and Finland: 180 days to capture, not 14).
    pub fn set_late_capture(&self, msn: &str, on: bool) {
        self.with_model(|m| m.set_late_capture(msn, on));
    }

    /// Queues a fault for the next `times` calls of `endpoint`, after those already queued.
    pub fn inject(&self, endpoint: Endpoint, fault: Fault, times: usize) {
        self.api.faults().push(endpoint, fault, times);
    }

    /// The next `times` calls of `endpoint` fail with `status` and apply nothing.
    pub fn fail_next(&self, endpoint: Endpoint, times: usize, status: u16) {
        self.inject(endpoint, Fault::Fail { status, retry_after: None }, times);
    }

    /// The next call of `endpoint` is applied, then its answer is lost.
    pub fn lose_next(&self, endpoint: Endpoint, how: LostAnswer) {
        self.inject(endpoint, Fault::LoseAnswer(how), 1);
    }

    /// How many faults are still queued for `endpoint`.
    pub fn pending_faults(&self, endpoint: Endpoint) -> usize {
        self.api.faults().pending(endpoint)
    }

    /// Forgets every queued fault.
    pub fn clear_faults(&self) {
        self.api.faults().clear();
    }

    /// The exchanges served so far, oldest first (at most the record limit).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.api.recorder().exchanges()
    }

    /// Takes the recorded exchanges, leaving the log empty.
    pub fn take_exchanges(&self) -> Vec<Exchange> {
        self.api.recorder().take()
    }

    /// Exchanges no endpoint served.
    pub fn unexpected(&self) -> Vec<Exchange> {
        self.exchanges().into_iter().filter(|e| e.operation == "unexpected").collect()
    }

    /// How many exchanges were dropped to stay within the record limit.
    pub fn dropped_exchanges(&self) -> u64 {
        self.api.recorder().dropped()
    }

    /// Webhook registrations and deliveries.
    pub fn webhooks(&self) -> &WebhookDispatcher {
        &self.api.webhooks
    }
}
