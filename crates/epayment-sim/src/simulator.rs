//! The simulator as its users hold it: [`SimulatorBuilder`] sets it up, [`Simulator`] serves
//! it on a loopback port and offers what a test or a harness may do besides HTTP (act as the
//! customer, set up a sales unit, move the clock, inject faults, read the exchanges and the
//! webhook deliveries). The model behind it stays private: everything a caller can change goes
//! through a method here, under the same lock the API's requests take.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use epayment_api::epayment::types;
use epayment_openapi::ApiDocument;
use epayment_vocabulary::Currency;
use tokio::sync::watch;

use crate::api::tenants::{Tenant, TenantState, Tenants};
use crate::api::{Exchange, ExchangeLog, Fault, LostAnswer, SimulatedApi};
use crate::clock::{Clock, OutOfRange};
use crate::delivery::{RetrySchedule, WebhookDestinations, WebhookDispatcher};
use crate::endpoint::Endpoint;
use crate::front::{self, Connections};
use crate::limits::Limits;
use crate::model::{self, ApiError, CardNetwork, Model, Payment, PaymentKey, Retention, SalesUnit, TestCredentials};
use crate::mutants::{Mutant, Rules};

/// Configures a [`Simulator`].
#[derive(Debug)]
pub struct SimulatorBuilder {
    model: model::Config,
    document: Option<ApiDocument>,
    limits: Limits,
    webhook_schedule: RetrySchedule,
    tenants: Vec<Tenant>,
    webhook_destinations: Option<WebhookDestinations>,
    like_production: bool,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            model: model::Config::default(),
            document: None,
            limits: Limits::default(),
            webhook_schedule: RetrySchedule::Api,
            tenants: Vec::new(),
            webhook_destinations: None,
            like_production: false,
        }
    }
}

impl SimulatorBuilder {
    /// Seeds pspReferences, tokens, webhook ids and secrets.
    pub fn seed(mut self, seed: u64) -> Self {
        self.model.seed = seed;
        self
    }

    /// A virtual clock starting at `start`, moving only when told (runs repeat, and a wait of
    /// days costs no real time). Without it the clock is the system's, plus what is advanced.
    pub fn start_at(mut self, start: DateTime<Utc>) -> Self {
        self.model.start = Some(start);
        self
    }

    /// How long issued access tokens live (1 h, as in the test environment, unless set).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.model.token_lifetime = lifetime;
        self
    }

    /// The keys the token endpoint accepts ([`TestCredentials::default`] unless set).
    pub fn credentials(mut self, credentials: TestCredentials) -> Self {
        self.model.credentials = credentials;
        self
    }

    /// Sets up the sales unit `msn` (by default 123456 sells in Norway, 223456 in Denmark,
    /// 323456 in Finland, and any other in Norway, all with the default settings).
    pub fn sales_unit(mut self, msn: &str, unit: SalesUnit) -> Self {
        self.model.sales_units.set(msn, unit);
        self
    }

    /// Whether the API's rate limits apply (on unless turned off): 5 creates, 5 captures, 5
    /// cancels and 5 refunds a minute per payment, and 120 reads of each kind; the next gets 429
    /// with `Retry-After`. Load tests and throughput benchmarks turn them off.
    pub fn rate_limits(mut self, on: bool) -> Self {
        self.model.rate_limits = on;
        self
    }

    /// Whether a payment or refund of one of the test environment's failing amounts fails here
    /// as it does there (on unless turned off; see [`crate::PAYMENT_AMOUNTS`] and
    /// [`crate::REFUND_AMOUNTS`]).
    pub fn test_amounts(mut self, on: bool) -> Self {
        self.model.test_amounts = on;
        self
    }

    /// The card payments are paid with ([`CardNetwork::Visa`] unless set): its network decides
    /// how long a capture is guaranteed.
    pub fn card_network(mut self, card: CardNetwork) -> Self {
        self.model.card = card;
        self
    }

    /// Whether issuers release a reservation when the capture guarantee ends (no, unless
    /// set): then a capture after it fails with 6260.
    pub fn issuer_releases_reservations(mut self, on: bool) -> Self {
        self.model.issuer_releases = on;
        self
    }

    /// When payments are forgotten (never, unless set: a test keeps everything).
    pub fn retention(mut self, retention: Retention) -> Self {
        self.model.retention = retention;
        self
    }

    /// Routes and checks requests with this document instead of the embedded effective
    /// ePayment document (to try a newly published one).
    pub fn document(mut self, document: ApiDocument) -> Self {
        self.document = Some(document);
        self
    }

    /// How long the simulator waits for a client and how much it keeps: request bodies, the
    /// HTTP front's connections, the exchange log, webhook registrations and waiting events,
    /// idempotency keys ([`Limits::default`] unless set).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Tries per webhook delivery, and the first wait between them (doubling after), instead
    /// of the Webhooks API's schedule (2 s, ..., daily, for 7 days on the simulator's clock).
    pub fn webhook_retries(mut self, attempts: u32, backoff: Duration) -> Self {
        self.webhook_schedule = RetrySchedule::Custom { attempts, backoff };
        self
    }

    /// Serves these tenants instead of the one set of [`Self::credentials`]: each gets its own
    /// payments, clock, tokens, retention, quotas and webhook registrations, and its token
    /// works only for its own merchant serial numbers (another's is 403). The first tenant is
    /// the one the library's own methods ([`Simulator::clock`], [`Simulator::webhooks`], ...)
    /// act for, unless they name a merchant serial number. Refused at [`Self::serve`] when
    /// [`Tenant::check_all`] refuses them.
    pub fn tenants(mut self, tenants: Vec<Tenant>) -> Self {
        self.tenants = tenants;
        self
    }

    /// Which addresses webhooks may be delivered to. Unless set: loopback and private ranges
    /// too when the simulator listens on loopback (a test, one developer's sandbox), public
    /// addresses only when it listens beyond it (a shared host). Link-local and metadata
    /// addresses never.
    pub fn webhook_destinations(mut self, destinations: WebhookDestinations) -> Self {
        self.webhook_destinations = Some(destinations);
        self
    }

    /// A rule mutant: one FIDELITY.md rule broken one way, its answer swapped, switched off or
    /// its limit moved (see [`crate::mutants`]). For the contract harness's `--mutate` alone,
    /// which asks whether its scenarios notice; nothing else sets it, the sandbox binary
    /// included.
    pub fn mutant(mut self, mutant: Mutant) -> Self {
        self.model.rules = Rules::with(Some(mutant));
        self
    }

    /// Notes the rules the model asks about ([`Simulator::rules_consulted`]), for the harness's
    /// mutation run; off unless set (or a mutant is), since it costs a lock at every check.
    pub fn noting_rules(mut self) -> Self {
        self.model.rules = Rules::with(self.model.rules.mutant());
        self
    }

    /// Answers as production does (off unless set): force approve is not there (404, as any
    /// path no operation serves) and the test environment's failing amounts are ordinary
    /// amounts, so that only a customer's approval (the `/sim/v1` customer endpoint, as a
    /// person in the app) authorizes a payment. For rehearsing a production verification.
    pub fn like_production(mut self, on: bool) -> Self {
        self.like_production = on;
        if on {
            self.model.test_amounts = false;
        }
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
        Tenant::check_all(&self.tenants).map_err(std::io::Error::other)?;
        let destinations = self.webhook_destinations.unwrap_or(match addr.ip().is_loopback() {
            true => WebhookDestinations::AlsoLocal,
            false => WebhookDestinations::PublicOnly,
        });
        let configured: Vec<(TestCredentials, Option<Vec<String>>)> = match self.tenants.is_empty() {
            true => vec![(self.model.credentials.clone(), None)],
            false => self.tenants.into_iter().map(|t| (t.credentials, Some(t.merchant_serial_numbers))).collect(),
        };
        let mut tenants = Vec::with_capacity(configured.len());
        for (n, (credentials, numbers)) in (0u64..).zip(configured) {
            // The first tenant keeps the seed, so that one without tenants is as before.
            let seed = self.model.seed.wrapping_add(n.wrapping_mul(0x9e37_79b9));
            let secrets = model::secret_seed(seed, &credentials);
            let max_keys_per_payment = self.limits.max_keys_per_payment;
            let model = Model::new(model::Config { seed, credentials, max_keys_per_payment, ..self.model.clone() });
            let webhooks = WebhookDispatcher::with_destinations(
                secrets,
                self.webhook_schedule,
                model.clock().clone(),
                destinations,
                &self.limits,
                self.model.rules.clone(),
            );
            tenants.push(TenantState::new(numbers, model, webhooks));
        }
        let tenants = Tenants::new(tenants).ok_or_else(|| std::io::Error::other("no tenant to serve"))?;
        let document = self.document.unwrap_or_else(|| ApiDocument::epayment().clone());
        let log = ExchangeLog::new(&self.limits);
        let mut api = SimulatedApi::new(document, tenants, log);
        api.rules = self.model.rules.clone();
        api.like_production = self.like_production;
        let api = Arc::new(api);
        let (stop, stopped) = watch::channel(false);
        let limits = self.limits;
        let connections = Arc::new(Connections::new(limits.max_connections, limits.max_connections_per_client));
        tokio::spawn(front::run(listener, api.clone(), limits, connections.clone(), stopped));
        Ok(Simulator { addr, api, stop, connections })
    }
}

/// A running simulator. [`Simulator::stop`], or dropping it, stops it without blocking;
/// [`Simulator::shutdown`] also waits for the answers in flight.
pub struct Simulator {
    addr: SocketAddr,
    api: Arc<SimulatedApi>,
    stop: watch::Sender<bool>,
    connections: Arc<Connections>,
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

    /// The rule mutant it was built with: `None` for every simulator but a mutation run's.
    pub fn mutant(&self) -> Option<Mutant> {
        self.api.rules.mutant()
    }

    /// The FIDELITY.md rules its model has asked about so far, when built
    /// [noting them](SimulatorBuilder::noting_rules) (a mutant of a rule never reached changes nothing).
    pub fn rules_consulted(&self) -> Vec<&'static str> {
        self.api.rules.consulted()
    }

    /// The panics it survived while answering, each one's message: a request that makes it
    /// panic gets a 500 saying so, and it keeps serving. None unless it has a defect.
    pub fn crashes(&self) -> Vec<String> {
        self.api.crashes()
    }

    /// Stops accepting connections; open ones close after their request in flight.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Stops, then waits until every connection has finished its answer in flight and closed,
    /// or `grace` has passed. True if they all finished.
    pub async fn shutdown(self, grace: Duration) -> bool {
        self.stop();
        self.connections.drained(grace).await
    }

    /// How many connections are open now.
    pub fn open_connections(&self) -> usize {
        self.connections.open()
    }

    // ---- the clock -----------------------------------------------------------------------

    /// The simulator's clock (the first tenant's; each tenant has its own): virtual when the
    /// builder was given a start, the system's (plus what was advanced) otherwise. Hand it to
    /// whatever should keep the same time.
    pub fn clock(&self) -> Clock {
        self.api.with_model(|m| m.clock().clone())
    }

    /// Moves the (first tenant's) clock forward, then applies what came due (expiries) and delivers their
    /// webhooks; refuses to move past the last instant it can count to ([`crate::clock::LATEST`]).
    pub fn advance_clock(&self, by: Duration) -> Result<(), OutOfRange> {
        self.api.with_model(|m| m.advance(by))
    }

    // ---- the customer --------------------------------------------------------------------

    /// The customer approves the payment in the app.
    pub fn approve(&self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.api.customer_acts(msn, |m| m.approve(&PaymentKey::new(msn, reference)))
    }

    /// The customer aborts the payment in the app.
    pub fn abort(&self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.api.customer_acts(msn, |m| m.abort(&PaymentKey::new(msn, reference)))
    }

    /// The payment times out before the customer answers.
    pub fn expire(&self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.api.customer_acts(msn, |m| m.expire(&PaymentKey::new(msn, reference)))
    }

    /// The customer will not share what the payment's profile scope asks for: the payment
    /// ends, ABORTED.
    pub fn refuse_consent(&self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.api.customer_acts(msn, |m| m.refuse_consent(&PaymentKey::new(msn, reference)))
    }

    /// The card the next payments are paid with.
    pub fn set_card_network(&self, card: CardNetwork) {
        self.api.with_model(|m| m.set_card(card));
    }

    /// Whether issuers release reservations when the capture guarantee ends (then a capture
    /// after it fails with 6260).
    pub fn set_issuer_releases_reservations(&self, on: bool) {
        self.api.with_model(|m| m.set_issuer_releases(on));
    }

    // ---- what the model holds ------------------------------------------------------------

    /// The payment `reference` of sales unit `msn`, as the simulator keeps it.
    pub fn payment(&self, msn: &str, reference: &str) -> Option<Payment> {
        self.api.with_model_of(msn, |m| m.payment(&PaymentKey::new(msn, reference)).cloned())
    }

    /// The payment's event log, oldest first, or 404 (5090) as the API would answer.
    pub fn events(&self, msn: &str, reference: &str) -> Result<Vec<types::PaymentEvent>, ApiError> {
        self.api.with_model_of(msn, |m| m.events(&PaymentKey::new(msn, reference)))
    }

    /// How many payments the retention setting counts as held, for every tenant together (0
    /// when nothing is ever forgotten, since nothing is counted then).
    pub fn held_payments(&self) -> usize {
        self.api.tenants.iter().map(|t| t.with_model(|m| m.held())).sum()
    }

    /// About how many bytes the held payments and the answers kept for them take, for every
    /// tenant together (0 when nothing is ever forgotten).
    pub fn held_bytes(&self) -> usize {
        self.api.tenants.iter().map(|t| t.with_model(|m| m.held_bytes())).sum()
    }

    /// The keys the token endpoint accepts.
    pub fn credentials(&self) -> TestCredentials {
        self.api.with_model(|m| m.credentials().clone())
    }

    /// Expires every token issued so far, as the API may expire one early.
    pub fn expire_tokens(&self) {
        self.api.with_model(Model::expire_tokens);
    }

    // ---- sales units ---------------------------------------------------------------------

    /// The sales unit `msn`.
    pub fn sales_unit(&self, msn: &str) -> SalesUnit {
        self.api.with_model_of(msn, |m| m.sales_units().get(msn))
    }

    /// Changes the sales unit `msn`: `change` gets its settings and gives the new ones.
    pub fn update_sales_unit(&self, msn: &str, change: impl FnOnce(SalesUnit) -> SalesUnit) {
        self.api.with_model_of(msn, |m| {
            let unit = change(m.sales_units().get(msn));
            m.set_sales_unit(msn, unit);
        });
    }

    /// A configured sales unit whose market takes `currency` (the first by merchant serial
    /// number), for a harness that picks the unit by the currency a scenario uses.
    pub fn sales_unit_for(&self, currency: &Currency) -> Option<String> {
        self.api.with_model(|m| m.sales_units().for_currency(currency).map(str::to_owned))
    }

    // ---- faults --------------------------------------------------------------------------

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

    // ---- the exchanges -------------------------------------------------------------------

    /// The exchanges served so far, oldest first (within the log's limits).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.api.exchanges().exchanges()
    }

    /// Takes the logged exchanges, leaving the log empty.
    pub fn take_exchanges(&self) -> Vec<Exchange> {
        self.api.exchanges().take()
    }

    /// Exchanges no endpoint served.
    pub fn unexpected(&self) -> Vec<Exchange> {
        self.exchanges().into_iter().filter(|e| e.operation == "unexpected").collect()
    }

    /// How many exchanges were dropped to stay within the log's limits.
    pub fn dropped_exchanges(&self) -> u64 {
        self.api.exchanges().dropped()
    }

    /// About how many bytes the logged exchanges hold.
    pub fn logged_bytes(&self) -> usize {
        self.api.exchanges().bytes()
    }

    // ---- webhooks ------------------------------------------------------------------------

    /// Webhook registrations and deliveries (the first tenant's).
    pub fn webhooks(&self) -> &WebhookDispatcher {
        self.api.webhooks()
    }
}
