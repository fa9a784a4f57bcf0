//! Where one scenario runs ([`Backend`]): a simulator of its own, or a remote target through a
//! recording proxy, a standalone sandbox (which acts as the customer and moves its clock when
//! asked) or a real environment (force approve, and real time). Whatever a scenario does that
//! depends on where it runs is one `match` here; the client under test is built with it.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use epayment::{Client, Environment, Reference, RetryPolicy};
use epayment_sim::mutants::Mutant;
use epayment_sim::{Scope, Simulator};

use crate::targets::clock_sleep::ClockSleep;
use crate::targets::controls::{LONGEST_REAL_WAIT, SandboxControls, SandboxSleep};
use crate::targets::proxy::RecordingProxy;
use crate::targets::receiver::WebhookReceiver;
use crate::targets::{Approval, Remote, TargetKind, person};
use crate::world::trail::ExchangeSource;

/// The merchant serial number scenarios run as on the simulator.
pub const SIM_MSN: &str = "123456";

/// How long the simulator's due webhooks may take to reach the receiver before a step or the
/// report reads them.
const SETTLE: Duration = Duration::from_secs(5);

/// Where the simulator delivers this scenario's webhooks.
#[derive(Debug)]
pub struct Receiver {
    /// The receiving server.
    pub server: WebhookReceiver,
    /// The signing secret of the registration.
    pub secret: String,
}

/// Where one scenario runs.
#[derive(Debug)]
pub enum Backend {
    /// A fresh embedded simulator, and the webhook receiver it delivers to.
    Embedded {
        /// The scenario's simulator.
        sim: Simulator,
        /// Its webhook receiver.
        receiver: Receiver,
    },
    /// A standalone `epayment-sim`, reached through the recording proxy.
    Sandbox {
        /// What the client talks to, recording each exchange.
        proxy: RecordingProxy,
        /// The sandbox's customer and clock endpoints.
        controls: SandboxControls,
        /// The sandbox's time when the scenario started (`None` if it could not be read).
        clock_start: Option<DateTime<Utc>>,
        /// When the scenario started, by the wall clock.
        started: Instant,
        /// How the customer's approval is played.
        approval: Approval,
    },
    /// A real environment (the Vipps test environment), reached through the recording proxy.
    Remote {
        /// What the client talks to, recording each exchange.
        proxy: RecordingProxy,
        /// When the scenario started: a real environment's clock is the wall clock.
        started: Instant,
        /// How the customer's approval is played.
        approval: Approval,
    },
}

impl Backend {
    /// A simulator of the scenario's own (answering as `mutant` says on a `--mutate` run, as
    /// always otherwise), its webhook receiver registered for every event, and a client of it.
    pub async fn embedded(mutant: Option<Mutant>) -> (Self, Client) {
        // Noting the rules it reaches, which a mutation run reads of its unmutated run.
        let builder = Simulator::builder().start_at(clock_start()).noting_rules();
        let sim = match mutant {
            Some(mutant) => builder.mutant(mutant),
            None => builder,
        }
        .start()
        .await;
        let clock = sim.clock();
        let server = WebhookReceiver::start_on(std::sync::Arc::new(move || clock.now().into()))
            .await
            .unwrap_or_else(|e| panic!("the scenario's webhook receiver: {e}"));
        // Every event type there is, so that a scenario may await any.
        let events = epayment::EventName::KNOWN.iter().map(epayment::webhooks::event_type).collect();
        let registration = sim
            .webhooks()
            .register(Scope::Every, &server.url("/webhooks/vipps"), events)
            .unwrap_or_else(|e| panic!("registering the scenario's webhook receiver: {e}"));
        let client = sim_client(&sim, SIM_MSN, None);
        (Self::Embedded { sim, receiver: Receiver { server, secret: registration.secret } }, client)
    }

    /// The remote target `remote`, a sandbox or a real environment as `kind` says, and a client
    /// of it through a recording proxy. On a sandbox the client waits on the sandbox's clock,
    /// as it does on the embedded simulator's.
    pub async fn remote(remote: &Remote, kind: TargetKind) -> (Self, Client) {
        let proxy = RecordingProxy::start(&remote.url)
            .await
            .unwrap_or_else(|e| panic!("the recording proxy in front of {}: {e}", remote.url));
        let client = Client::builder()
            .environment(Environment::Custom(proxy.uri()))
            .credentials(&remote.client_id, &remote.client_secret, &remote.subscription_key)
            .merchant_serial_number(&remote.msn)
            .retry(fast_retries());
        let settings = &remote.settings;
        let client = match &settings.system {
            Some((name, version)) => client.system(name, version),
            None => client,
        };
        let client = match &settings.plugin {
            Some((name, version)) => client.plugin(name, version),
            None => client,
        };
        let approval = settings.approval;
        let (backend, client) = if kind == TargetKind::Sandbox {
            let controls = SandboxControls::new(remote);
            let client = client.sleeper(SandboxSleep(controls.clone()));
            let clock_start = controls.now().await.ok();
            (Self::Sandbox { proxy, controls, clock_start, started: Instant::now(), approval }, client)
        } else {
            (Self::Remote { proxy, started: Instant::now(), approval }, client)
        };
        (backend, client.build().unwrap_or_else(|e| panic!("remote client: {e}")))
    }

    /// The embedded simulator, where there is one.
    pub fn sim(&self) -> Option<&Simulator> {
        match self {
            Self::Embedded { sim, .. } => Some(sim),
            Self::Sandbox { .. } | Self::Remote { .. } => None,
        }
    }

    /// The embedded simulator's webhook receiver, where there is one.
    pub fn receiver(&self) -> Option<&Receiver> {
        match self {
            Self::Embedded { receiver, .. } => Some(receiver),
            Self::Sandbox { .. } | Self::Remote { .. } => None,
        }
    }

    /// Where the scenario's exchanges are recorded: its simulator, or the proxy.
    pub fn exchanges(&self) -> &dyn ExchangeSource {
        match self {
            Self::Embedded { sim, .. } => sim,
            Self::Sandbox { proxy, .. } | Self::Remote { proxy, .. } => proxy,
        }
    }

    /// Waits (a while at most) for the webhooks the simulator has due to reach the receiver;
    /// a remote target's deliveries are its own business.
    pub async fn settle_webhooks(&self) {
        if let Self::Embedded { sim, .. } = self {
            let _ = tokio::time::timeout(SETTLE, sim.webhooks().settled()).await;
        }
    }

    /// The customer approves, by `client` for sales unit `msn`: in the app on the simulator,
    /// by force approve as the test user `phone` on a remote target, or by a person in the app
    /// (given the payment's `link`) where the run's settings say so.
    pub async fn approve(
        &self,
        client: &Client,
        msn: &str,
        reference: &Reference,
        phone: &str,
        link: Option<&str>,
    ) -> Result<(), epayment::Error> {
        match self {
            Self::Embedded { sim, .. } => sim.approve(msn, reference.as_str()).map_err(sim_refusal),
            Self::Sandbox { approval: Approval::Person { within }, .. }
            | Self::Remote { approval: Approval::Person { within }, .. } => {
                person::approval(client, reference, link, *within).await
            }
            Self::Sandbox { .. } | Self::Remote { .. } => client.force_approve(reference, phone).await,
        }
    }

    /// The customer aborts: in the app on the simulator, through a sandbox's own endpoint; a
    /// real environment has no way to, and the step says so.
    pub async fn abort(&self, msn: &str, reference: &Reference) -> Result<(), epayment::Error> {
        match self {
            Self::Embedded { sim, .. } => sim.abort(msn, reference.as_str()).map_err(sim_refusal),
            Self::Sandbox { controls, .. } => controls.customer(msn, reference.as_str(), "abort").await,
            Self::Remote { .. } => panic!(
                "the customer's abort cannot be played on a real environment (do it in the test app); tag the scenario @sandbox"
            ),
        }
    }

    /// Lets `period` pass on the scenario's clock: moved on the simulator (every delivery that
    /// fell due in the move made before the next step, so that the report draws it where it
    /// happened) and on a sandbox, waited out for real on a real environment (up to
    /// [`LONGEST_REAL_WAIT`]).
    pub async fn pass_time(&self, period: Duration) -> Result<(), String> {
        match self {
            Self::Embedded { sim, .. } => {
                sim.advance_clock(period).map_err(|e| e.to_string())?;
                sim.webhooks().settled().await;
                Ok(())
            }
            Self::Sandbox { controls, .. } => controls.advance(period).await,
            Self::Remote { .. } if period > LONGEST_REAL_WAIT => Err(format!(
                "a real environment's clock cannot be moved, and waiting {} s for real is too long; tag the scenario @sandbox",
                period.as_secs()
            )),
            Self::Remote { .. } => {
                tokio::time::sleep(period).await;
                Ok(())
            }
        }
    }

    /// How much time has passed on the scenario's clock since it started (on a sandbox whose
    /// clock cannot be read, by the wall clock).
    pub async fn time_passed(&self) -> Duration {
        match self {
            Self::Embedded { sim, .. } => (sim.clock().now() - clock_start()).to_std().unwrap_or_default(),
            Self::Sandbox { controls, clock_start: Some(start), started, .. } => match controls.now().await {
                Ok(now) => (now - *start).to_std().unwrap_or_default(),
                Err(_) => started.elapsed(),
            },
            Self::Sandbox { started, .. } | Self::Remote { started, .. } => started.elapsed(),
        }
    }

    /// The reference of the scenario's `n`th payment: stable on the simulator (snapshots
    /// repeat), unique on a remote target (references are unique per merchant for good).
    pub fn reference(&self, n: u32) -> Reference {
        let text = match self {
            Self::Embedded { .. } => format!("contract-order-{n:04}"),
            Self::Sandbox { .. } | Self::Remote { .. } => {
                format!("contract-{}-{n:04}", uuid::Uuid::new_v4().simple())
            }
        };
        Reference::new(text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A reference the scenario chose, `written`: kept as written on the simulator (a fresh
    /// one per scenario), and on a remote target followed by `-run-` and 12 hex digits of a
    /// new UUID where that fits the API's 64 characters, since a sandbox and the test
    /// environment keep every reference for good and a second run would find it taken (a
    /// comparison drops the suffix again).
    pub fn chosen_reference(&self, written: &str) -> String {
        match self {
            Self::Embedded { .. } => written.to_owned(),
            Self::Sandbox { .. } | Self::Remote { .. } if written.len() + 17 > 64 => written.to_owned(),
            Self::Sandbox { .. } | Self::Remote { .. } => {
                let unique = uuid::Uuid::new_v4().simple().to_string();
                format!("{written}-run-{}", unique.get(..12).unwrap_or(&unique))
            }
        }
    }

    /// `what`, with the scenario's time where the scenario has a clock of its own.
    pub fn at_time(&self, what: &str) -> String {
        match self {
            Self::Embedded { sim, .. } => {
                format!("{what} (now {})", sim.clock().now().format("%Y-%m-%d %H:%M:%S UTC"))
            }
            Self::Sandbox { .. } | Self::Remote { .. } => what.to_owned(),
        }
    }
}

/// A refusal of the simulator's customer-side actions, as an API error.
fn sim_refusal(e: epayment_sim::ApiError) -> epayment::Error {
    let mut problem = epayment::Problem::bare(e.status);
    problem.detail = Some(e.detail);
    problem.code = e.code.map(epayment::ErrorCode::from_code);
    epayment::Error::Api(Box::new(problem))
}

/// A client of the simulator, acting as sales unit `msn`, each attempt within `timeout` where
/// a step set one. The scenarios' clients share one connection pool: building a
/// `reqwest::Client` (TLS roots and all) costs about as much CPU as a scenario, and a pool
/// keeps nothing of a scenario.
pub fn sim_client(sim: &Simulator, msn: &str, timeout: Option<Duration>) -> Client {
    static POOL: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let c = sim.credentials();
    let builder = Client::builder();
    let builder = match timeout {
        Some(timeout) => builder.timeout(timeout),
        None => builder,
    };
    builder
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
fn clock_start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_268_800, 0).unwrap_or_default()
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
