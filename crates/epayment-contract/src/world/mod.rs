//! The state of one scenario: a simulator of its own (or a remote target), a client, the
//! payment under test, and the outcome of each action.

pub(crate) mod trail;

use std::collections::HashMap;
use std::time::Duration;

use epayment::{Amount, Client, Environment, Reference, RetryPolicy};
use epayment_sim::mutants::Mutant;
use epayment_sim::{SalesUnit, Scope, Simulator};

use crate::steps::params::Action;
use crate::targets::clock_sleep::ClockSleep;
use crate::targets::controls::{LONGEST_REAL_WAIT, Sandbox, SandboxSleep, TargetKind};
use crate::targets::proxy::RecordingProxy;
use crate::targets::receiver::WebhookReceiver;
use crate::targets::{DEFAULT_TEST_PHONE, Remote, Target};
use crate::world::trail::{ExchangeSource, NoteKind, Trail};

/// The merchant serial number scenarios run as on the simulator.
pub const SIM_MSN: &str = "123456";

/// Where the simulator delivers this scenario's webhooks.
#[derive(Debug)]
pub struct Receiver {
    /// The receiving server.
    pub server: WebhookReceiver,
    /// The signing secret of the registration.
    pub secret: String,
}

/// One scenario's world. Cucumber makes it empty; the run's `before` hook starts it on the
/// run's target ([`PaymentWorld::start`]), so that nothing about a run is process-wide.
#[derive(Debug, Default, cucumber::World)]
pub struct PaymentWorld {
    /// The embedded simulator (absent for a remote target).
    pub sim: Option<Simulator>,
    /// The client under test (set by [`PaymentWorld::start`]).
    client: Option<Client>,
    /// The merchant serial number.
    pub msn: String,
    /// The test user force approve approves as (remote targets).
    pub test_phone: String,
    /// The payment the scenario is about.
    pub reference: Option<Reference>,
    /// Its amount.
    pub amount: Option<Amount>,
    /// The last outcome of each action.
    pub outcomes: HashMap<Action, Outcome>,
    /// Idempotency keys written in the scenario (kept as they are in snapshots).
    pub written_keys: Vec<String>,
    /// The webhook receiver (simulator only).
    pub receiver: Option<Receiver>,
    /// What the scenario did, for its report.
    pub trail: Trail,
    /// A standalone sandbox's controls (the customer, the clock), when the target is one.
    sandbox: Option<Sandbox>,
    /// The recording proxy the client reaches a remote target through.
    proxy: Option<RecordingProxy>,
    /// When the scenario started, on its target's clock (a real environment's is the wall
    /// clock).
    started: Option<std::time::Instant>,
    /// The sandbox's time when the scenario started.
    sandbox_start: Option<chrono::DateTime<chrono::Utc>>,
    payments_made: u32,
    /// Sales-unit settings written before the payment: which unit they are for is known only
    /// once the payment's currency picks it, so they wait until then.
    unit_settings: Vec<fn(SalesUnit) -> SalesUnit>,
    /// How many of the receiver's deliveries are on the trail already.
    deliveries_drawn: usize,
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
    /// a client of the remote API. `mutant` is a mutation run's (`--mutate`), and `None` on
    /// every other run: the simulator answers as always.
    pub async fn start(&mut self, target: &Target, kind: TargetKind, mutant: Option<Mutant>) {
        *self = match target {
            Target::Sim => Self::on_simulator(mutant).await,
            Target::Remote(remote) => Self::on_remote(remote, kind).await,
        };
    }

    /// The client under test.
    pub fn client(&self) -> &Client {
        self.client.as_ref().unwrap_or_else(|| panic!("the scenario was not started: PaymentWorld::start"))
    }

    async fn on_simulator(mutant: Option<Mutant>) -> Self {
        let start = chrono_start();
        let builder = Simulator::builder().start_at(start);
        let sim = match mutant {
            Some(mutant) => builder.mutant(mutant),
            None => builder,
        }
        .start()
        .await;
        let clock = sim.clock();
        let receiver_server = WebhookReceiver::start_on(std::sync::Arc::new(move || clock.now().into()))
            .await
            .unwrap_or_else(|e| panic!("the scenario's webhook receiver: {e}"));
        let path = "/webhooks/vipps";
        // Every event type there is, so that a scenario may await any.
        let events = epayment::EventName::KNOWN.iter().map(epayment::webhooks::event_type).collect();
        let registration = sim
            .webhooks()
            .register(Scope::Every, &receiver_server.url(path), events)
            .unwrap_or_else(|e| panic!("registering the scenario's webhook receiver: {e}"));
        let client = sim_client(&sim, SIM_MSN);
        Self {
            sim: Some(sim),
            client: Some(client),
            msn: SIM_MSN.to_owned(),
            test_phone: DEFAULT_TEST_PHONE.to_owned(),
            reference: None,
            amount: None,
            outcomes: HashMap::new(),
            written_keys: Vec::new(),
            receiver: Some(Receiver { server: receiver_server, secret: registration.secret }),
            trail: Trail::new(),
            sandbox: None,
            proxy: None,
            started: None,
            sandbox_start: None,
            payments_made: 0,
            unit_settings: Vec::new(),
            deliveries_drawn: 0,
        }
    }

    async fn on_remote(remote: &Remote, kind: TargetKind) -> Self {
        let sandbox = (kind == TargetKind::Sandbox).then(|| Sandbox::new(remote));
        let proxy = RecordingProxy::start(&remote.url)
            .await
            .unwrap_or_else(|e| panic!("the recording proxy in front of {}: {e}", remote.url));
        let mut client = Client::builder()
            .environment(Environment::Custom(proxy.uri()))
            .credentials(&remote.client_id, &remote.client_secret, &remote.subscription_key)
            .merchant_serial_number(&remote.msn)
            .system("epayment-contract", env!("CARGO_PKG_VERSION"))
            .retry(fast_retries());
        if let Some(sandbox) = &sandbox {
            // The client waits on the sandbox's clock, as it does on the embedded simulator's.
            client = client.sleeper(SandboxSleep(sandbox.clone()));
        }
        let client = client.build().unwrap_or_else(|e| panic!("remote client: {e}"));
        let sandbox_start = match &sandbox {
            Some(sandbox) => sandbox.now().await.ok(),
            None => None,
        };
        Self {
            sim: None,
            client: Some(client),
            msn: remote.msn.clone(),
            test_phone: remote.test_phone.clone(),
            reference: None,
            amount: None,
            outcomes: HashMap::new(),
            written_keys: Vec::new(),
            receiver: None,
            trail: Trail::new(),
            sandbox,
            proxy: Some(proxy),
            started: Some(std::time::Instant::now()),
            sandbox_start,
            payments_made: 0,
            unit_settings: Vec::new(),
            deliveries_drawn: 0,
        }
    }

    /// The customer aborts: in the app on the simulator, through a sandbox's own endpoint; a
    /// real environment has no way to, and the step says so.
    pub async fn customer_aborts(&mut self) -> Result<(), epayment::Error> {
        let (msn, reference) = (self.msn.clone(), self.reference());
        if let Some(sim) = &self.sim {
            return sim.abort(&msn, reference.as_str()).map_err(sim_refusal);
        }
        match &self.sandbox {
            Some(sandbox) => sandbox.customer(&msn, reference.as_str(), "abort").await,
            None => panic!(
                "the customer's abort cannot be played on a real environment (do it in the test app); tag the scenario @sandbox"
            ),
        }
    }

    /// Lets `period` pass on the scenario's clock: moved on the simulator and a sandbox, waited
    /// out for real on a real environment (up to [`LONGEST_REAL_WAIT`]).
    pub async fn pass_time(&mut self, period: Duration) -> Result<(), String> {
        if let Some(sim) = &self.sim {
            sim.advance_clock(period).map_err(|e| e.to_string())?;
            // Every delivery that fell due in the move is made before the next step, so that
            // the report draws it where it happened.
            sim.webhooks().settled().await;
            return Ok(());
        }
        if let Some(sandbox) = &self.sandbox {
            return sandbox.advance(period).await;
        }
        if period > LONGEST_REAL_WAIT {
            return Err(format!(
                "a real environment's clock cannot be moved, and waiting {} s for real is too long; tag the scenario @sandbox",
                period.as_secs()
            ));
        }
        tokio::time::sleep(period).await;
        Ok(())
    }

    /// How much time has passed on the scenario's clock since it started.
    pub async fn time_passed(&self) -> Duration {
        if let Some(sim) = &self.sim {
            return (sim.clock().now() - chrono_start()).to_std().unwrap_or_default();
        }
        if let (Some(sandbox), Some(start)) = (&self.sandbox, self.sandbox_start)
            && let Ok(now) = sandbox.now().await
        {
            return (now - start).to_std().unwrap_or_default();
        }
        self.started.map(|s| s.elapsed()).unwrap_or_default()
    }

    /// A reference for a new payment: stable on the simulator (snapshots repeat), unique on a
    /// remote target (references are unique per merchant for good).
    pub fn next_reference(&mut self) -> Reference {
        self.payments_made += 1;
        let text = if self.sim.is_some() {
            format!("contract-order-{:04}", self.payments_made)
        } else {
            // References are unique per merchant for good: a random one per scenario.
            format!("contract-{}-{:04}", uuid::Uuid::new_v4().simple(), self.payments_made)
        };
        Reference::new(text).unwrap_or_else(|e| panic!("{e}"))
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
        let Some(sim) = &self.sim else { return };
        let unit = sim.sales_unit_for(currency);
        if let Some(msn) = unit.filter(|msn| *msn != self.msn) {
            self.client = Some(sim_client(sim, &msn));
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

    /// The simulator, for steps that need one.
    pub fn sim(&self) -> &Simulator {
        self.sim.as_ref().unwrap_or_else(|| panic!("this step needs the simulator: tag the scenario @sim-only"))
    }

    /// A step starts (every step of the library says so first).
    pub async fn step_started(&mut self) {
        // The webhooks the last step caused are delivered first, so that the report draws
        // them after that step, not wherever the receiver happened to be by then.
        if let Some(sim) = &self.sim {
            let _ = tokio::time::timeout(Duration::from_secs(5), sim.webhooks().settled()).await;
        }
        self.trail.step_started(source(&self.sim, &self.proxy));
        self.draw_deliveries();
    }

    /// Notes on the trail the webhook deliveries the receiver got since the last look, where
    /// they happened among the exchanges and notes.
    fn draw_deliveries(&mut self) {
        let Some(receiver) = &self.receiver else { return };
        let received = receiver.server.received();
        for delivery in received.iter().skip(self.deliveries_drawn) {
            let body: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap_or_default();
            let name = body["name"].as_str().unwrap_or("(unreadable)").to_owned();
            self.trail.delivery(name, delivery.status);
        }
        self.deliveries_drawn = self.deliveries_drawn.max(received.len());
    }

    /// The exchanges made since the last look, as the running step's; their numbers.
    pub fn collect_exchanges(&mut self) -> std::ops::Range<usize> {
        self.trail.collect(source(&self.sim, &self.proxy))
    }

    /// Ends the scenario's trail: every exchange, and the timeline for the reports.
    pub fn finish_trail(&mut self) -> (Vec<epayment_sim::Exchange>, crate::world::trail::Timeline) {
        self.collect_exchanges();
        self.draw_deliveries();
        self.trail.finish(source(&self.sim, &self.proxy))
    }

    /// Whether the scenario records its exchanges (on the simulator, or through the proxy).
    pub fn records_exchanges(&self) -> bool {
        source(&self.sim, &self.proxy).is_some()
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

    /// Marks what the running step made since the last look as what it looked at.
    pub fn look_at_new_exchanges(&mut self) {
        let made = self.collect_exchanges();
        self.trail.look_at(made);
    }

    /// Notes a moment that is not an exchange, with the scenario's time (simulator only).
    pub fn note(&mut self, kind: NoteKind, what: &str) {
        self.collect_exchanges();
        self.draw_deliveries();
        let text = match &self.sim {
            Some(sim) => format!("{what} (now {})", sim.clock().now().format("%Y-%m-%d %H:%M:%S UTC")),
            None => what.to_owned(),
        };
        self.trail.note(kind, text);
    }
}

/// Where a scenario's exchanges are recorded: its simulator, or its remote run's proxy.
fn source<'a>(sim: &'a Option<Simulator>, proxy: &'a Option<RecordingProxy>) -> Option<&'a dyn ExchangeSource> {
    match (sim, proxy) {
        (Some(sim), _) => Some(sim),
        (None, Some(proxy)) => Some(proxy),
        (None, None) => None,
    }
}

/// A refusal of the simulator's customer-side actions, as an API error.
pub fn sim_refusal(e: epayment_sim::ApiError) -> epayment::Error {
    let mut problem = epayment::Problem::bare(e.status);
    problem.detail = Some(e.detail);
    problem.code = e.code.map(epayment::ErrorCode::from_code);
    epayment::Error::Api(Box::new(problem))
}

/// A client of the simulator, acting as sales unit `msn`. The scenarios' clients share one
/// connection pool: building a `reqwest::Client` (TLS roots and all) costs about as much CPU as
/// a scenario, and a pool keeps nothing of a scenario.
fn sim_client(sim: &Simulator, msn: &str) -> Client {
    static POOL: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let c = sim.credentials();
    Client::builder()
        .http_client(POOL.get_or_init(shared_pool).clone())
        .environment(Environment::Custom(sim.uri()))
        .credentials(c.client_id, c.client_secret, c.subscription_key)
        .merchant_serial_number(msn)
        .system("epayment-contract", env!("CARGO_PKG_VERSION"))
        .retry(fast_retries())
        // The client waits on the scenario's clock: a Retry-After costs no real time.
        .sleeper(ClockSleep(sim.clock()))
        .build()
        .unwrap_or_else(|e| panic!("the simulator's client: {e}"))
}

/// The pool the scenarios' clients share. A pool given to `epayment` brings its own redirect
/// policy, so it follows none, as the client's own does: a redirect would carry the keys to
/// wherever it points.
fn shared_pool() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("the scenarios' connection pool: {e}"))
}

/// Quick backoff, and room for a rate limit's `Retry-After` (a minute) in the time budget.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(2))
        .max_backoff(Duration::from_millis(20))
        .max_elapsed(Duration::from_secs(300))
}

/// A fixed start for the simulator's clock (2026-01-01 12:00 UTC), so that runs repeat.
pub fn chrono_start() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_767_268_800, 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    #[tokio::test]
    async fn the_shared_pool_follows_no_redirect() {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("a port");
        let url = format!("http://{}/epayment/v1/payments/x", listener.local_addr().expect("its address"));
        // Where the redirect points: a port nothing listens on, so that following it would
        // fail rather than answer.
        let closed = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("a port");
        let elsewhere = format!("http://{}/stolen", closed.local_addr().expect("its address"));
        drop(closed);
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("the request");
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request).await;
            let answer = format!("HTTP/1.1 302 Found\r\nLocation: {elsewhere}\r\ncontent-length: 0\r\n\r\n");
            stream.write_all(answer.as_bytes()).await.expect("the answer");
        });
        let answer = super::shared_pool().get(&url).send().await.expect("the 302 itself comes back");
        assert_eq!(answer.status(), 302);
    }
}
