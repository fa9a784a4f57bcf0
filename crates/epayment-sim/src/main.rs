//! `epayment-sim`: the simulator as a local sandbox for any HTTP client.

mod merchants_file;

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use epayment_api::epayment::types;
use epayment_sim::{
    CardNetwork, Limits, Market, Retention, SalesUnit, Simulator, SimulatorBuilder, Tenant, WebhookDestinations,
};

/// A local, stateful ePayment API sandbox.
#[derive(Parser)]
#[command(name = "epayment-sim", version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8085)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Seed for pspReferences, tokens and webhook secrets.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Exchanges kept in memory; older ones are dropped.
    #[arg(long, default_value_t = 1_000)]
    record_limit: usize,
    /// About how many bytes the kept exchanges may hold; older ones are dropped.
    #[arg(long, default_value_t = 16 << 20)]
    record_bytes: usize,
    /// Seconds an access token lives.
    #[arg(long, default_value_t = 3600)]
    token_lifetime: u64,
    /// Turn the API's rate limits off (5 calls a minute of each modifying operation and 120
    /// reads per payment), for load tests.
    #[arg(long)]
    no_rate_limits: bool,
    /// The largest request body, in bytes; a larger one gets 413 before it is read whole.
    #[arg(long, default_value_t = Limits::default().body_bytes)]
    body_limit: usize,
    /// Connections served at once; more wait to be accepted.
    #[arg(long, default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Connections served at once for one client (an IPv4 address, or an IPv6 /64); more from
    /// it are closed at once, so that one client cannot keep another unserved.
    #[arg(long, default_value_t = Limits::default().max_connections_per_client)]
    max_connections_per_client: usize,
    /// The tenants of a shared sandbox (TOML: `[[merchant]]` with client_id, client_secret,
    /// subscription_key and merchant_serial_numbers): each its own payments, clock, quotas and
    /// webhooks, its token only for its own numbers. Without it: the built-in test keys, for
    /// any number.
    #[arg(long, value_name = "FILE")]
    merchants: Option<std::path::PathBuf>,
    /// Deliver webhooks to loopback and private addresses even when listening beyond loopback
    /// (on loopback they are allowed anyway). Link-local and metadata addresses never.
    #[arg(long)]
    allow_local_webhooks: bool,
    /// Seconds a request's headers (or the next request on an idle connection) may take.
    #[arg(long, default_value_t = Limits::default().header_timeout.as_secs())]
    header_timeout: u64,
    /// Seconds an answer may wait for a client that reads nothing before its connection is
    /// closed.
    #[arg(long, default_value_t = Limits::default().write_timeout.as_secs())]
    write_timeout: u64,
    /// Let the test environment's failing amounts (151, 182, ..., refunds of 123 and 124)
    /// succeed like any other.
    #[arg(long)]
    no_test_amounts: bool,
    /// Answer as production does: no force approve (404) and no test amounts, so that only
    /// the customer endpoint (a person in the app) approves. For rehearsing `cargo xtask
    /// go-live --production`.
    #[arg(long)]
    like_production: bool,
    /// The card payments are paid with: visa, mastercard or bankaxept (its network decides how
    /// long a capture is guaranteed).
    #[arg(long, default_value = "visa", value_parser = card_network)]
    card_network: CardNetwork,
    /// Issuers release a reservation when the capture guarantee ends: a capture after it
    /// fails with 6260.
    #[arg(long)]
    issuer_releases_reservations: bool,
    /// Forget a payment this many days (on the sandbox's clock) after its last activity; longer
    /// than the API's longest period (refunds, 365 days after approval) unless set.
    #[arg(long, default_value_t = 400)]
    forget_after_days: u64,
    /// Hold at most this many payments (per tenant), a tenth of them per merchant serial number;
    /// past either, the least recently active are forgotten (about 6 KiB each: see
    /// BENCHMARKS.md).
    #[arg(long, default_value_t = 50_000)]
    max_payments: usize,
    /// Hold at most about this many MiB of payments and the answers kept for them (per
    /// tenant); past it, as past --max-payments.
    #[arg(long, default_value_t = 128)]
    max_payment_mib: usize,
    /// A sales unit that allows only full capture (6140 for less); repeatable.
    #[arg(long, value_name = "MSN", value_parser = merchant_serial_number)]
    full_capture_only: Vec<String>,
    /// A sales unit with late capture (Denmark and Finland: 180 days to capture, not 14);
    /// repeatable.
    #[arg(long, value_name = "MSN", value_parser = merchant_serial_number)]
    late_capture: Vec<String>,
}

/// A card network by name.
fn card_network(text: &str) -> Result<CardNetwork, String> {
    match text.to_ascii_lowercase().as_str() {
        "visa" => Ok(CardNetwork::Visa),
        "mastercard" => Ok(CardNetwork::Mastercard),
        "bankaxept" => Ok(CardNetwork::BankAxept),
        _ => Err("one of visa, mastercard, bankaxept".into()),
    }
}

/// A merchant serial number as the document defines it.
fn merchant_serial_number(text: &str) -> Result<String, String> {
    text.parse::<types::Msn>().map(String::from).map_err(|e| format!("not a merchant serial number: {e}"))
}

/// The bounds the flags set, on the library's defaults.
fn limits(args: &Args) -> Limits {
    Limits {
        body_bytes: args.body_limit,
        max_connections: args.max_connections,
        max_connections_per_client: args.max_connections_per_client,
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        write_timeout: Duration::from_secs(args.write_timeout.max(1)),
        record_limit: args.record_limit,
        record_bytes: args.record_bytes,
        ..Limits::default()
    }
}

/// The sales units the flags set up, on the default ones.
fn sales_units(args: &Args, mut builder: SimulatorBuilder) -> SimulatorBuilder {
    let defaults = epayment_sim::SalesUnits::default();
    let unit = |msn: &str| defaults.iter().find(|(m, _)| *m == msn).map_or(SalesUnit::new(Market::Norway), |(_, u)| *u);
    let mut msns: Vec<&String> = args.full_capture_only.iter().chain(&args.late_capture).collect();
    msns.dedup();
    for msn in msns {
        let configured = unit(msn)
            .full_capture_only(args.full_capture_only.contains(msn))
            .late_capture(args.late_capture.contains(msn));
        builder = builder.sales_unit(msn, configured);
    }
    builder
}

// The sandbox allocates a few small JSON values per request; glibc's allocator spent a third
// of the time in malloc and free under load (see BENCHMARKS.md), mimalloc a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long answers in flight may take to finish once the sandbox is asked to stop.
const GRACE: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match TcpListener::bind((args.host.as_str(), args.port)) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tenants = match args.merchants.as_deref().map(merchants_file::read).transpose() {
        Ok(tenants) => tenants.unwrap_or_default(),
        Err(why) => {
            eprintln!("error: --merchants {why}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        let mut builder = Simulator::builder()
            .seed(args.seed)
            .token_lifetime(Duration::from_secs(args.token_lifetime))
            .limits(limits(&args))
            .retention(Retention {
                after_inactivity: Some(Duration::from_secs(args.forget_after_days.saturating_mul(86_400))),
                max_payments: Some(args.max_payments),
                max_bytes: Some(args.max_payment_mib.saturating_mul(1 << 20)),
            })
            .rate_limits(!args.no_rate_limits)
            .test_amounts(!args.no_test_amounts)
            .like_production(args.like_production)
            .card_network(args.card_network)
            .issuer_releases_reservations(args.issuer_releases_reservations)
            .tenants(tenants.clone());
        if args.allow_local_webhooks {
            builder = builder.webhook_destinations(WebhookDestinations::AlsoLocal);
        }
        let sim = match sales_units(&args, builder).serve(listener) {
            Ok(sim) => sim,
            Err(e) => {
                eprintln!("error: cannot serve: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut stop = match StopSignals::listen() {
            Ok(stop) => stop,
            Err(e) => {
                eprintln!("error: cannot wait for a signal to stop: {e}");
                return ExitCode::FAILURE;
            }
        };
        banner(&sim, &args, &tenants);
        let signal = match stop.recv().await {
            Ok(signal) => signal,
            Err(e) => {
                eprintln!("error: cannot wait for a signal to stop: {e}");
                return ExitCode::FAILURE;
            }
        };
        let open = sim.open_connections();
        println!("{signal}: stopping; finishing the answers in flight on {open} open connection(s)");
        if sim.shutdown(GRACE).await {
            println!("stopped");
        } else {
            println!("stopped; connections still open after {} s were closed", GRACE.as_secs());
        }
        ExitCode::SUCCESS
    })
}

/// Ctrl-C (SIGINT) and SIGTERM, listened for before the banner is printed: a supervisor that
/// stops the sandbox as soon as it reads the banner must find the handlers in place, or the
/// signal's default action ends the process without a word (status 143).
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn listen() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Waits for the first of them, and says which came.
    async fn recv(&mut self) -> std::io::Result<&'static str> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Ok("SIGINT"),
                _ = self.terminate.recv() => Ok("SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.map(|()| "Ctrl-C")
        }
    }
}

fn banner(sim: &Simulator, args: &Args, tenants: &[Tenant]) {
    let c = sim.credentials();
    let uri = sim.uri();
    println!("epayment-sim listening on {uri}");
    println!("  access token   POST {uri}/accesstoken/get");
    println!("  ePayment API   {}/v1/...", sim.epayment_url());
    println!("  Webhooks API   {uri}/webhooks/v1/webhooks");
    println!("  the clock      GET {uri}/sim/v1/clock, POST {uri}/sim/v1/clock/advance {{\"days\": 15}}");
    if tenants.is_empty() {
        println!("  client_id                  {}", c.client_id);
        println!("  client_secret              {}", c.client_secret);
        println!("  Ocp-Apim-Subscription-Key  {}", c.subscription_key);
        println!("  Merchant-Serial-Number     any 4 to 10 digits, e.g. 123456");
    } else {
        // Their keys are the operator's to hand out; the banner names only who is served.
        println!(
            "  merchants                  {} from --merchants, each with its own clock and quotas:",
            tenants.len()
        );
        for tenant in tenants {
            println!("    {:<24} {}", tenant.credentials.client_id, tenant.merchant_serial_numbers.join(", "));
        }
    }
    println!("  sales units                123456 Norway, 223456 Denmark, 323456 Finland, any other Norway");
    for (setting, units) in [("full capture only", &args.full_capture_only), ("late capture", &args.late_capture)] {
        if !units.is_empty() {
            println!("  {setting:<26} {}", units.join(", "));
        }
    }
    if args.like_production {
        println!("  like production            no force approve, no test amounts (--like-production)");
    } else if !args.no_test_amounts {
        println!("  test amounts               on, as in the test environment (--no-test-amounts turns them off)");
    }
    println!("  cards                      {} (--card-network)", args.card_network.name());
    println!(
        "  payments are forgotten     {} days after their last activity, or past {} held",
        args.forget_after_days, args.max_payments
    );
    if !args.like_production {
        println!("Approve a payment as the customer with POST /epayment/v1/test/payments/{{reference}}/approve,");
    }
    println!(
        "Act as the customer with POST {uri}/sim/v1/payments/{{reference}}/{{approve|abort|expire|refuse-consent}}."
    );
    println!("Ctrl-C or SIGTERM stops.");
}
