//! The state of one scenario: where it runs ([`Backend`]), its client, the payment under test,
//! the outcome of each action, and the trail of what it did.

pub(crate) mod backend;
pub(crate) mod trail;

use std::collections::HashMap;
use std::ops::Range;
use std::time::Duration;

use epayment::{Amount, Client, Reference};
use epayment_sim::mutants::Mutant;
use epayment_sim::{SalesUnit, Simulator};

pub use backend::{Backend, Receiver};
use backend::{SIM_MSN, sim_client};

use crate::steps::params::Action;
use crate::targets::{DEFAULT_TEST_PHONE, Target, TargetKind};
use trail::{ExchangeSource, NoteKind, Timeline, Trail};

/// One scenario's world. Cucumber makes it empty; the run's `before` hook starts it on the
/// run's target ([`PaymentWorld::start`]), so that nothing about a run is process-wide.
#[derive(Debug, Default, cucumber::World)]
pub struct PaymentWorld {
    /// Where the scenario runs (set by [`PaymentWorld::start`]).
    backend: Option<Backend>,
    /// The client under test (set with the backend).
    client: Option<Client>,
    /// The merchant serial number.
    pub msn: String,
    /// The test user force approve approves as (remote targets).
    pub test_phone: String,
    /// The payment the scenario is about.
    pub reference: Option<Reference>,
    /// Its amount.
    pub amount: Option<Amount>,
    /// The link its create answer gave the customer (a person approving opens it).
    pub redirect_url: Option<String>,
    /// The last outcome of each action.
    pub outcomes: HashMap<Action, Outcome>,
    /// Idempotency keys written in the scenario (kept as they are in snapshots).
    pub written_keys: Vec<String>,
    /// What the scenario did, for its report.
    pub trail: Trail,
    payments_made: u32,
    /// Sales-unit settings written before the payment: which unit they are for is known only
    /// once the payment's currency picks it, so they wait until then.
    unit_settings: Vec<fn(SalesUnit) -> SalesUnit>,
    /// How many of the receiver's deliveries are on the trail already.
    deliveries_drawn: usize,
    /// The sales unit a market step chose (`the sales unit is in Finland`), where the
    /// payment's currency would otherwise pick one.
    chosen_unit: Option<String>,
    /// Each attempt's timeout, where a step set one for the client (the client's default
    /// otherwise).
    attempt_timeout: Option<Duration>,
    /// The scenario's earlier payments, oldest first (`a second payment ...` moves on).
    pub earlier_payments: Vec<Reference>,
    /// Whether a step sent calls at once: then the order of the exchanges, and which call won,
    /// are the API's choice from run to run, and no snapshot can hold them.
    pub sent_at_once: bool,
}

/// How an action ended, and the exchanges (numbered from 1) it made.
#[derive(Debug)]
pub struct Outcome {
    /// Success, or the error the client gave.
    pub result: Result<(), epayment::Error>,
    /// The exchanges the action made (a retried call makes several).
    pub exchanges: Vec<usize>,
}

impl PaymentWorld {
    /// Starts the scenario on `target`: a simulator, webhook receiver and client of its own, or
    /// a client of the remote API (a target of `kind`). `mutant` is a mutation run's
    /// (`--mutate`), and `None` on every other run: the simulator answers as always.
    pub async fn start(&mut self, target: &Target, kind: TargetKind, mutant: Option<Mutant>) {
        let ((backend, client), msn, test_phone) = match target {
            Target::Sim => (Backend::embedded(mutant).await, SIM_MSN, DEFAULT_TEST_PHONE),
            Target::Remote(remote) => (Backend::remote(remote, kind).await, &*remote.msn, &*remote.test_phone),
        };
        *self = Self {
            backend: Some(backend),
            client: Some(client),
            msn: msn.to_owned(),
            test_phone: test_phone.to_owned(),
            trail: Trail::new(),
            ..Self::default()
        };
    }

    /// Where the scenario runs.
    fn backend(&self) -> &Backend {
        self.backend.as_ref().unwrap_or_else(|| panic!("the scenario was not started: PaymentWorld::start"))
    }

    /// The client under test.
    pub fn client(&self) -> &Client {
        self.client.as_ref().unwrap_or_else(|| panic!("the scenario was not started: PaymentWorld::start"))
    }

    /// The customer approves: in the app on the simulator, by force approve on a remote target.
    pub async fn customer_approves(&self) -> Result<(), epayment::Error> {
        let link = self.redirect_url.as_deref();
        self.backend().approve(self.client(), &self.msn, &self.reference(), &self.test_phone, link).await
    }

    /// The customer aborts: in the app on the simulator, through a sandbox's own endpoint; a
    /// real environment has no way to, and the step says so.
    pub async fn customer_aborts(&self) -> Result<(), epayment::Error> {
        self.backend().abort(&self.msn, &self.reference()).await
    }

    /// Lets `period` pass on the scenario's clock: moved on the simulator and a sandbox, waited
    /// out for real on a real environment (up to a quarter of an hour).
    pub async fn pass_time(&self, period: Duration) -> Result<(), String> {
        self.backend().pass_time(period).await
    }

    /// How much time has passed on the scenario's clock since it started.
    pub async fn time_passed(&self) -> Duration {
        self.backend().time_passed().await
    }

    /// A reference for a new payment: stable on the simulator (snapshots repeat), unique on a
    /// remote target (references are unique per merchant for good).
    pub fn next_reference(&mut self) -> Reference {
        self.payments_made += 1;
        self.backend().reference(self.payments_made)
    }

    /// The reference a scenario chose, `written`: as written on the simulator, made unique
    /// on a remote target (see [`Backend::chosen_reference`]).
    pub fn chosen_reference(&self, written: &str) -> String {
        self.backend().chosen_reference(written)
    }

    /// The payment the scenario is about.
    pub fn reference(&self) -> Reference {
        self.reference
            .clone()
            .unwrap_or_else(|| panic!("no payment yet: start with `Given a payment of 10.00 NOK has been created`"))
    }

    /// On the simulator, acts as a sales unit whose market takes `currency` (a Danish one for
    /// DKK, say), so that a scenario in any currency the API takes runs as written. A remote
    /// target keeps the merchant serial number it was given.
    pub fn use_sales_unit_for(&mut self, currency: &epayment::Currency) {
        let Some(sim) = self.backend.as_ref().and_then(Backend::sim) else { return };
        let unit = self.chosen_unit.clone().or_else(|| sim.sales_unit_for(currency));
        if let Some(msn) = unit.filter(|msn| *msn != self.msn) {
            self.client = Some(sim_client(sim, &msn, self.attempt_timeout));
            self.msn = msn;
        }
        for change in self.unit_settings.drain(..) {
            sim.update_sales_unit(&self.msn, change);
        }
    }

    /// Changes the settings of the sales unit the scenario's payment is made on: at once when
    /// there is a payment, else when the payment's currency has picked the unit (so that a
    /// setting written before `a payment of 10.00 DKK ...` applies to the Danish unit).
    pub fn set_up_sales_unit(&mut self, change: fn(SalesUnit) -> SalesUnit) {
        if self.reference.is_none() {
            self.sim();
            self.unit_settings.push(change);
            return;
        }
        self.sim().update_sales_unit(&self.msn, change);
    }

    /// Makes the scenario's payments on the simulator's sales unit in `market` (the first by
    /// merchant serial number), whatever their currency: a currency the market does not take
    /// is then refused as the API refuses it. Only before the first payment, which is made on
    /// one unit for good.
    pub fn choose_market(&mut self, market: epayment_sim::Market) {
        self.sim();
        assert!(
            self.reference.is_none(),
            "the sales unit's market must be chosen before the payment is made on it: write `Given the sales unit \
             is in {market:?}` before the payment's step"
        );
        let units = epayment_sim::SalesUnits::default();
        let msn = units.iter().find(|(_, unit)| unit.market == market).map(|(msn, _)| msn.to_owned());
        self.chosen_unit = Some(msn.unwrap_or_else(|| panic!("the simulator has no sales unit in {market:?}")));
    }

    /// Gives each of the client's attempts `timeout` from now on (on the simulator, whose
    /// client the harness builds).
    pub fn set_attempt_timeout(&mut self, timeout: Duration) {
        let sim = self.sim();
        self.client = Some(sim_client(sim, &self.msn, Some(timeout)));
        self.attempt_timeout = Some(timeout);
    }

    /// Whether the scenario's payment is past CREATED on the simulator (approved, or ended).
    pub fn is_approved(&self) -> bool {
        let Some((sim, reference)) = self.backend.as_ref().and_then(Backend::sim).zip(self.reference.as_ref()) else {
            return false;
        };
        sim.payment(&self.msn, reference.as_str()).is_some_and(|p| p.state != epayment::State::Created)
    }

    /// Whether the scenario runs on an embedded simulator of its own.
    pub fn is_embedded(&self) -> bool {
        self.backend.as_ref().and_then(Backend::sim).is_some()
    }

    /// The panics the scenario's embedded simulator survived (none elsewhere).
    pub fn crashes(&self) -> Vec<String> {
        self.backend.as_ref().and_then(Backend::sim).map(Simulator::crashes).unwrap_or_default()
    }

    /// The FIDELITY.md rules the scenario's embedded simulator asked about (none elsewhere).
    pub fn rules_consulted(&self) -> Vec<&'static str> {
        self.backend.as_ref().and_then(Backend::sim).map(Simulator::rules_consulted).unwrap_or_default()
    }

    /// The simulator, for steps that need one.
    pub fn sim(&self) -> &Simulator {
        self.backend().sim().unwrap_or_else(|| panic!("this step needs the simulator: tag the scenario @sim-only"))
    }

    /// The scenario's webhook receiver, where it has one (on the simulator).
    pub fn receiver(&self) -> Option<&Receiver> {
        self.backend.as_ref().and_then(Backend::receiver)
    }

    /// The simulator and the scenario's webhook receiver, for the steps about webhooks.
    pub fn webhooks(&self) -> (&Simulator, &Receiver) {
        let receiver =
            self.receiver().unwrap_or_else(|| panic!("webhooks need the simulator: tag the scenario @sim-only"));
        (self.sim(), receiver)
    }

    /// Waits (a while at most) for the webhooks the simulator has due to reach the receiver.
    pub async fn settle_webhooks(&self) {
        if let Some(backend) = &self.backend {
            backend.settle_webhooks().await;
        }
    }

    /// A step starts (every step of the library says so first).
    pub async fn step_started(&mut self) {
        // The webhooks the last step caused are delivered first, so that the report draws
        // them after that step, not wherever the receiver happened to be by then.
        self.settle_webhooks().await;
        self.trail.step_started(source(&self.backend));
        self.draw_deliveries();
    }

    /// Notes on the trail the webhook deliveries the receiver got since the last look, where
    /// they happened among the exchanges and notes.
    fn draw_deliveries(&mut self) {
        let Some(receiver) = self.backend.as_ref().and_then(Backend::receiver) else { return };
        let received = receiver.server.received();
        for delivery in received.iter().skip(self.deliveries_drawn) {
            let body: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap_or_default();
            let name = body["name"].as_str().unwrap_or("(unreadable)").to_owned();
            self.trail.delivery(name, delivery.status);
        }
        self.deliveries_drawn = self.deliveries_drawn.max(received.len());
    }

    /// The exchanges made since the last look, as the running step's; their numbers.
    pub fn collect_exchanges(&mut self) -> Range<usize> {
        self.trail.collect(source(&self.backend))
    }

    /// Ends the scenario's trail: every exchange, and the timeline for the reports.
    pub fn finish_trail(&mut self) -> (Vec<epayment_sim::Exchange>, Timeline) {
        self.collect_exchanges();
        self.draw_deliveries();
        self.trail.finish(source(&self.backend))
    }

    /// Whether the scenario records its exchanges (on the simulator, or through the proxy):
    /// whether it started.
    pub fn records_exchanges(&self) -> bool {
        self.backend.is_some()
    }

    /// Every exchange of the scenario so far, oldest first (exchange `n` is at `n - 1`).
    pub fn exchanges(&mut self) -> &[epayment_sim::Exchange] {
        self.collect_exchanges();
        self.trail.exchanges()
    }

    /// Keeps how `action` ended, with the exchanges the running step made for it.
    pub fn keep_outcome(&mut self, action: Action, result: Result<(), epayment::Error>) {
        let exchanges = self.collect_exchanges().collect();
        self.outcomes.insert(action, Outcome { result, exchanges });
    }

    /// Keeps how each of several actions sent at once ended, each with the exchanges of its
    /// own operation among those the running step made.
    pub fn keep_outcomes(&mut self, ended: Vec<(Action, Result<(), epayment::Error>)>) {
        self.sent_at_once = true;
        let made: Vec<usize> = self.collect_exchanges().collect();
        for (action, result) in ended {
            let operation = action.endpoint().map(epayment_sim::Endpoint::id);
            let exchanges = made
                .iter()
                .copied()
                .filter(|n| self.trail.exchanges().get(n - 1).is_some_and(|e| Some(e.operation.as_str()) == operation))
                .collect();
            self.outcomes.insert(action, Outcome { result, exchanges });
        }
    }

    /// Marks what the running step made since the last look as what it looked at.
    pub fn look_at_new_exchanges(&mut self) {
        let made = self.collect_exchanges();
        self.trail.look_at(made);
    }

    /// Notes a moment that is not an exchange, with the scenario's time where it has a clock
    /// of its own (the simulator).
    pub fn note(&mut self, kind: NoteKind, what: &str) {
        self.collect_exchanges();
        self.draw_deliveries();
        let text = self.backend.as_ref().map_or_else(|| what.to_owned(), |backend| backend.at_time(what));
        self.trail.note(kind, text);
    }
}

/// Where a scenario's exchanges are recorded, once it started.
fn source(backend: &Option<Backend>) -> Option<&dyn ExchangeSource> {
    backend.as_ref().map(Backend::exchanges)
}
