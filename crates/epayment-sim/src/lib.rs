//! A stateful simulator of the Vipps MobilePay ePayment API, on wiremock: for tests, and as a
//! local sandbox (`cargo run -p epayment-sim -- --port 8085`).
//!
//! It remembers payments, does the aggregate arithmetic, refuses what the API refuses with the
//! same status and error code, replays idempotent retries, checks every request against
//! `openapi/epayment.yaml`, issues expiring access tokens, signs webhook deliveries, injects
//! faults, and records every exchange.
//!
//! ```no_run
//! # async fn run() {
//! use epayment_sim::{Op, Simulator};
//! let sim = Simulator::start().await;
//! // Point a client at sim.uri(): the token at /accesstoken/get, the API under /epayment.
//! sim.fail_next(Op::Capture, 1, 503);
//! # }
//! ```
#![deny(missing_docs)]

pub mod document;
pub mod faults;
pub mod model;
pub mod recording;
mod sandbox;
mod server;
pub mod webhooks;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use wiremock::MockServer;

pub use faults::{Fault, LostAnswer};
pub use model::{ApiError, Model, ModelConfig, Payment, TestCredentials};
pub use recording::Exchange;
pub use sandbox::Sandbox;
pub use server::EPAYMENT_PREFIX;

use server::Shared;
use webhooks::Hub;

/// The operations the simulator serves, for fault injection and routing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// `createPayment`.
    Create,
    /// `getPayment`.
    Get,
    /// `getPaymentEventLog`.
    Events,
    /// `capturePayment`.
    Capture,
    /// `refundPayment`.
    Refund,
    /// `cancelPayment`.
    Cancel,
    /// `forceApprove`.
    ForceApprove,
    /// The access-token endpoint.
    Token,
    /// Webhooks API: register.
    RegisterWebhook,
    /// Webhooks API: list.
    ListWebhooks,
    /// Webhooks API: delete.
    DeleteWebhook,
}

impl Op {
    /// Every operation.
    pub const ALL: [Op; 11] = [
        Op::Create,
        Op::Get,
        Op::Events,
        Op::Capture,
        Op::Refund,
        Op::Cancel,
        Op::ForceApprove,
        Op::Token,
        Op::RegisterWebhook,
        Op::ListWebhooks,
        Op::DeleteWebhook,
    ];

    /// The operationId (or, for the token and Webhooks API endpoints, their upstream names).
    pub fn id(self) -> &'static str {
        match self {
            Op::Create => "createPayment",
            Op::Get => "getPayment",
            Op::Events => "getPaymentEventLog",
            Op::Capture => "capturePayment",
            Op::Refund => "refundPayment",
            Op::Cancel => "cancelPayment",
            Op::ForceApprove => "forceApprove",
            Op::Token => "fetchAuthorizationTokenUsingPost",
            Op::RegisterWebhook => "registerWebhook",
            Op::ListWebhooks => "getWebhooks",
            Op::DeleteWebhook => "deleteWebhook",
        }
    }

    /// The HTTP method.
    pub fn method(self) -> &'static str {
        match self {
            Op::Get | Op::Events | Op::ListWebhooks => "GET",
            Op::DeleteWebhook => "DELETE",
            _ => "POST",
        }
    }

    /// What every path of the operation ends with (for a cheap first check when routing).
    fn path_end(self) -> &'static str {
        match self {
            Op::Create => "/payments",
            Op::Events => "/events",
            Op::Capture => "/capture",
            Op::Refund => "/refund",
            Op::Cancel => "/cancel",
            Op::ForceApprove => "/approve",
            Op::Token => "/get",
            Op::RegisterWebhook | Op::ListWebhooks => "/webhooks",
            Op::Get | Op::DeleteWebhook => "",
        }
    }

    /// The operation with this id.
    pub fn from_id(id: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.id() == id)
    }
}

/// Configures a [`Simulator`].
#[derive(Debug)]
pub struct SimulatorBuilder {
    model: ModelConfig,
    record_limit: usize,
    listener: Option<TcpListener>,
    webhook_attempts: u32,
    webhook_backoff: Duration,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            model: ModelConfig::default(),
            record_limit: 10_000,
            listener: None,
            webhook_attempts: 5,
            webhook_backoff: Duration::from_millis(50),
        }
    }
}

impl SimulatorBuilder {
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

    /// How many exchanges are kept; older ones are dropped (10 000 unless set).
    pub fn record_limit(mut self, limit: usize) -> Self {
        self.record_limit = limit;
        self
    }

    /// Serve on this listener (to choose the port); a free loopback port otherwise.
    pub fn listener(mut self, listener: TcpListener) -> Self {
        self.listener = Some(listener);
        self
    }

    /// Attempts per webhook delivery, and the first wait between them (doubling after).
    pub fn webhook_retries(mut self, attempts: u32, backoff: Duration) -> Self {
        self.webhook_attempts = attempts;
        self.webhook_backoff = backoff;
        self
    }

    fn shared(&self) -> Arc<Shared> {
        let hub = Hub::start(self.model.seed, self.webhook_attempts, self.webhook_backoff);
        Arc::new(Shared::new(Model::new(self.model.clone()), recording::Recorder::new(self.record_limit), hub))
    }

    /// Serves the standalone sandbox on `listener` with the same core as the wiremock
    /// transport, but a plain HTTP front that keeps no copy of each request (see
    /// [`Sandbox`]). Must run inside a tokio runtime.
    pub fn serve(self, listener: TcpListener) -> std::io::Result<Sandbox> {
        let addr = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let shared = self.shared();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(sandbox::run(listener, shared.clone(), stopped));
        Ok(Sandbox { addr, control: Control { shared }, stop })
    }

    /// Starts serving. Must run inside a tokio runtime (webhook deliveries run on it).
    pub async fn start(self) -> Simulator {
        let shared = self.shared();
        let mut builder = MockServer::builder().disable_request_recording();
        if let Some(listener) = self.listener {
            builder = builder.listener(listener);
        }
        let server = builder.start().await;
        server::mount(&server, &shared).await;
        Simulator { server, control: Control { shared } }
    }
}

/// A running simulator on wiremock. Dropping it stops the server. The model, faults,
/// recording and webhooks are reached through [`Control`], which it derefs to.
pub struct Simulator {
    server: MockServer,
    control: Control,
}

/// What tests do with a running simulator or sandbox: act as the customer, inject faults,
/// read the recording and the webhook deliveries.
pub struct Control {
    shared: Arc<Shared>,
}

impl std::ops::Deref for Simulator {
    type Target = Control;
    fn deref(&self) -> &Control {
        &self.control
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("uri", &self.server.uri()).finish_non_exhaustive()
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

    /// The host root, e.g. `http://127.0.0.1:41234`: the token at `/accesstoken/get`, the
    /// ePayment API under `/epayment`, the Webhooks API under `/webhooks`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The ePayment API's base URL (`{uri}/epayment`).
    pub fn epayment_url(&self) -> String {
        format!("{}{EPAYMENT_PREFIX}", self.server.uri())
    }
}

impl Control {
    /// The keys the token endpoint accepts.
    pub fn credentials(&self) -> TestCredentials {
        self.shared.model().credentials().clone()
    }

    /// Runs `f` on the model (to read payments, or to act as the customer), then delivers the
    /// webhooks of any events it caused.
    pub fn with_model<R>(&self, f: impl FnOnce(&mut Model) -> R) -> R {
        let mut model = self.shared.model();
        let result = f(&mut model);
        self.shared.publish(&mut model);
        result
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

    /// Queues a fault for the next `times` calls of `op`.
    pub fn inject(&self, op: Op, fault: Fault, times: usize) {
        if fault == Fault::LoseAnswer(LostAnswer::DroppedConnection) {
            self.shared.drops_pending.fetch_add(times, std::sync::atomic::Ordering::Relaxed);
        }
        self.shared.faults().push(op, fault, times);
    }

    /// The next `times` calls of `op` fail with `status` and apply nothing.
    pub fn fail_next(&self, op: Op, times: usize, status: u16) {
        self.inject(op, Fault::Fail { status, retry_after: None }, times);
    }

    /// The next call of `op` is applied, then its answer is lost.
    pub fn lose_next(&self, op: Op, how: LostAnswer) {
        self.inject(op, Fault::LoseAnswer(how), 1);
    }

    /// Forgets every queued fault.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
        self.shared.drops_pending.store(0, std::sync::atomic::Ordering::Relaxed);
    }

    /// The exchanges served so far, oldest first (at most the record limit).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.shared.recorder().exchanges()
    }

    /// Takes the recorded exchanges, leaving the log empty.
    pub fn take_exchanges(&self) -> Vec<Exchange> {
        self.shared.recorder().take()
    }

    /// Exchanges no route served.
    pub fn unexpected(&self) -> Vec<Exchange> {
        self.exchanges().into_iter().filter(|e| e.operation == "unexpected").collect()
    }

    /// How many exchanges were dropped to stay within the record limit.
    pub fn dropped_exchanges(&self) -> u64 {
        self.shared.recorder().dropped()
    }

    /// Webhook registrations and deliveries.
    pub fn webhooks(&self) -> &Hub {
        &self.shared.hub
    }
}
