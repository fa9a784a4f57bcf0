//! `epayment-sim`: the simulator as a local sandbox for any HTTP client.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use epayment_api::epayment::types;
use epayment_sim::{ModelConfig, Simulator, SimulatorBuilder};

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
    /// Seconds an access token lives.
    #[arg(long, default_value_t = 3600)]
    token_lifetime: u64,
    /// Turn the API's rate limits off (5 modifying calls and 120 reads a minute per payment),
    /// for load tests.
    #[arg(long)]
    no_rate_limits: bool,
    /// The largest request body, in bytes; a larger one gets 413 before it is read whole.
    #[arg(long, default_value_t = SimulatorBuilder::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// A sales unit that allows only full capture (6140 for less); repeatable.
    #[arg(long, value_name = "MSN", value_parser = merchant_serial_number)]
    full_capture_only: Vec<String>,
    /// A sales unit with late capture (Denmark and Finland: 180 days to capture, not 14);
    /// repeatable.
    #[arg(long, value_name = "MSN", value_parser = merchant_serial_number)]
    late_capture: Vec<String>,
}

/// A merchant serial number as the document defines it.
fn merchant_serial_number(text: &str) -> Result<String, String> {
    text.parse::<types::Msn>().map(String::from).map_err(|e| format!("not a merchant serial number: {e}"))
}

// The sandbox allocates a few small JSON values per request; glibc's allocator spent a third
// of the time in malloc and free under load (see BENCHMARKS.md), mimalloc a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    runtime.block_on(async move {
        let config = ModelConfig {
            seed: args.seed,
            token_lifetime: std::time::Duration::from_secs(args.token_lifetime),
            ..ModelConfig::default()
        };
        let sim = match Simulator::builder()
            .model(config)
            .record_limit(args.record_limit)
            .body_limit(args.body_limit)
            .rate_limits(!args.no_rate_limits)
            .serve(listener)
        {
            Ok(sim) => sim,
            Err(e) => {
                eprintln!("error: cannot serve: {e}");
                return ExitCode::FAILURE;
            }
        };
        for msn in &args.full_capture_only {
            sim.set_full_capture_only(msn, true);
        }
        for msn in &args.late_capture {
            sim.set_late_capture(msn, true);
        }
        let c = sim.credentials();
        let uri = sim.uri();
        println!("epayment-sim listening on {uri}");
        println!("  access token   POST {uri}/accesstoken/get");
        println!("  ePayment API   {}/v1/...", sim.epayment_url());
        println!("  Webhooks API   {uri}/webhooks/v1/webhooks");
        println!("  the clock      GET {uri}/sim/v1/clock, POST {uri}/sim/v1/clock/advance {{\"days\": 15}}");
        println!("  client_id                  {}", c.client_id);
        println!("  client_secret              {}", c.client_secret);
        println!("  Ocp-Apim-Subscription-Key  {}", c.subscription_key);
        println!("  Merchant-Serial-Number     any 4 to 10 digits, e.g. 123456");
        println!("  sales units                123456 Norway, 223456 Denmark, 323456 Finland, any other Norway");
        for (setting, units) in [("full capture only", &args.full_capture_only), ("late capture", &args.late_capture)] {
            if !units.is_empty() {
                println!("  {setting:<26} {}", units.join(", "));
            }
        }
        println!("Approve a payment as the customer with POST /epayment/v1/test/payments/{{reference}}/approve.");
        println!("Ctrl-C stops.");
        match tokio::signal::ctrl_c().await {
            Ok(()) => println!("stopping"),
            Err(e) => eprintln!("error: cannot wait for Ctrl-C: {e}"),
        }
        sim.stop();
        ExitCode::SUCCESS
    })
}
