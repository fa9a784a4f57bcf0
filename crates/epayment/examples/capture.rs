//! Capture, partial capture and cancel after a partial capture, from the command line.
//!
//! ```sh
//! export VIPPS_CLIENT_ID=... VIPPS_CLIENT_SECRET=... VIPPS_SUBSCRIPTION_KEY=...
//! export VIPPS_MERCHANT_SERIAL_NUMBER=123456
//! export VIPPS_ENVIRONMENT=test        # or production, or http://127.0.0.1:8085 for a local simulator
//! cargo run -p epayment --example capture -- <reference> 2.50 NOK [cancel]
//! ```
//!
//! Captures the amount of an authorized payment, prints the aggregate, and with `cancel`
//! releases whatever is left.

use std::process::ExitCode;

use epayment::{Amount, Client, Reference};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [reference, number, currency, rest @ ..] = args.as_slice() else {
        return Err(
            "usage: capture <reference> <amount> <currency> [cancel], e.g. capture order-1234-abcd 2.50 NOK".into()
        );
    };
    let reference = Reference::new(reference.as_str()).map_err(|e| e.to_string())?;
    let amount: Amount = format!("{number} {currency}").parse().map_err(|e: epayment::InputError| e.to_string())?;
    let client = Client::from_env().map_err(|e| e.to_string())?;

    let captured = client.capture(&reference, amount).await.map_err(|e| e.to_string())?;
    let a = &captured.aggregate;
    println!("captured {} of {}; {} left to capture", a.captured, a.authorized, captured.remaining_capturable());

    if rest.first().map(String::as_str) == Some("cancel") {
        let cancelled = client.cancel(&reference).await.map_err(|e| e.to_string())?;
        println!("cancelled {}; state {}", cancelled.aggregate.cancelled, cancelled.state);
    }
    Ok(())
}
